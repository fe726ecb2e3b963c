//! Per-generation lookup tables: strings, stacks, frames, clock data.

use super::error::{trace_err, Result};
use super::ids::Time;
use rustc_hash::FxHashMap;

/// A map from small integer IDs to values, dense when the IDs allow it.
/// ID 0 always resolves to the default value (Go's convention).
#[derive(Debug, Clone)]
pub struct DataTable<E> {
    dense: Vec<Option<E>>,
    sparse: FxHashMap<u64, E>,
    what: &'static str,
}

impl<E: Default + Clone> DataTable<E> {
    /// An empty table; `what` names the values in errors ("string", "stack").
    pub fn new(what: &'static str) -> DataTable<E> {
        DataTable {
            dense: Vec::new(),
            sparse: FxHashMap::default(),
            what,
        }
    }

    /// Adds a mapping; an ID seen before is an error, as in Go.
    pub fn insert(&mut self, id: u64, value: E) -> Result<()> {
        if self.contains(id) {
            return Err(trace_err!(
                "multiple {}s with the same ID: id={}",
                self.what,
                id
            ));
        }
        self.sparse.insert(id, value);
        Ok(())
    }

    /// Adds a value under the next free ID and returns the ID.
    pub fn push(&mut self, value: E) -> u64 {
        let mut id = (self.dense.len().max(1) + self.sparse.len()) as u64;
        while self.contains(id) {
            id += 1;
        }
        self.sparse.insert(id, value);
        id
    }

    /// Moves the values into a dense vector when IDs are compact enough
    /// (at most 2x waste), for fast lookups while ordering.
    pub fn compactify(&mut self) {
        if self.sparse.is_empty() {
            return;
        }
        let max = self.sparse.keys().copied().max().unwrap_or(0);
        let n = self.sparse.len() + self.dense.iter().filter(|v| v.is_some()).count();
        if max > (2 * n as u64).max(64) {
            return;
        }
        let size = max as usize + 1;
        if self.dense.len() < size {
            self.dense.resize(size, None);
        }
        for (id, v) in self.sparse.drain() {
            self.dense[id as usize] = Some(v);
        }
    }

    /// Looks up an ID; `None` when absent and for ID 0, which means "none"
    /// (use [`DataTable::contains`] for validity checks).
    #[inline]
    pub fn get(&self, id: u64) -> Option<&E> {
        if let Some(Some(v)) = self.dense.get(id as usize) {
            return Some(v);
        }
        self.sparse.get(&id)
    }

    /// True if the ID resolves (0 always does).
    #[inline]
    pub fn contains(&self, id: u64) -> bool {
        id == 0 || self.get(id).is_some()
    }

    /// Every (ID, value) pair, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &E)> {
        self.dense
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i as u64, v)))
            .chain(self.sparse.iter().map(|(k, v)| (*k, v)))
    }

    /// Number of entries (not counting the implicit ID 0).
    pub fn len(&self) -> usize {
        self.dense.iter().filter(|v| v.is_some()).count() + self.sparse.len()
    }

    /// True when the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One stack frame of a stack table entry, with string IDs unresolved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawFrame {
    /// Program counter.
    pub pc: u64,
    /// Function name string ID.
    pub func: u64,
    /// File name string ID.
    pub file: u64,
    /// Line number.
    pub line: u64,
}

/// The per-generation clock data (Go's `sync`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClockSync {
    /// Nanoseconds per timestamp tick (0 until a Frequency event is seen).
    pub freq: f64,
    /// Whether a ClockSnapshot event was seen (Go 1.25+).
    pub has_clock_snapshot: bool,
    /// Trace timestamp of the snapshot.
    pub snap_time: u64,
    /// Monotonic clock at the snapshot.
    pub snap_mono: u64,
    /// Wall clock seconds at the snapshot.
    pub snap_wall_sec: u64,
    /// Wall clock nanoseconds at the snapshot.
    pub snap_wall_nsec: u64,
}

impl ClockSync {
    /// Converts ticks to nanoseconds exactly as Go does (float multiply,
    /// truncation toward zero).
    #[inline]
    pub fn mul(&self, t: u64) -> Time {
        (t as f64 * self.freq) as i64
    }
}

/// The tables an event needs to be interpreted: Go's `evTable`.
#[derive(Debug, Clone)]
pub struct EvTable {
    /// Clock data.
    pub sync: ClockSync,
    /// String dictionary.
    pub strings: DataTable<String>,
    /// Stack table: each stack is a list of PCs (innermost first).
    pub stacks: DataTable<Vec<u64>>,
    /// Frame details per PC.
    pub pcs: FxHashMap<u64, RawFrame>,
    /// Strings made up while parsing (task names carried across generations).
    pub extra_strings: Vec<String>,
    extra_ids: FxHashMap<String, u64>,
    /// Number of experimental batches seen (their data is not interpreted).
    pub experimental_batches: usize,
}

impl Default for EvTable {
    fn default() -> Self {
        EvTable::new()
    }
}

impl EvTable {
    /// Empty tables.
    pub fn new() -> EvTable {
        EvTable {
            sync: ClockSync::default(),
            strings: DataTable::new("string"),
            stacks: DataTable::new("stack"),
            pcs: FxHashMap::default(),
            extra_strings: Vec::new(),
            extra_ids: FxHashMap::default(),
            experimental_batches: 0,
        }
    }

    /// The string for an ID ("" for 0 or unknown IDs, which were validated earlier).
    #[inline]
    pub fn string(&self, id: u64) -> &str {
        if id == 0 {
            return "";
        }
        self.strings.get(id).map_or("", String::as_str)
    }

    /// The PCs of a stack ([] for 0 or unknown IDs).
    #[inline]
    pub fn stack(&self, id: u64) -> &[u64] {
        if id == 0 {
            return &[];
        }
        self.stacks.get(id).map_or(&[], Vec::as_slice)
    }

    /// Frame details of a PC.
    #[inline]
    pub fn frame(&self, pc: u64) -> RawFrame {
        self.pcs.get(&pc).copied().unwrap_or(RawFrame {
            pc,
            ..RawFrame::default()
        })
    }

    /// Adds a parser-made string and returns its extra-string ID (0 for "").
    pub fn add_extra_string(&mut self, s: &str) -> u64 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.extra_ids.get(s) {
            return id;
        }
        self.extra_strings.push(s.to_string());
        let id = self.extra_strings.len() as u64;
        self.extra_ids.insert(s.to_string(), id);
        id
    }

    /// The parser-made string for an ID from [`EvTable::add_extra_string`].
    pub fn extra_string(&self, id: u64) -> &str {
        if id == 0 {
            return "";
        }
        self.extra_strings
            .get(id as usize - 1)
            .map_or("", String::as_str)
    }

    /// Checks every frame of every stack refers to known PCs and strings.
    pub fn validate_stack_strings(&self) -> Result<()> {
        for (id, pcs) in self.stacks.iter() {
            for pc in pcs {
                let Some(f) = self.pcs.get(pc) else {
                    return Err(trace_err!("found unknown pc {pc:x} for stack {id}"));
                };
                if !self.strings.contains(f.func) {
                    return Err(trace_err!(
                        "found invalid func string ID {} for stack {id}",
                        f.func
                    ));
                }
                if !self.strings.contains(f.file) {
                    return Err(trace_err!(
                        "found invalid file string ID {} for stack {id}",
                        f.file
                    ));
                }
            }
        }
        Ok(())
    }
}
