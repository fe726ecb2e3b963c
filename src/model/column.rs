//! Compact columns for the model's big arrays: times kept as their low 32
//! bits with the rare changes of the high 32 bits aside (4 bytes a time
//! instead of 8, exact for every `i64`), and small codes stored in the
//! narrowest of `u8`, `u16` or `u32` that holds every code so far.

use crate::trace::Time;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// A column of times, 4 bytes each plus one entry per change of the high
/// half. Values that follow each other in time (a lane's starts, events in
/// order) change their high half once every 4.3 s at most, so the side
/// table stays tiny; any `i64` sequence is stored exactly.
#[derive(Debug, Default, Clone)]
pub struct TimeColumn {
    /// Low 32 bits of each time.
    lo: Vec<u32>,
    /// `(first index, high 32 bits)` at index 0 and wherever the high half
    /// differs from the previous time's; sorted by index.
    hi: Vec<(u32, i32)>,
    /// For each block of [`BLOCK`] indexes, the entry of `hi` covering its
    /// first index: a lookup searches only the entries of one block.
    block: Vec<u32>,
}

/// log2 of the indexes per block of [`TimeColumn::block`].
const BLOCK_BITS: u32 = 12;
/// Indexes per block of [`TimeColumn::block`].
const BLOCK: usize = 1 << BLOCK_BITS;

#[inline]
fn join(hi: i32, lo: u32) -> Time {
    ((hi as i64) << 32) | lo as i64
}

impl TimeColumn {
    /// Number of times.
    #[inline]
    pub fn len(&self) -> usize {
        self.lo.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.lo.is_empty()
    }

    /// Appends a time.
    #[inline]
    pub fn push(&mut self, t: Time) {
        let i = self.lo.len();
        let h = (t >> 32) as i32;
        if self.hi.last().is_none_or(|&(_, last)| last != h) {
            self.hi.push((i as u32, h));
        }
        if i.is_multiple_of(BLOCK) {
            self.block.push(self.hi.len() as u32 - 1);
        }
        self.lo.push(t as u32);
    }

    /// The entry of `hi` covering index `i` (< len).
    #[inline]
    fn hi_index(&self, i: usize) -> usize {
        let b = i >> BLOCK_BITS;
        let k0 = self.block[b] as usize;
        let k1 = self
            .block
            .get(b + 1)
            .map_or(self.hi.len() - 1, |&k| k as usize);
        if k0 == k1 {
            return k0;
        }
        // Entries k0..=k1 cover the block; the last one starting at or before i.
        k0 + self.hi[k0 + 1..=k1].partition_point(|&(s, _)| s as usize <= i)
    }

    /// The time at `i` (panics if out of range).
    #[inline]
    pub fn get(&self, i: usize) -> Time {
        join(self.hi[self.hi_index(i)].1, self.lo[i])
    }

    /// A view of the times in `r`, for repeated access (searches).
    pub fn slice(&self, r: Range<usize>) -> TimeSlice<'_> {
        assert!(r.start <= r.end && r.end <= self.len());
        TimeSlice {
            col: self,
            first: r.start,
            len: r.end - r.start,
        }
    }

    /// The times in `r`, in order (constant time per value).
    pub fn iter_range(&self, r: Range<usize>) -> impl Iterator<Item = Time> + '_ {
        let mut k = if r.is_empty() {
            0
        } else {
            self.hi_index(r.start)
        };
        r.map(move |i| {
            while k + 1 < self.hi.len() && self.hi[k + 1].0 as usize <= i {
                k += 1;
            }
            join(self.hi[k].1, self.lo[i])
        })
    }

    /// Frees unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.lo.shrink_to_fit();
        self.hi.shrink_to_fit();
        self.block.shrink_to_fit();
    }

    /// Removes every time, keeping the capacity.
    pub fn clear(&mut self) {
        self.lo.clear();
        self.hi.clear();
        self.block.clear();
    }

    /// Heap bytes used (by capacity).
    pub fn heap_bytes(&self) -> usize {
        self.lo.capacity() * 4 + self.hi.capacity() * 8 + self.block.capacity() * 4
    }
}

/// Part of a [`TimeColumn`], indexed from 0.
#[derive(Debug, Clone, Copy)]
pub struct TimeSlice<'a> {
    col: &'a TimeColumn,
    /// Column index of the slice's first time.
    first: usize,
    len: usize,
}

impl TimeSlice<'_> {
    /// Number of times.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The time at `k` (from the slice's start).
    #[inline]
    pub fn get(&self, k: usize) -> Time {
        debug_assert!(k < self.len);
        self.col.get(self.first + k)
    }

    /// The first index in `lo..hi` whose time does not satisfy `pred`, the
    /// times in that range being partitioned by it (as
    /// [`slice::partition_point`]).
    pub fn partition_point_in(&self, lo: usize, hi: usize, pred: impl Fn(Time) -> bool) -> usize {
        assert!(lo <= hi && hi <= self.len);
        if lo == hi {
            return lo;
        }
        let (a, b) = (self.first + lo, self.first + hi);
        let c = self.col;
        let k = c.hi_index(a);
        if k == c.hi_index(b - 1) {
            // One high half for the whole range: search the low halves.
            let h = c.hi[k].1;
            return lo + c.lo[a..b].partition_point(|&l| pred(join(h, l)));
        }
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a) / 2;
            if pred(self.get(m)) {
                a = m + 1;
            } else {
                b = m;
            }
        }
        a
    }

    /// [`TimeSlice::partition_point_in`] over the whole slice.
    pub fn partition_point(&self, pred: impl Fn(Time) -> bool) -> usize {
        self.partition_point_in(0, self.len, pred)
    }
}

/// Dense codes for small keys packed in a `u64` (never `u64::MAX`), with a
/// direct-mapped cache in front of the hash map: building a column of
/// codes costs a few instructions a value.
#[derive(Debug, Clone)]
pub struct KeyTable {
    keys: Vec<u64>,
    index: FxHashMap<u64, u32>,
    cache: Vec<(u64, u32)>,
}

/// Entries of [`KeyTable::cache`].
const CACHE: usize = 256;

impl Default for KeyTable {
    fn default() -> Self {
        KeyTable {
            keys: Vec::new(),
            index: FxHashMap::default(),
            cache: vec![(u64::MAX, 0); CACHE],
        }
    }
}

impl KeyTable {
    /// The code of `key`, a new one if it is new.
    #[inline]
    pub fn code(&mut self, key: u64) -> u32 {
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % CACHE;
        let e = self.cache[slot];
        if e.0 == key {
            return e.1;
        }
        let c = self.code_slow(key);
        self.cache[slot] = (key, c);
        c
    }

    #[cold]
    fn code_slow(&mut self, key: u64) -> u32 {
        if let Some(&c) = self.index.get(&key) {
            return c;
        }
        let c = self.keys.len() as u32;
        self.keys.push(key);
        self.index.insert(key, c);
        c
    }

    /// The key of a code.
    #[inline]
    pub fn key(&self, code: u32) -> u64 {
        self.keys[code as usize]
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Drops the lookup structures (no more [`KeyTable::code`] calls).
    pub fn freeze(&mut self) {
        self.index = FxHashMap::default();
        self.cache = Vec::new();
        self.keys.shrink_to_fit();
    }

    /// Heap bytes used (by capacity).
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.cache.capacity() * 16 + self.index.capacity() * 16
    }
}

/// Small unsigned codes in the narrowest width that holds them all: one
/// byte each while every code is below 256, two below 65536, else four.
#[derive(Debug, Clone)]
pub enum Codes {
    /// Every code fits a byte.
    U8(Vec<u8>),
    /// Every code fits two bytes.
    U16(Vec<u16>),
    /// Any code.
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Codes::U8(Vec::new())
    }
}

impl Codes {
    /// Number of codes.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code at `i`.
    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            Codes::U8(v) => v[i] as u32,
            Codes::U16(v) => v[i] as u32,
            Codes::U32(v) => v[i],
        }
    }

    /// Sets the code at `i`, widening the column if needed.
    pub fn set(&mut self, i: usize, c: u32) {
        self.fit(c);
        match self {
            Codes::U8(v) => v[i] = c as u8,
            Codes::U16(v) => v[i] = c as u16,
            Codes::U32(v) => v[i] = c,
        }
    }

    /// Appends a code, widening the column if needed.
    #[inline]
    pub fn push(&mut self, c: u32) {
        match self {
            Codes::U8(v) if c <= u8::MAX as u32 => v.push(c as u8),
            Codes::U16(v) if c <= u16::MAX as u32 => v.push(c as u16),
            Codes::U32(v) => v.push(c),
            _ => self.push_wider(c),
        }
    }

    #[cold]
    fn push_wider(&mut self, c: u32) {
        self.fit(c);
        match self {
            Codes::U8(v) => v.push(c as u8),
            Codes::U16(v) => v.push(c as u16),
            Codes::U32(v) => v.push(c),
        }
    }

    /// Widens the column so that it can hold `c`.
    fn fit(&mut self, c: u32) {
        let widened = match self {
            Codes::U8(v) if c > u8::MAX as u32 => {
                if c <= u16::MAX as u32 {
                    Codes::U16(v.iter().map(|&x| x as u16).collect())
                } else {
                    Codes::U32(v.iter().map(|&x| x as u32).collect())
                }
            }
            Codes::U16(v) if c > u16::MAX as u32 => {
                Codes::U32(v.iter().map(|&x| x as u32).collect())
            }
            _ => return,
        };
        *self = widened;
    }

    /// Removes every code, keeping the width and the capacity.
    pub fn clear(&mut self) {
        match self {
            Codes::U8(v) => v.clear(),
            Codes::U16(v) => v.clear(),
            Codes::U32(v) => v.clear(),
        }
    }

    /// Frees unused capacity.
    pub fn shrink_to_fit(&mut self) {
        match self {
            Codes::U8(v) => v.shrink_to_fit(),
            Codes::U16(v) => v.shrink_to_fit(),
            Codes::U32(v) => v.shrink_to_fit(),
        }
    }

    /// Heap bytes used (by capacity).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Codes::U8(v) => v.capacity(),
            Codes::U16(v) => v.capacity() * 2,
            Codes::U32(v) => v.capacity() * 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_across_high_half_changes() {
        let ts: Vec<Time> = vec![
            -5,
            0,
            1,
            (1 << 32) - 1,
            1 << 32,
            (1 << 32) + 7,
            3 << 32,
            (3 << 32) + 1,
            i64::MAX,
            i64::MIN,
            42,
        ];
        let mut c = TimeColumn::default();
        for &t in &ts {
            c.push(t);
        }
        for (i, &t) in ts.iter().enumerate() {
            assert_eq!(c.get(i), t, "at {i}");
        }
        assert_eq!(c.iter_range(0..ts.len()).collect::<Vec<_>>(), ts);
        assert_eq!(c.iter_range(4..7).collect::<Vec<_>>(), ts[4..7]);
        for a in 0..ts.len() {
            for b in a..=ts.len() {
                let s = c.slice(a..b);
                for k in 0..b - a {
                    assert_eq!(s.get(k), ts[a + k], "slice {a}..{b} at {k}");
                }
            }
        }
    }

    #[test]
    fn times_round_trip_over_many_blocks() {
        // High half changes inside blocks, at block starts, and back and forth.
        let mut ts: Vec<Time> = Vec::new();
        let mut x: u64 = 1;
        for i in 0..40_000i64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let hi = match i {
                0..=9_999 => 0,
                10_000..=12_287 => (x >> 62) as i64,
                12_288..=20_479 => 5 + (i / 700),
                _ => 40 - (i % 3),
            };
            ts.push(hi << 32 | (x >> 40) as i64);
        }
        let mut c = TimeColumn::default();
        ts.iter().for_each(|&t| c.push(t));
        for (i, &t) in ts.iter().enumerate() {
            assert_eq!(c.get(i), t, "at {i}");
        }
        assert_eq!(
            c.iter_range(4_000..30_000).collect::<Vec<_>>(),
            ts[4_000..30_000]
        );
        let s = c.slice(8_000..24_000);
        for k in (0..16_000).step_by(7) {
            assert_eq!(s.get(k), ts[8_000 + k]);
        }
    }

    #[test]
    fn key_tables_give_dense_codes() {
        let mut k = KeyTable::default();
        let keys: Vec<u64> = (0..1000u64).map(|i| ((i % 300) << 20) | (i % 7)).collect();
        let codes: Vec<u32> = keys.iter().map(|&x| k.code(x)).collect();
        for (&x, &c) in keys.iter().zip(&codes) {
            assert_eq!(k.key(c), x);
            assert_eq!(k.code(x), c);
        }
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(k.len(), distinct.len());
        assert!(codes.iter().all(|&c| (c as usize) < distinct.len()));
    }

    #[test]
    fn slices_search_like_vectors() {
        let ts: Vec<Time> = (0..200).map(|i| i * (1 << 29) + (i % 3)).collect();
        let mut c = TimeColumn::default();
        ts.iter().for_each(|&t| c.push(t));
        for a in [0, 1, 17, 100] {
            for b in [a, a + 1, 150, 200] {
                let s = c.slice(a..b);
                for t in [-1, 0, 1 << 32, 5 << 32, (5 << 32) + 1, 99 << 30, 1 << 40] {
                    assert_eq!(
                        s.partition_point(|x| x < t),
                        ts[a..b].partition_point(|&x| x < t),
                        "{a}..{b} {t}"
                    );
                }
            }
        }
    }

    #[test]
    fn codes_widen_as_needed() {
        let mut c = Codes::default();
        c.push(3);
        c.push(255);
        assert!(matches!(c, Codes::U8(_)));
        c.push(256);
        assert!(matches!(c, Codes::U16(_)));
        c.push(70_000);
        assert!(matches!(c, Codes::U32(_)));
        c.set(0, 9);
        assert_eq!(
            (0..4).map(|i| c.get(i)).collect::<Vec<_>>(),
            vec![9, 255, 256, 70_000]
        );
        let mut d = Codes::default();
        d.push(1);
        d.set(0, 1 << 20);
        assert_eq!(d.get(0), 1 << 20);
    }
}
