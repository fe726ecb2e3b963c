//! Counter tracks (heap and heap goal, goroutines running / runnable /
//! waiting / in syscall, threads, GOMAXPROCS): a min/max/last pyramid per
//! series built once, so a frame draws about one bucket per pixel whatever
//! the zoom.

use crate::format;
use crate::model::{CounterSeries, Trace};
use crate::trace::Time;
use crate::ui::palette;
use crate::ui::timemap::TimeMap;
use egui::{Color32, Mesh, Pos2, Rect};

/// A counter track on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CounterTrack {
    /// Heap in use (area) and heap goal (line).
    Heap,
    /// Goroutines running.
    Running,
    /// Goroutines runnable.
    Runnable,
    /// Goroutines waiting.
    Waiting,
    /// Goroutines in syscalls.
    Syscall,
    /// Threads running Go code (area) and in syscalls (line).
    Threads,
    /// GOMAXPROCS.
    Gomaxprocs,
}

/// All counter tracks, top to bottom.
pub const TRACKS: [CounterTrack; 7] = [
    CounterTrack::Heap,
    CounterTrack::Running,
    CounterTrack::Runnable,
    CounterTrack::Waiting,
    CounterTrack::Syscall,
    CounterTrack::Threads,
    CounterTrack::Gomaxprocs,
];

/// The counter series of a trace, in pyramid order.
pub fn series(t: &Trace) -> [&CounterSeries; 9] {
    let c = &t.counters;
    [
        &c.heap_alloc,
        &c.heap_goal,
        &c.running,
        &c.runnable,
        &c.waiting,
        &c.syscall,
        &c.threads_running,
        &c.threads_syscall,
        &c.gomaxprocs,
    ]
}

impl CounterTrack {
    /// Label in the lane column.
    pub fn label(self) -> &'static str {
        match self {
            CounterTrack::Heap => "Heap / goal",
            CounterTrack::Running => "Goroutines running",
            CounterTrack::Runnable => "Goroutines runnable",
            CounterTrack::Waiting => "Goroutines waiting",
            CounterTrack::Syscall => "Goroutines in syscall",
            CounterTrack::Threads => "Threads (running / syscall)",
            CounterTrack::Gomaxprocs => "GOMAXPROCS",
        }
    }

    /// The series drawn on this track: (series index, colour, drawn as area).
    pub fn parts(self) -> Vec<(usize, Color32, bool)> {
        use crate::model::GoLaneState as S;
        match self {
            CounterTrack::Heap => vec![(0, palette::HEAP, true), (1, palette::HEAP_GOAL, false)],
            CounterTrack::Running => vec![(2, palette::state(S::Running), true)],
            CounterTrack::Runnable => vec![(3, palette::state(S::Runnable), true)],
            CounterTrack::Waiting => vec![(4, palette::state(S::Waiting), true)],
            CounterTrack::Syscall => vec![(5, palette::state(S::Syscall), true)],
            CounterTrack::Threads => vec![
                (6, palette::THREADS, true),
                (7, palette::state(S::SyscallBlocked), false),
            ],
            CounterTrack::Gomaxprocs => vec![(8, palette::GOMAXPROCS, false)],
        }
    }

    /// Formats a value of this track.
    pub fn value_text(self, v: f64) -> String {
        match self {
            // N.B. `as` saturates: a negative or NaN heap size shows as 0 B.
            CounterTrack::Heap => format::bytes(v as u64),
            _ => format!("{v:.0}"),
        }
    }
}

/// What a counter did over about one pixel of the view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Screen x where it starts.
    pub x0: f64,
    /// Screen x where it ends.
    pub x1: f64,
    /// Lowest value in it.
    pub min: f64,
    /// Highest value in it.
    pub max: f64,
    /// Value at its end.
    pub last: f64,
}

/// One level of a pyramid above the series: buckets of 2^level points,
/// each its lowest and highest value. Its time and its last value are the
/// series' (see [`LevelRef`]), so a level costs 16 bytes a bucket.
#[derive(Debug, Clone, Default)]
struct Level {
    min: Vec<f64>,
    max: Vec<f64>,
}

/// A level as read: bucket `j` of level `shift` holds the series' points
/// `j << shift ..` the next bucket's (the series itself at level 0).
#[derive(Clone, Copy)]
struct LevelRef<'a> {
    s: &'a CounterSeries,
    shift: u32,
    min: &'a [f64],
    max: &'a [f64],
}

impl LevelRef<'_> {
    fn len(&self) -> usize {
        self.min.len()
    }

    /// When bucket `j` begins: its first point's time.
    fn time(&self, j: usize) -> Time {
        self.s.time[j << self.shift]
    }

    /// The value at the end of bucket `j`: its last point's.
    fn last(&self, j: usize) -> f64 {
        self.s.last[((j + 1) << self.shift).min(self.s.len()) - 1]
    }

    /// The first bucket whose time is not before `t`.
    fn first_at(&self, t: Time) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.time(mid) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The level above: buckets of two of these.
    fn halved(self) -> Level {
        let n = self.len().div_ceil(2);
        let mut l = Level {
            min: Vec::with_capacity(n),
            max: Vec::with_capacity(n),
        };
        for k in 0..n {
            let (a, b) = (2 * k, (2 * k + 2).min(self.len()));
            l.min
                .push(self.min[a..b].iter().copied().fold(f64::INFINITY, f64::min));
            l.max.push(
                self.max[a..b]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max),
            );
        }
        l
    }
}

/// Min/max/last of a counter series at halving resolutions. Level 0 is
/// the series itself (not copied: a series holds up to 2^18 points).
#[derive(Debug, Clone, Default)]
pub struct Pyramid {
    /// Levels 1 and up.
    levels: Vec<Level>,
    /// Largest value of the series.
    pub peak: f64,
}

impl Pyramid {
    /// Builds the pyramid of a series (O(n), once per trace).
    pub fn new(s: &CounterSeries) -> Pyramid {
        let mut p = Pyramid {
            levels: Vec::new(),
            peak: s.peak(),
        };
        loop {
            let below = p.level(s, p.levels.len());
            if below.len() <= 64 {
                break;
            }
            let up = below.halved();
            p.levels.push(up);
        }
        p
    }

    /// Level `k` of the pyramid of `s`.
    fn level<'a>(&'a self, s: &'a CounterSeries, k: usize) -> LevelRef<'a> {
        let (min, max) = match k {
            0 => (&s.min, &s.max),
            _ => (&self.levels[k - 1].min, &self.levels[k - 1].max),
        };
        LevelRef {
            s,
            shift: k as u32,
            min,
            max,
        }
    }

    /// Buckets of `s` (the series this was built from) visible in `map` at
    /// about one per pixel.
    pub fn buckets(&self, s: &CounterSeries, map: &TimeMap, end_ns: Time, out: &mut Vec<Bucket>) {
        out.clear();
        let (t0, t1) = (map.start_ns, map.end_ns());
        let l0 = self.level(s, 0);
        let a = l0.first_at(t0).saturating_sub(1);
        let b = l0.first_at(t1);
        let n = b.saturating_sub(a);
        let mut level = 0;
        while level < self.levels.len() && (n >> level) as f64 > map.width_px {
            level += 1;
        }
        let l = self.level(s, level);
        let a = l.first_at(t0).saturating_sub(1);
        let b = l.first_at(t1);
        for k in a..b {
            let x0 = map.x_from_time(l.time(k));
            let next = if k + 1 < l.len() {
                l.time(k + 1)
            } else {
                end_ns
            };
            let x1 = map.x_from_time(next);
            out.push(Bucket {
                x0,
                x1,
                min: l.min[k],
                max: l.max[k],
                last: l.last(k),
            });
        }
    }
}

/// Where a counter track is painted: areas into the mesh of every box,
/// line series over it, with the bucket buffer reused series after series.
pub struct TrackCanvas<'a> {
    /// Areas.
    pub mesh: &'a mut Mesh,
    /// Line series.
    pub lines: &'a mut Vec<egui::Shape>,
    /// Buckets of the series being painted.
    pub buckets: &'a mut Vec<Bucket>,
}

/// Draws one counter track of `series` (with their `pyramids`; the last
/// value lasting until `end_ns`) as `map` shows it, in `rect`.
pub fn paint_track(
    track: CounterTrack,
    series: &[&CounterSeries],
    pyramids: &[Pyramid],
    end_ns: Time,
    map: &TimeMap,
    rect: Rect,
    out: TrackCanvas<'_>,
) {
    let TrackCanvas {
        mesh,
        lines,
        buckets: scratch,
    } = out;
    let parts = track.parts();
    let peak = parts
        .iter()
        .filter_map(|p| pyramids.get(p.0))
        .map(|p| p.peak)
        .fold(0.0, f64::max)
        .max(1e-9);
    let h = f64::from(rect.height() - 2.0);
    let y_of = |v: f64| rect.bottom() - (v / peak * h) as f32;
    let (left, right) = (f64::from(rect.left()), f64::from(rect.right()));
    for (idx, colour, area) in parts {
        let (Some(p), Some(s)) = (pyramids.get(idx), series.get(idx)) else {
            continue;
        };
        p.buckets(s, map, end_ns, scratch);
        let mut pts: Vec<Pos2> = Vec::new();
        for &Bucket {
            x0,
            x1,
            min,
            max,
            last,
        } in scratch.iter()
        {
            let x0c = x0.clamp(left, right) as f32;
            let x1c = x1.clamp(left, right) as f32;
            if area {
                if x1c > x0c {
                    mesh.add_colored_rect(
                        Rect::from_min_max(
                            Pos2::new(x0c, y_of(last)),
                            Pos2::new(x1c, rect.bottom()),
                        ),
                        colour.gamma_multiply(0.8),
                    );
                }
                if max > last {
                    mesh.add_colored_rect(
                        Rect::from_min_max(
                            Pos2::new(x0c, y_of(max)),
                            Pos2::new(x0c + 1.0, y_of(min.min(last))),
                        ),
                        colour,
                    );
                }
            } else {
                pts.push(Pos2::new(x0c, y_of(last)));
                pts.push(Pos2::new(x1c, y_of(last)));
            }
        }
        if pts.len() >= 2 {
            lines.push(egui::Shape::line(pts, egui::Stroke::new(1.5, colour)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A series of 1,000 changes 10 ns apart, a sawtooth up to 99.
    fn sawtooth() -> CounterSeries {
        let mut s = CounterSeries::new("x", 1);
        for i in 0..1_000i64 {
            s.set(i * 10, (i % 100) as f64);
        }
        s
    }

    #[test]
    fn zoomed_in_the_buckets_are_the_series_points() {
        let s = sawtooth();
        let p = Pyramid::new(&s);
        let mut out = Vec::new();
        p.buckets(
            &s,
            &TimeMap::fit(2_000, 3_000, 0.0, 1_000.0),
            10_000,
            &mut out,
        );
        // From the point before the view to the last in it.
        assert_eq!(out.len(), 101);
        for (b, k) in out.iter().zip(199..) {
            assert_eq!((b.min, b.max, b.last), (s.min[k], s.max[k], s.last[k]));
        }
    }

    #[test]
    fn each_level_is_the_series_halved_that_many_times() {
        // The levels keep min and max; time and last come from the series.
        // Check them against halving (time, min, max, last) by hand, over
        // an odd number of points (a short last bucket at each level).
        let mut s = CounterSeries::new("x", 1);
        for i in 0..777i64 {
            s.set(i * 7, ((i * 37) % 101) as f64);
        }
        let p = Pyramid::new(&s);
        let mut want: Vec<(Time, f64, f64, f64)> = (0..s.len())
            .map(|k| (s.time[k], s.min[k], s.max[k], s.last[k]))
            .collect();
        for k in 0..=p.levels.len() {
            let l = p.level(&s, k);
            let got: Vec<_> = (0..l.len())
                .map(|j| (l.time(j), l.min[j], l.max[j], l.last(j)))
                .collect();
            assert_eq!(got, want, "level {k}");
            want = want
                .chunks(2)
                .map(|c| {
                    let min = c.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
                    let max = c.iter().map(|x| x.2).fold(f64::NEG_INFINITY, f64::max);
                    (c[0].0, min, max, c[c.len() - 1].3)
                })
                .collect();
        }
        assert!(p.levels.len() >= 3);
    }

    #[test]
    fn zoomed_out_a_bucket_keeps_the_extremes_of_the_points_it_covers() {
        let s = sawtooth();
        let p = Pyramid::new(&s);
        let mut out = Vec::new();
        p.buckets(&s, &TimeMap::fit(0, 10_000, 0.0, 40.0), 10_000, &mut out);
        assert!(out.len() <= 64, "{} buckets for 40 px", out.len());
        assert_eq!(out.iter().map(|b| b.min).fold(f64::MAX, f64::min), 0.0);
        assert_eq!(out.iter().map(|b| b.max).fold(f64::MIN, f64::max), 99.0);
        assert_eq!(out.last().map(|b| b.last), Some(99.0));
        assert_eq!(p.peak, 99.0);
    }
}
