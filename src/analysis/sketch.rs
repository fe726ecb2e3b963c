//! Quantiles of millions of durations in constant memory: a log-linear
//! histogram (HDR style) with 128 buckets per power of two, so a quantile
//! is within 1/128 (0.8%) of the exact value, and exact below 128 ns. The
//! goroutine analysis of a big trace keeps one per group and column
//! instead of one value per goroutine.

/// Buckets per power of two (and the values below it kept exactly).
const SUB: usize = 128;
/// log2 of [`SUB`].
const SUB_BITS: u32 = 7;
/// Number of buckets for every non-negative `i64`.
const BUCKETS: usize = SUB + (63 - SUB_BITS as usize) * SUB;

/// Bucket of a non-negative value.
#[inline]
fn bucket_of(v: i64) -> usize {
    let v = v.max(0) as u64;
    if v < SUB as u64 {
        return v as usize;
    }
    let e = 63 - v.leading_zeros(); // >= SUB_BITS
    let sub = (v >> (e - SUB_BITS)) as usize & (SUB - 1);
    SUB + (e - SUB_BITS) as usize * SUB + sub
}

/// The smallest value of a bucket.
#[inline]
fn bucket_min(b: usize) -> i64 {
    if b < SUB {
        return b as i64;
    }
    let e = (b - SUB) / SUB + SUB_BITS as usize;
    let sub = ((b - SUB) % SUB) as i64;
    (SUB as i64 + sub) << (e - SUB_BITS as usize)
}

/// Counts of values per log-linear bucket, with the exact maximum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuantileSketch {
    counts: Vec<u32>,
    n: u64,
    max: i64,
}

impl QuantileSketch {
    /// Adds a value (negative values count as 0).
    pub fn add(&mut self, v: i64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        let b = bucket_of(v);
        self.counts[b] = self.counts[b].saturating_add(1);
        self.max = if self.n == 0 { v } else { self.max.max(v) };
        self.n += 1;
    }

    /// Adds `n` zeros (without touching the buckets' memory until needed).
    pub fn add_zeros(&mut self, n: u64) {
        if n == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        self.counts[0] = self.counts[0].saturating_add(n.min(u32::MAX as u64) as u32);
        self.max = if self.n == 0 { 0 } else { self.max.max(0) };
        self.n += n;
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The largest value (exact).
    pub fn max(&self) -> i64 {
        self.max
    }

    /// The value at quantile `q` by nearest rank, as
    /// `histogram::quantile` of the sorted values would give it, rounded
    /// down to its bucket (within 0.8%); the maximum is exact.
    pub fn quantile(&self, q: f64) -> i64 {
        if self.n == 0 {
            return 0;
        }
        let rank = ((self.n as f64 * q).ceil() as u64).clamp(1, self.n);
        if rank == self.n {
            return self.max;
        }
        let mut seen = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= rank {
                return bucket_min(b).min(self.max);
            }
        }
        self.max
    }

    /// Heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::histogram::quantile;

    #[test]
    fn buckets_are_ordered_and_tight() {
        let mut prev = 0;
        for v in (0..200_000i64).chain([1 << 40, i64::MAX]) {
            let b = bucket_of(v);
            assert!(b >= prev, "{v}");
            prev = b;
            let lo = bucket_min(b);
            assert!(lo <= v, "{v}: {lo}");
            assert!((v - lo) as f64 <= v as f64 / SUB as f64, "{v}: {lo}");
        }
        assert!(bucket_of(i64::MAX) < BUCKETS);
    }

    #[test]
    fn quantiles_are_within_a_bucket_of_the_exact_ones() {
        let mut vals: Vec<i64> = (0..100_000u64)
            .map(|i| (i.wrapping_mul(2654435761) % 10_000_000) as i64)
            .collect();
        let mut s = QuantileSketch::default();
        for &v in &vals {
            s.add(v);
        }
        vals.sort_unstable();
        for q in [0.0, 0.5, 0.9, 0.99, 1.0] {
            let exact = quantile(&vals, q);
            let got = s.quantile(q);
            assert!(got <= exact, "q{q}: {got} > {exact}");
            assert!(
                (exact - got) as f64 <= exact as f64 / 128.0 + 1.0,
                "q{q}: {got} vs {exact}"
            );
        }
        assert_eq!(s.quantile(1.0), *vals.last().unwrap());
        let mut small = QuantileSketch::default();
        for v in [3, 1, 2, 100] {
            small.add(v);
        }
        small.add_zeros(4);
        // 0 0 0 0 1 2 3 100
        assert_eq!(small.quantile(0.5), 0);
        assert_eq!(small.quantile(0.75), 2);
        assert_eq!(small.quantile(0.875), 3);
        assert_eq!(small.quantile(1.0), 100);
    }
}
