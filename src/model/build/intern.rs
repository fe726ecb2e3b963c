//! Maps a generation's string and stack IDs to the model's interned IDs,
//! caching per generation (IDs are only meaningful within one).

use super::super::strings::{Frame, StackTable, StringTable};
use crate::trace::EvTable;
use rustc_hash::FxHashMap;

/// Caches of ID mappings for the current generation.
#[derive(Default)]
pub struct GenInterner {
    strings: IdCache,
    stacks: IdCache,
    frames: Vec<u32>,
}

/// A cache from a generation's IDs (dense from 1 in practice) to model IDs.
#[derive(Default)]
struct IdCache {
    dense: Vec<u32>,
    sparse: FxHashMap<u64, u32>,
}

/// Not cached (in [`IdCache::dense`]).
const MISSING: u32 = u32::MAX;
/// IDs below this are cached in the vector.
const DENSE_IDS: u64 = 1 << 20;

impl IdCache {
    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        if id < DENSE_IDS {
            return self
                .dense
                .get(id as usize)
                .copied()
                .filter(|&v| v != MISSING);
        }
        self.sparse.get(&id).copied()
    }

    fn insert(&mut self, id: u64, v: u32) {
        if id < DENSE_IDS {
            let i = id as usize;
            if i >= self.dense.len() {
                self.dense
                    .resize((i + 1).max(self.dense.len() * 2), MISSING);
            }
            self.dense[i] = v;
        } else {
            self.sparse.insert(id, v);
        }
    }

    fn clear(&mut self) {
        self.dense.clear();
        self.sparse.clear();
    }
}

impl GenInterner {
    /// Forgets the mappings (a new generation starts).
    pub fn reset(&mut self) {
        self.strings.clear();
        self.stacks.clear();
    }

    /// Model ID of a generation string ID.
    #[inline]
    pub fn string(&mut self, t: &EvTable, id: u64, strings: &mut StringTable) -> u32 {
        if id == 0 {
            return 0;
        }
        if let Some(s) = self.strings.get(id) {
            return s;
        }
        let s = strings.intern(t.string(id));
        self.strings.insert(id, s);
        s
    }

    /// Model ID of a generation stack ID.
    #[inline]
    pub fn stack(
        &mut self,
        t: &EvTable,
        id: u64,
        strings: &mut StringTable,
        stacks: &mut StackTable,
    ) -> u32 {
        if id == 0 {
            return 0;
        }
        if let Some(s) = self.stacks.get(id) {
            return s;
        }
        self.new_stack(t, id, strings, stacks)
    }

    fn new_stack(
        &mut self,
        t: &EvTable,
        id: u64,
        strings: &mut StringTable,
        stacks: &mut StackTable,
    ) -> u32 {
        self.frames.clear();
        for &pc in t.stack(id) {
            let f = t.frame(pc);
            let func = self.string(t, f.func, strings);
            let file = self.string(t, f.file, strings);
            self.frames.push(stacks.intern_frame(Frame {
                pc,
                func,
                file,
                line: f.line.min(u64::from(u32::MAX)) as u32,
            }));
        }
        let s = stacks.intern_stack(&self.frames);
        self.stacks.insert(id, s);
        s
    }
}
