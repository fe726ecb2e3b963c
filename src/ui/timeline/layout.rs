//! Level of detail for one lane: turns the sorted spans or intervals of a
//! lane and the view into render items, `Single` for spans at least
//! `min_px` wide and `Merged { count }` for runs of narrower ones. Finds
//! the first visible item by binary search and jumps over each run of tiny
//! items with another binary search, so the cost follows the pixels drawn,
//! not the length of the lane (Tracy's technique).

use crate::model::column::TimeSlice;
use crate::model::{IntervalLane, LaneRange, SpanArena};
use crate::trace::Time;
use crate::ui::timemap::TimeMap;

/// Items sorted by start and not overlapping (a lane).
pub trait SortedIntervals {
    /// Number of items.
    fn len(&self) -> usize;
    /// True if there are no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Start of item `i`.
    fn start(&self, i: usize) -> Time;
    /// End of item `i`.
    fn end(&self, i: usize) -> Time;
    /// First index whose start is `>= t`, searching in `lo..hi`.
    fn first_starting_at_or_after(&self, t: Time, lo: usize, hi: usize) -> usize;
}

/// What to draw for one lane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RenderItem {
    /// One item, wide enough to see.
    Single {
        /// Index of the item.
        idx: usize,
        /// Left edge (screen x, clipped to the view).
        x0: f64,
        /// Right edge.
        x1: f64,
    },
    /// Several consecutive items narrower than a pixel each.
    Merged {
        /// First item.
        first: usize,
        /// Number of items.
        count: usize,
        /// The longest item of the run (decides the colour).
        longest: usize,
        /// Left edge.
        x0: f64,
        /// Right edge.
        x1: f64,
    },
}

/// Every [`COARSE_STRIDE`]-th start time of a long lane: a small index that
/// stays in cache, so the binary searches of a zoomed-out frame touch the
/// big start array only within one stride.
pub const COARSE_STRIDE: usize = 64;

/// Builds the coarse index of a sorted start array (empty for short lanes).
pub fn coarse_index(starts: &[Time]) -> Vec<Time> {
    coarse_index_of(starts.len(), |i| starts[i])
}

/// [`coarse_index`] of `n` sorted starts given by `start`.
pub fn coarse_index_of(n: usize, start: impl Fn(usize) -> Time) -> Vec<Time> {
    if n < 8 * COARSE_STRIDE {
        return Vec::new();
    }
    (0..n).step_by(COARSE_STRIDE).map(start).collect()
}

/// First index in `lo..hi` whose start is `>= t`, using the coarse index if any.
#[inline]
pub fn search(starts: &[Time], coarse: &[Time], t: Time, lo: usize, hi: usize) -> usize {
    search_with(coarse, t, lo, hi, |a, b| {
        a + starts[a..b].partition_point(|&s| s < t)
    })
}

/// [`search`] of starts held in a [`TimeSlice`].
#[inline]
pub fn search_slice(
    starts: &TimeSlice<'_>,
    coarse: &[Time],
    t: Time,
    lo: usize,
    hi: usize,
) -> usize {
    search_with(coarse, t, lo, hi, |a, b| {
        starts.partition_point_in(a, b, |s| s < t)
    })
}

/// [`search`], with `plain(a, b)` the first index in `a..b` whose start
/// is `>= t`: narrows `lo..hi` with the coarse index first.
#[inline]
fn search_with(
    coarse: &[Time],
    t: Time,
    lo: usize,
    hi: usize,
    plain: impl Fn(usize, usize) -> usize,
) -> usize {
    if coarse.is_empty() || hi - lo < 4 * COARSE_STRIDE {
        return plain(lo, hi);
    }
    // coarse[k] = starts[k * STRIDE] is the first sample >= t: the answer is
    // in ((k - 1) * STRIDE, k * STRIDE].
    let k = coarse.partition_point(|&c| c < t);
    let upper = k * COARSE_STRIDE;
    if lo >= upper {
        return lo;
    }
    let a = lo.max(k.saturating_sub(1) * COARSE_STRIDE);
    let b = hi.min(upper);
    if a >= b {
        // Everything in lo..hi lies before the sample known to be < t.
        return b;
    }
    plain(a, b)
}

/// The goroutine state spans of one lane.
pub struct LaneSpans<'a> {
    /// The arena.
    pub arena: &'a SpanArena,
    /// The lane.
    pub lane: LaneRange,
    /// Coarse index of the lane's starts (may be empty).
    pub coarse: &'a [Time],
}

impl SortedIntervals for LaneSpans<'_> {
    fn len(&self) -> usize {
        self.lane.len as usize
    }
    #[inline]
    fn start(&self, i: usize) -> Time {
        self.arena.start(self.lane.first as usize + i)
    }
    #[inline]
    fn end(&self, i: usize) -> Time {
        if i + 1 < self.lane.len as usize {
            self.arena.start(self.lane.first as usize + i + 1)
        } else {
            self.lane.end
        }
    }
    fn first_starting_at_or_after(&self, t: Time, lo: usize, hi: usize) -> usize {
        search_slice(&self.arena.starts(&self.lane), self.coarse, t, lo, hi)
    }
}

/// The intervals of a proc or thread lane.
pub struct Intervals<'a> {
    /// The lane.
    pub lane: &'a IntervalLane,
    /// Coarse index of the starts (may be empty).
    pub coarse: &'a [Time],
}

impl SortedIntervals for Intervals<'_> {
    fn len(&self) -> usize {
        self.lane.len()
    }
    #[inline]
    fn start(&self, i: usize) -> Time {
        self.lane.start(i)
    }
    #[inline]
    fn end(&self, i: usize) -> Time {
        self.lane.end(i)
    }
    fn first_starting_at_or_after(&self, t: Time, lo: usize, hi: usize) -> usize {
        search_slice(&self.lane.starts(), self.coarse, t, lo, hi)
    }
}

/// Parallel start/end arrays (proc, thread, GC and STW lanes, GC rows).
pub struct StartEnd<'a> {
    /// Starts, sorted.
    pub start: &'a [Time],
    /// Ends.
    pub end: &'a [Time],
    /// Coarse index of the starts (may be empty).
    pub coarse: &'a [Time],
}

impl SortedIntervals for StartEnd<'_> {
    fn len(&self) -> usize {
        self.start.len()
    }
    #[inline]
    fn start(&self, i: usize) -> Time {
        self.start[i]
    }
    #[inline]
    fn end(&self, i: usize) -> Time {
        self.end[i]
    }
    fn first_starting_at_or_after(&self, t: Time, lo: usize, hi: usize) -> usize {
        search(self.start, self.coarse, t, lo, hi)
    }
}

/// A goroutine's GC work items (mark assists, sweeps), sorted by start.
pub struct GcWorkItems<'a>(pub &'a [crate::model::GcWork]);

impl SortedIntervals for GcWorkItems<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn start(&self, i: usize) -> Time {
        self.0[i].start
    }
    #[inline]
    fn end(&self, i: usize) -> Time {
        self.0[i].end
    }
    fn first_starting_at_or_after(&self, t: Time, lo: usize, hi: usize) -> usize {
        lo + self.0[lo..hi].partition_point(|w| w.start < t)
    }
}

/// Widest merged run, so zoomed-out lanes still show how states alternate.
pub const MAX_RUN_PX: f64 = 4.0;

/// Index range of the items overlapping `[t0, t1)`: binary search for the
/// first item starting after `t0`, plus the one before it if it reaches
/// into the window (items of a lane do not overlap each other).
pub fn visible_range<I: SortedIntervals>(items: &I, t0: Time, t1: Time) -> std::ops::Range<usize> {
    let n = items.len();
    let mut first = items.first_starting_at_or_after(t0, 0, n);
    if first > 0 && items.end(first - 1) > t0 {
        first -= 1;
    }
    let last = items.first_starting_at_or_after(t1, first, n);
    first..last.max(first)
}

/// Lays out the items of a lane visible in `map`, merging runs of items
/// narrower than `min_px`. Appends to `out` (cleared first).
pub fn layout<I: SortedIntervals>(
    items: &I,
    map: &TimeMap,
    min_px: f64,
    out: &mut Vec<RenderItem>,
) {
    out.clear();
    let t0 = map.start_ns;
    let t1 = map.end_ns();
    let r = visible_range(items, t0, t1);
    let (left, right) = (map.left_px, map.left_px + map.width_px);
    let clip = |x: f64| x.clamp(left - 2.0, right + 2.0);
    let mut i = r.start;
    while i < r.end {
        let (s, e) = (items.start(i), items.end(i));
        let x0 = map.x_from_time(s);
        let x1 = map.x_from_time(e);
        if x1 - x0 >= min_px {
            out.push(RenderItem::Single {
                idx: i,
                x0: clip(x0),
                x1: clip(x1),
            });
            i += 1;
            continue;
        }
        // A run of narrow items: jump a pixel at a time.
        let first = i;
        let mut longest = i;
        let mut longest_ns = e - s;
        let mut run_end_x = x1;
        loop {
            let next_t = map.time_from_x(x0.max(run_end_x) + min_px);
            let j = items.first_starting_at_or_after(next_t.max(items.start(i) + 1), i + 1, r.end);
            // Items i..j start within this pixel; j - 1 may be wide.
            let last = j - 1;
            let (ls, le) = (items.start(last), items.end(last));
            if last > i && map.x_from_time(le) - map.x_from_time(ls) >= min_px {
                // Stop the run before the wide item.
                i = last;
                break;
            }
            if le - ls > longest_ns {
                longest_ns = le - ls;
                longest = last;
            }
            run_end_x = map.x_from_time(le);
            i = j;
            if i >= r.end {
                break;
            }
            let (ns, ne) = (items.start(i), items.end(i));
            // Continue the run only with another narrow item that touches it.
            if map.x_from_time(ne) - map.x_from_time(ns) >= min_px
                || map.x_from_time(ns) > run_end_x + min_px
                || run_end_x - x0 >= MAX_RUN_PX
            {
                break;
            }
        }
        let count = i - first;
        let end_x = map.x_from_time(items.end(i - 1)).max(x0 + min_px);
        out.push(RenderItem::Merged {
            first,
            count,
            longest,
            x0: clip(x0),
            x1: clip(end_x),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(t0: Time, t1: Time, w: f64) -> TimeMap {
        TimeMap::fit(t0, t1, 0.0, w)
    }

    fn lane(starts: &[Time], end: Time) -> (SpanArena, LaneRange) {
        let mut a = SpanArena::default();
        for &s in starts {
            a.push(s, crate::model::GoLaneState::Running, 0, 0);
        }
        let l = LaneRange {
            first: 0,
            len: starts.len() as u32,
            end,
        };
        (a, l)
    }

    #[test]
    fn wide_spans_stay_single() {
        let (a, l) = lane(&[0, 100, 200], 300);
        let mut out = Vec::new();
        layout(
            &LaneSpans {
                arena: &a,
                lane: l,
                coarse: &[],
            },
            &map(0, 300, 300.0),
            1.0,
            &mut out,
        );
        assert_eq!(out.len(), 3);
        assert!(matches!(out[1], RenderItem::Single { idx: 1, .. }));
    }

    #[test]
    fn two_narrow_spans_merge() {
        // 1000 ns over 100 px: 10 ns per px. Spans of 2 ns and 3 ns merge.
        let (a, l) = lane(&[0, 2, 5, 500], 1000);
        let mut out = Vec::new();
        layout(
            &LaneSpans {
                arena: &a,
                lane: l,
                coarse: &[],
            },
            &map(0, 1000, 100.0),
            1.0,
            &mut out,
        );
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(
            matches!(
                out[0],
                RenderItem::Merged {
                    first: 0,
                    count: 2,
                    ..
                }
            ),
            "{out:?}"
        );
        assert!(matches!(out[1], RenderItem::Single { idx: 2, .. }));
        assert!(matches!(out[2], RenderItem::Single { idx: 3, .. }));
    }

    #[test]
    fn a_million_tiny_spans_make_few_items() {
        let starts: Vec<Time> = (0..1_000_000).map(|i| i * 10).collect();
        let (a, l) = lane(&starts, 10_000_000);
        let mut out = Vec::new();
        layout(
            &LaneSpans {
                arena: &a,
                lane: l,
                coarse: &[],
            },
            &map(0, 10_000_000, 1000.0),
            1.0,
            &mut out,
        );
        assert!(out.len() <= 1001 && out.len() >= 200, "{}", out.len());
        let total: usize = out
            .iter()
            .map(|r| match r {
                RenderItem::Merged { count, .. } => *count,
                RenderItem::Single { .. } => 1,
            })
            .sum();
        assert_eq!(total, 1_000_000);
    }

    #[test]
    fn coarse_search_matches_plain_search() {
        let starts: Vec<Time> = (0..10_000).map(|i| i * 3 + (i % 3)).collect();
        let coarse = coarse_index(&starts);
        assert!(!coarse.is_empty());
        for t in [-5, 0, 1, 2, 100, 4_999, 15_000, 29_990, 40_000] {
            for (lo, hi) in [
                (0, 10_000),
                (300, 9_000),
                (5_000, 5_300),
                (9_990, 10_000),
                (0, 1_000),
                (2_000, 3_000),
            ] {
                let want = lo + starts[lo..hi].partition_point(|&s| s < t);
                assert_eq!(
                    search(&starts, &coarse, t, lo, hi),
                    want,
                    "t={t} lo={lo} hi={hi}"
                );
            }
        }
    }

    #[test]
    fn gaps_between_intervals_are_kept() {
        let start = [0, 10, 5000];
        let end = [3, 12, 5003];
        let mut out = Vec::new();
        layout(
            &StartEnd {
                start: &start,
                end: &end,
                coarse: &[],
            },
            &map(0, 10_000, 100.0),
            1.0,
            &mut out,
        );
        assert_eq!(out.len(), 2, "{out:?}");
        if let RenderItem::Merged { x1, .. } = out[0] {
            assert!(x1 < 2.0);
        } else {
            panic!("{out:?}");
        }
    }

    #[test]
    fn visible_range_includes_the_span_reaching_in() {
        let start = [0, 100, 200];
        let end = [90, 180, 300];
        assert_eq!(
            visible_range(
                &StartEnd {
                    start: &start,
                    end: &end,
                    coarse: &[],
                },
                120,
                130
            ),
            1..2
        );
        let end2 = [50, 110, 300];
        assert_eq!(
            visible_range(
                &StartEnd {
                    start: &start,
                    end: &end2,
                    coarse: &[],
                },
                120,
                130
            ),
            2..2
        );
        assert_eq!(
            visible_range(
                &StartEnd {
                    start: &start,
                    end: &end2,
                    coarse: &[],
                },
                400,
                500
            ),
            3..3
        );
    }
}
