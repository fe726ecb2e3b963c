//! Maps from integer IDs (goroutines, procs) to small state records: a dense
//! vector for the compact IDs real traces use, a hash map for the rest.

use rustc_hash::FxHashMap;

/// A total map from `u64` keys to `V`: absent keys read as `V::default()`.
/// Keys below `cap` live in a vector grown on demand, others in a hash map,
/// so memory stays bounded whatever IDs a (possibly malformed) file holds.
#[derive(Debug)]
pub(crate) struct IdMap<V> {
    dense: Vec<V>,
    sparse: FxHashMap<u64, V>,
    cap: usize,
}

impl<V: Copy + Default> IdMap<V> {
    /// An empty map keeping keys below `cap` in a vector.
    pub(crate) fn new(cap: usize) -> IdMap<V> {
        IdMap {
            dense: Vec::new(),
            sparse: FxHashMap::default(),
            cap,
        }
    }

    /// The value of `k` (the default when never set).
    #[inline]
    pub(crate) fn get(&self, k: u64) -> V {
        match self.dense.get(k as usize) {
            Some(v) if k < self.cap as u64 => *v,
            _ if k < self.cap as u64 => V::default(),
            _ => self.sparse.get(&k).copied().unwrap_or_default(),
        }
    }

    /// A mutable reference to the value of `k`, inserting the default.
    #[inline]
    pub(crate) fn entry(&mut self, k: u64) -> &mut V {
        if k < self.cap as u64 {
            let i = k as usize;
            if i >= self.dense.len() {
                let want = (i + 1).max(self.dense.len() * 2).min(self.cap);
                self.dense.resize(want, V::default());
            }
            &mut self.dense[i]
        } else {
            self.sparse.entry(k).or_default()
        }
    }

    /// Sets the value of `k`.
    #[inline]
    pub(crate) fn set(&mut self, k: u64, v: V) {
        *self.entry(k) = v;
    }
}

/// The key of a proc ID in an [`IdMap`] (-1 and the fake procs go sparse).
#[inline]
pub(crate) fn pkey(p: i32) -> u64 {
    u64::from(p as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_keys_read_back() {
        let mut m: IdMap<u32> = IdMap::new(16);
        assert_eq!(m.get(3), 0);
        m.set(3, 7);
        m.set(1 << 40, 9);
        *m.entry(15) += 2;
        assert_eq!(
            (m.get(3), m.get(1 << 40), m.get(15), m.get(16)),
            (7, 9, 2, 0)
        );
        assert_eq!(m.get(pkey(-1)), 0);
    }
}
