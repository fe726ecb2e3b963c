//! The overview of a big trace: lanes folded into spans no narrower than a
//! bucket of `bucket_ns`, so that the model holds a few entries per
//! goroutine and per bucket instead of every span, and still draws every
//! zoom level down to about one bucket per pixel. Finer views read detail
//! tiles (see `crate::tiles`).

use super::super::lanes::{GoLaneState, IntervalKind, IntervalLane};
use super::super::GIdx;
use crate::trace::Time;

/// Index of the bucket holding `t` (buckets are a power of two wide: a
/// shift, not a division, on every state change).
#[inline]
fn bucket_of(t: Time, bucket_ns: Time) -> Time {
    debug_assert!(bucket_ns > 0 && bucket_ns.count_ones() == 1);
    t >> bucket_ns.trailing_zeros()
}

/// A goroutine's state changes folded into buckets: each bucket is drawn in
/// the state the goroutine spent most of it in, and consecutive buckets in
/// the same state are one span.
#[derive(Debug, Clone, Default)]
pub struct CoarseLane {
    /// Current state and since when.
    cur: Option<(GoLaneState, Time)>,
    /// Bucket being accumulated.
    bucket: Time,
    /// Where the span for that bucket starts (its first change in the
    /// goroutine's first bucket, else the bucket's start).
    pending_start: Time,
    /// Time in each state within the bucket.
    acc: [Time; 5],
    /// State of the last span emitted.
    last: Option<GoLaneState>,
}

impl CoarseLane {
    /// Back to the state of a goroutine not seen yet.
    pub fn reset(&mut self) {
        *self = CoarseLane::default();
    }

    /// The goroutine entered state `s` at `t` (times non-decreasing);
    /// `emit(start, state)` receives the spans that are complete.
    pub fn change(
        &mut self,
        t: Time,
        s: GoLaneState,
        bucket_ns: Time,
        emit: &mut impl FnMut(Time, GoLaneState),
    ) {
        match self.cur {
            Some((cs, since)) => self.accumulate(cs, since, t, bucket_ns, emit),
            None => {
                self.bucket = bucket_of(t, bucket_ns);
                self.pending_start = t;
                self.acc = [0; 5];
            }
        }
        self.cur = Some((s, t));
    }

    /// The goroutine's lane ends at `t`: emits what is left.
    pub fn end(&mut self, t: Time, bucket_ns: Time, emit: &mut impl FnMut(Time, GoLaneState)) {
        if let Some((cs, since)) = self.cur.take() {
            self.accumulate(cs, since, t, bucket_ns, emit);
            self.flush(Some(cs), emit);
        }
    }

    fn accumulate(
        &mut self,
        s: GoLaneState,
        from: Time,
        to: Time,
        bucket_ns: Time,
        emit: &mut impl FnMut(Time, GoLaneState),
    ) {
        let to = to.max(from);
        let b_to = bucket_of(to, bucket_ns);
        if b_to <= self.bucket {
            self.acc[s as usize] = self.acc[s as usize].saturating_add(to.saturating_sub(from));
            return;
        }
        let next_start = self.bucket.saturating_add(1).saturating_mul(bucket_ns);
        self.acc[s as usize] = self.acc[s as usize].saturating_add(next_start.saturating_sub(from));
        self.flush(Some(s), emit);
        // Whole buckets in between are in state `s`.
        if b_to > self.bucket.saturating_add(1) {
            self.emit(next_start, s, emit);
        }
        self.bucket = b_to;
        self.pending_start = b_to.saturating_mul(bucket_ns);
        self.acc = [0; 5];
        self.acc[s as usize] = to.saturating_sub(self.pending_start);
    }

    /// Emits the bucket being accumulated in its dominant state (`or` when
    /// it holds no time at all).
    fn flush(&mut self, or: Option<GoLaneState>, emit: &mut impl FnMut(Time, GoLaneState)) {
        let mut best: Option<(Time, GoLaneState)> = None;
        for s in GoLaneState::ALL {
            let v = self.acc[s as usize];
            if v > 0 && best.is_none_or(|(b, _)| v > b) {
                best = Some((v, s));
            }
        }
        if let Some(s) = best.map(|b| b.1).or(or) {
            self.emit(self.pending_start, s, emit);
        }
        self.acc = [0; 5];
    }

    fn emit(&mut self, start: Time, s: GoLaneState, emit: &mut impl FnMut(Time, GoLaneState)) {
        if self.last != Some(s) {
            self.last = Some(s);
            emit(start, s);
        }
    }
}

/// A proc or thread lane's intervals folded so that intervals starting in
/// the same bucket become one, named by the goroutine that had most of it.
#[derive(Debug, Clone, Default)]
pub struct CoarseIntervals {
    /// Merged interval being built: start, end, goroutine, kind, and the
    /// length of the goroutine's longest interval in it.
    pending: Option<(Time, Time, Option<GIdx>, IntervalKind, Time)>,
}

impl CoarseIntervals {
    /// Adds the interval `[start, end)`; pushes finished ones onto `lane`.
    pub fn push(
        &mut self,
        lane: &mut IntervalLane,
        start: Time,
        end: Time,
        g: Option<GIdx>,
        kind: IntervalKind,
        bucket_ns: Time,
    ) {
        if let Some(p) = &mut self.pending {
            if bucket_of(start, bucket_ns) == bucket_of(p.0, bucket_ns) {
                p.1 = p.1.max(end);
                let len = end.saturating_sub(start);
                if len > p.4 {
                    (p.2, p.3, p.4) = (g, kind, len);
                }
                return;
            }
        }
        self.flush(lane);
        self.pending = Some((start, end, g, kind, end.saturating_sub(start)));
    }

    /// Pushes the interval being built.
    pub fn flush(&mut self, lane: &mut IntervalLane) {
        if let Some((s, e, g, k, _)) = self.pending.take() {
            lane.push(s, e, g, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GoLaneState::*;

    fn run(changes: &[(Time, GoLaneState)], end: Time, w: Time) -> Vec<(Time, GoLaneState)> {
        let mut out = Vec::new();
        let mut l = CoarseLane::default();
        for &(t, s) in changes {
            l.change(t, s, w, &mut |t, s| out.push((t, s)));
        }
        l.end(end, w, &mut |t, s| out.push((t, s)));
        out
    }

    #[test]
    fn wide_spans_are_kept() {
        let got = run(&[(5, Running), (250, Waiting), (600, Runnable)], 900, 128);
        assert_eq!(
            got,
            vec![(5, Running), (256, Waiting), (640, Runnable)],
            "a bucket goes to the state that held most of it"
        );
    }

    #[test]
    fn narrow_spans_merge_into_the_dominant_state() {
        // Bucket 0: running 5..40 (35), waiting 40..45 (5), running 45..100 (55).
        let got = run(&[(5, Running), (40, Waiting), (45, Running)], 100, 128);
        assert_eq!(got, vec![(5, Running)]);
        // A short goroutine is one span.
        let got = run(&[(10, Runnable), (12, Running), (20, Waiting)], 21, 128);
        assert_eq!(got, vec![(10, Running)]);
    }

    #[test]
    fn buckets_in_the_same_state_are_one_span() {
        // Bucket 7 (896..1024) was mostly waiting.
        let got = run(&[(0, Waiting), (1000, Running)], 1050, 128);
        assert_eq!(got, vec![(0, Waiting), (1024, Running)]);
    }

    #[test]
    fn an_instant_lane_keeps_its_state() {
        assert_eq!(run(&[(7, Runnable)], 7, 128), vec![(7, Runnable)]);
    }

    #[test]
    fn intervals_in_one_bucket_merge() {
        let mut lane = IntervalLane::default();
        let mut c = CoarseIntervals::default();
        let g = |i| Some(GIdx::at(i));
        c.push(&mut lane, 0, 10, g(1), IntervalKind::Running, 128);
        c.push(&mut lane, 20, 60, g(2), IntervalKind::Running, 128);
        c.push(&mut lane, 150, 160, g(3), IntervalKind::Syscall, 128);
        c.flush(&mut lane);
        assert_eq!(lane.len(), 2);
        assert_eq!((lane.start(0), lane.end(0), lane.g(0)), (0, 60, g(2)));
        assert_eq!((lane.start(1), lane.end(1), lane.g(1)), (150, 160, g(3)));
        assert_eq!(lane.kind(1), IntervalKind::Syscall);
    }
}
