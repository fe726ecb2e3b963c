//! Counter tracks (heap, goroutine counts, threads, GOMAXPROCS): step
//! functions stored exactly until they grow past a cap, then at a coarser
//! resolution, each bucket keeping the first time, min, max and last value,
//! so zoomed-out views still show peaks.

use crate::trace::Time;

/// A step function sampled into buckets of `bucket_ns`.
#[derive(Debug, Clone)]
pub struct CounterSeries {
    /// Name shown on the track.
    pub name: &'static str,
    /// Bucket width in ns (points closer than this are merged).
    pub bucket_ns: Time,
    /// Time of the first change in each bucket.
    pub time: Vec<Time>,
    /// Smallest value set within the bucket.
    pub min: Vec<f64>,
    /// Largest value in the bucket.
    pub max: Vec<f64>,
    /// Value at the end of the bucket.
    pub last: Vec<f64>,
    /// End of the last point's bucket when its time is not negative (a
    /// time from the last point's to this is in its bucket), else `Time::MIN`.
    last_bucket_end: Time,
    /// The last point (time, min, max, last), if any, also kept here:
    /// [`CounterSeries::set`] runs for most events of a load and reads
    /// these instead of the ends of four vectors.
    tail: Option<(Time, f64, f64, f64)>,
}

/// True when `t` (not before `prev`) is in the bucket of width `b` of
/// `prev`, whose end is `end` (`Time::MIN` when `prev` is negative). For
/// times not negative the end answers without a division: this runs for
/// most events of a load and for every point of a coarsening.
#[inline]
fn same_bucket(prev: Time, t: Time, end: Time, b: Time) -> bool {
    if prev >= 0 && prev <= t && end != Time::MAX {
        t < end
    } else {
        t / b == prev / b
    }
}

impl CounterSeries {
    /// Most points kept before the resolution is coarsened.
    pub const MAX_POINTS: usize = 1 << 18;

    /// An empty series.
    pub fn new(name: &'static str, bucket_ns: Time) -> CounterSeries {
        CounterSeries {
            name,
            bucket_ns: bucket_ns.max(1),
            time: Vec::new(),
            min: Vec::new(),
            max: Vec::new(),
            last: Vec::new(),
            last_bucket_end: Time::MIN,
            tail: None,
        }
    }

    /// Appends a point (and notes where its bucket ends).
    #[inline]
    fn push_point(&mut self, t: Time, min: f64, max: f64, last: f64) {
        if self.time.len() == self.time.capacity() && self.time.len() >= Self::MAX_POINTS {
            // The point past the cap is merged away at once: growing the
            // vectors by doubling would leave half of them unused.
            self.time.reserve_exact(1);
            self.min.reserve_exact(1);
            self.max.reserve_exact(1);
            self.last.reserve_exact(1);
        }
        self.time.push(t);
        self.min.push(min);
        self.max.push(max);
        self.last.push(last);
        self.tail = Some((t, min, max, last));
        self.note_bucket_end(t);
    }

    fn note_bucket_end(&mut self, t: Time) {
        self.last_bucket_end = if t >= 0 {
            (t / self.bucket_ns)
                .saturating_add(1)
                .saturating_mul(self.bucket_ns)
        } else {
            Time::MIN
        };
    }

    /// Merges a point (a first time, min, max and last value) into the
    /// last point if `t` is in its bucket; false if it is not (or there is
    /// no point).
    #[inline]
    fn merge_into_tail(&mut self, t: Time, min: f64, max: f64, last: f64) -> bool {
        let Some((lt, tmin, tmax, tlast)) = &mut self.tail else {
            return false;
        };
        if !same_bucket(*lt, t, self.last_bucket_end, self.bucket_ns) {
            return false;
        }
        // N.B. values are counts, never NaN: plain comparisons are
        // `f64::min` and `f64::max`.
        *tlast = last;
        let n = self.last.len() - 1;
        self.last[n] = last;
        if min < *tmin {
            *tmin = min;
            self.min[n] = min;
        }
        if max > *tmax {
            *tmax = max;
            self.max[n] = max;
        }
        true
    }

    /// Records that the value became `v` at time `t` (non-decreasing times).
    #[inline]
    pub fn set(&mut self, t: Time, v: f64) {
        if self.tail.is_some_and(|p| p.3 == v) || self.merge_into_tail(t, v, v, v) {
            return;
        }
        // A new bucket holds only the values set within it.
        self.push_point(t, v, v, v);
        if self.time.len() > Self::MAX_POINTS {
            // Down to half the cap, so that the next coarsening is at least
            // `MAX_POINTS / 2` points away (a pass that merged only a few
            // points would otherwise be repeated every few points).
            while self.time.len() > Self::MAX_POINTS / 2 {
                self.coarsen();
            }
        }
    }

    /// Merges a point of a finer series (the first time of its bucket, its
    /// min, max and last value) into this one (non-decreasing times).
    pub fn merge_point(&mut self, t: Time, min: f64, max: f64, last: f64) {
        if !self.merge_into_tail(t, min, max, last) {
            self.push_point(t, min, max, last);
        }
    }

    /// Quadruples the bucket width, merging points that now share a bucket.
    fn coarsen(&mut self) {
        self.bucket_ns = self.bucket_ns.saturating_mul(4).max(4);
        let b = self.bucket_ns;
        let mut w = 0;
        // End of the bucket of point `w - 1` when its time is not negative
        // (then a time from it to the end is in the bucket: no division).
        let mut end = Time::MIN;
        for r in 0..self.time.len() {
            let (t, wt) = (self.time[r], if w > 0 { self.time[w - 1] } else { 0 });
            if w > 0 && same_bucket(wt, t, end, b) {
                self.min[w - 1] = self.min[w - 1].min(self.min[r]);
                self.max[w - 1] = self.max[w - 1].max(self.max[r]);
                self.last[w - 1] = self.last[r];
            } else {
                self.time[w] = t;
                self.min[w] = self.min[r];
                self.max[w] = self.max[r];
                self.last[w] = self.last[r];
                w += 1;
                end = if t >= 0 {
                    (t / b).saturating_add(1).saturating_mul(b)
                } else {
                    Time::MIN
                };
            }
        }
        self.time.truncate(w);
        self.min.truncate(w);
        self.max.truncate(w);
        self.last.truncate(w);
        self.tail = None;
        if let Some(&lt) = self.time.last() {
            self.tail = Some((lt, self.min[w - 1], self.max[w - 1], self.last[w - 1]));
            self.note_bucket_end(lt);
        }
    }

    /// Frees spare capacity (coarsening leaves much).
    pub fn shrink_to_fit(&mut self) {
        self.time.shrink_to_fit();
        self.min.shrink_to_fit();
        self.max.shrink_to_fit();
        self.last.shrink_to_fit();
    }

    /// Number of stored points.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when no value was ever set.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Value in effect at time `t` (0 before the first point).
    pub fn value_at(&self, t: Time) -> f64 {
        let i = self.time.partition_point(|&x| x <= t);
        if i == 0 {
            0.0
        } else {
            self.last[i - 1]
        }
    }

    /// Largest value overall.
    pub fn peak(&self) -> f64 {
        self.max.iter().copied().fold(0.0, f64::max)
    }

    /// Index range of points within `[t0, t1)`, plus the one before.
    pub fn visible(&self, t0: Time, t1: Time) -> std::ops::Range<usize> {
        let a = self.time.partition_point(|&x| x < t0).saturating_sub(1);
        let b = self.time.partition_point(|&x| x < t1);
        a..b.max(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_within_bucket_and_keeps_peaks() {
        let mut s = CounterSeries::new("x", 10);
        s.set(0, 1.0);
        s.set(3, 5.0);
        s.set(4, 2.0);
        s.set(25, 7.0);
        assert_eq!(s.len(), 2);
        assert_eq!((s.min[0], s.max[0], s.last[0]), (1.0, 5.0, 2.0));
        assert_eq!((s.min[1], s.max[1]), (7.0, 7.0));
        assert_eq!(s.value_at(24), 2.0);
        assert_eq!(s.value_at(25), 7.0);
        assert_eq!(s.peak(), 7.0);
    }

    #[test]
    fn coarsens_when_full() {
        let mut s = CounterSeries::new("x", 1);
        for i in 0..(CounterSeries::MAX_POINTS as i64 + 10) {
            s.set(i * 10, (i % 7) as f64);
        }
        assert!(s.len() <= CounterSeries::MAX_POINTS);
        assert!(s.bucket_ns > 1);
        assert_eq!(s.peak(), 6.0);
    }

    #[test]
    fn a_coarsening_leaves_room_for_half_the_cap() {
        // Changes 10 ns apart: quadrupling a 1 ns bucket merges none, a
        // 16 ns one only some. Each coarsening must leave at most half the
        // cap, or the next point would coarsen again.
        let mut s = CounterSeries::new("x", 1);
        for i in 0..=(CounterSeries::MAX_POINTS as i64) {
            s.set(i * 10, (i % 2) as f64);
        }
        assert!(s.len() <= CounterSeries::MAX_POINTS / 2, "{}", s.len());
        assert_eq!((s.value_at(0), s.peak()), (0.0, 1.0));
    }

    #[test]
    fn negative_times_share_a_bucket_as_division_says() {
        // Times before the trace's start (v1 clocks) are bucketed by
        // truncating division, as they always were.
        let mut s = CounterSeries::new("x", 10);
        s.set(-15, 1.0);
        s.set(-11, 2.0);
        s.set(-5, 3.0);
        s.set(3, 4.0);
        s.set(9, 5.0);
        s.set(10, 6.0);
        assert_eq!(s.time, vec![-15, -5, 10]);
        assert_eq!(s.last, vec![2.0, 5.0, 6.0]);
    }
}
