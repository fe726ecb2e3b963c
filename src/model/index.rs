//! A map from trace IDs (goroutine, proc, thread IDs) to small indexes:
//! a plain vector for IDs that are dense enough (Go hands out goroutine and
//! proc IDs consecutively), a hash map for the rest.

use rustc_hash::FxHashMap;

/// "Absent" in the dense part.
const NONE: u32 = u32::MAX;

/// The dense part grows to cover an ID when the ID is below this many slots
/// per entry (plus [`DENSE_SLACK`]); larger IDs go to the hash map.
const DENSE_PER_ENTRY: usize = 4;
/// IDs below this always fit the dense part (256 KiB of slots).
const DENSE_SLACK: usize = 1 << 16;

/// Maps `i64` IDs to `u32` indexes. Each ID is inserted once.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    dense: Vec<u32>,
    sparse: FxHashMap<i64, u32>,
    len: usize,
}

impl IdIndex {
    /// The index of `id`.
    #[inline]
    pub fn get(&self, id: i64) -> Option<u32> {
        if let Some(&i) = usize::try_from(id).ok().and_then(|u| self.dense.get(u)) {
            if i != NONE {
                return Some(i);
            }
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&id).copied()
    }

    /// Records the index of a new `id`.
    pub fn insert(&mut self, id: i64, index: u32) {
        self.len += 1;
        if let Ok(u) = usize::try_from(id) {
            if u >= self.dense.len() && u < self.len * DENSE_PER_ENTRY + DENSE_SLACK {
                let want = (u + 1).max(self.dense.len() * 3 / 2);
                self.dense.resize(want, NONE);
            }
            if let Some(slot) = self.dense.get_mut(u) {
                *slot = index;
                return;
            }
        }
        self.sparse.insert(id, index);
    }

    /// Forgets `id` (its index may be given to another ID).
    pub fn remove(&mut self, id: i64) {
        if let Some(slot) = usize::try_from(id).ok().and_then(|u| self.dense.get_mut(u)) {
            if *slot != NONE {
                *slot = NONE;
                self.len -= 1;
                return;
            }
        }
        if self.sparse.remove(&id).is_some() {
            self.len -= 1;
        }
    }

    /// Number of IDs inserted.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no ID was inserted.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.dense.capacity() * 4 + self.sparse.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_ids() {
        let mut x = IdIndex::default();
        x.insert(5, 0);
        x.insert(1 << 40, 1);
        x.insert(-1, 2);
        x.insert(70_000, 3);
        assert_eq!(x.get(5), Some(0));
        assert_eq!(x.get(1 << 40), Some(1));
        assert_eq!(x.get(-1), Some(2));
        assert_eq!(x.get(70_000), Some(3));
        assert_eq!(x.get(6), None);
        assert_eq!(x.get(1 << 41), None);
        assert_eq!(x.len(), 4);
        // A sparse ID later covered by the dense part is still found.
        x.insert(300_000, 4);
        for i in 0..200_000 {
            x.insert(100_000 + i, 10 + i as u32);
        }
        assert_eq!(x.get(300_000), Some(4));
        assert_eq!(x.get(299_999), Some(10 + 199_999));
        assert_eq!(x.get(1 << 40), Some(1));
    }
}
