//! Maps a generation's string and stack IDs to the model's interned IDs,
//! caching per generation (IDs are only meaningful within one).

use super::super::strings::{Frame, StackTable, StringTable};
use crate::trace::EvTable;
use rustc_hash::FxHashMap;

/// Caches of ID mappings for the current generation.
#[derive(Default)]
pub struct GenInterner {
    strings: FxHashMap<u64, u32>,
    stacks: FxHashMap<u64, u32>,
    frames: Vec<u32>,
}

impl GenInterner {
    /// Forgets the mappings (a new generation starts).
    pub fn reset(&mut self) {
        self.strings.clear();
        self.stacks.clear();
    }

    /// Model ID of a generation string ID.
    pub fn string(&mut self, t: &EvTable, id: u64, strings: &mut StringTable) -> u32 {
        if id == 0 {
            return 0;
        }
        if let Some(&s) = self.strings.get(&id) {
            return s;
        }
        let s = strings.intern(t.string(id));
        self.strings.insert(id, s);
        s
    }

    /// Model ID of a generation stack ID.
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
        if let Some(&s) = self.stacks.get(&id) {
            return s;
        }
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
