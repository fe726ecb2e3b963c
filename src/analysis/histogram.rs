//! Latency histograms with logarithmic buckets, five per decade (the
//! buckets of `go tool trace`'s task and region pages).

/// Width of a bucket in log space: 10^(1/5).
fn log_div() -> f64 {
    10f64.powf(1.0 / 5.0).ln()
}

/// Bucket index of a duration.
pub fn bucket_of(d_ns: i64) -> usize {
    if d_ns <= 0 {
        0
    } else {
        ((d_ns as f64).ln() / log_div()) as usize
    }
}

/// Lower bound of a bucket, in ns.
pub fn bucket_min(bucket: usize) -> i64 {
    (bucket as f64 * log_div()).exp() as i64
}

/// Counts of durations per bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeHistogram {
    /// Number of durations added.
    pub count: usize,
    /// Count per bucket.
    pub buckets: Vec<usize>,
}

impl TimeHistogram {
    /// Adds a duration.
    pub fn add(&mut self, d_ns: i64) {
        let b = bucket_of(d_ns);
        if self.buckets.len() <= b {
            self.buckets.resize(b + 1, 0);
        }
        self.buckets[b] += 1;
        self.count += 1;
    }

    /// Range of non-empty buckets.
    pub fn bucket_range(&self) -> std::ops::Range<usize> {
        let first = self.buckets.iter().position(|&c| c > 0).unwrap_or(0);
        let last = self
            .buckets
            .iter()
            .rposition(|&c| c > 0)
            .map_or(0, |i| i + 1);
        first..last.max(first)
    }

    /// Largest bucket count.
    pub fn max_count(&self) -> usize {
        self.buckets.iter().copied().max().unwrap_or(0)
    }
}

/// The value at quantile `q` (0..=1) of sorted values (nearest rank).
pub fn quantile(sorted: &[i64], q: f64) -> i64 {
    quantile_index(sorted.len(), q).map_or(0, |i| sorted[i])
}

/// Where the value at quantile `q` (0..=1) is among `len` sorted values
/// (nearest rank); `None` when there are none.
pub fn quantile_index(len: usize, q: f64) -> Option<usize> {
    (len > 0).then(|| ((len as f64 * q).ceil() as usize).clamp(1, len) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_buckets_per_decade() {
        assert_eq!(bucket_of(1), 0);
        assert_eq!(bucket_of(10), 4); // ln(10)/ln(10^0.2) = 5, minus float error
        assert_eq!(bucket_of(11), 5);
        assert_eq!(bucket_of(1_000_000), 29);
        assert!(bucket_min(5) <= 10 && bucket_min(6) > 10);
        let mut h = TimeHistogram::default();
        for d in [100, 120, 5000, 5100, 5200] {
            h.add(d);
        }
        assert_eq!(h.count, 5);
        assert_eq!(h.max_count(), 3);
        assert_eq!(h.bucket_range(), bucket_of(100)..bucket_of(5200) + 1);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(quantile(&v, 0.5), 5);
        assert_eq!(quantile(&v, 0.9), 9);
        assert_eq!(quantile(&v, 0.99), 10);
        assert_eq!(quantile(&v, 1.0), 10);
        assert_eq!(quantile(&[], 0.5), 0);
    }
}
