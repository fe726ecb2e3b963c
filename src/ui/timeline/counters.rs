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

/// One level of a pyramid: buckets of 2^level points.
#[derive(Debug, Clone, Default)]
struct Level {
    time: Vec<Time>,
    min: Vec<f64>,
    max: Vec<f64>,
    last: Vec<f64>,
}

/// A level as read: the series itself (level 0) or one of the pyramid's.
#[derive(Clone, Copy)]
struct LevelRef<'a> {
    time: &'a [Time],
    min: &'a [f64],
    max: &'a [f64],
    last: &'a [f64],
}

impl<'a> LevelRef<'a> {
    fn of_series(s: &'a CounterSeries) -> LevelRef<'a> {
        LevelRef {
            time: &s.time,
            min: &s.min,
            max: &s.max,
            last: &s.last,
        }
    }

    fn of(l: &'a Level) -> LevelRef<'a> {
        LevelRef {
            time: &l.time,
            min: &l.min,
            max: &l.max,
            last: &l.last,
        }
    }

    /// The level above: buckets of two points.
    fn halved(self) -> Level {
        let n = self.time.len().div_ceil(2);
        let mut l = Level::default();
        for k in 0..n {
            let a = 2 * k;
            let b = (a + 2).min(self.time.len());
            l.time.push(self.time[a]);
            l.min
                .push(self.min[a..b].iter().copied().fold(f64::INFINITY, f64::min));
            l.max.push(
                self.max[a..b]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max),
            );
            l.last.push(self.last[b - 1]);
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
        let mut levels: Vec<Level> = Vec::new();
        loop {
            let below = levels.last().map_or(LevelRef::of_series(s), LevelRef::of);
            if below.time.len() <= 64 {
                break;
            }
            levels.push(below.halved());
        }
        Pyramid {
            levels,
            peak: s.peak(),
        }
    }

    /// Level `k` of the pyramid of `s`.
    fn level<'a>(&'a self, s: &'a CounterSeries, k: usize) -> LevelRef<'a> {
        match k {
            0 => LevelRef::of_series(s),
            _ => LevelRef::of(&self.levels[k - 1]),
        }
    }

    /// Buckets of `s` (the series this was built from) visible in `map` at
    /// about one per pixel.
    pub fn buckets(&self, s: &CounterSeries, map: &TimeMap, end_ns: Time, out: &mut Vec<Bucket>) {
        out.clear();
        let (t0, t1) = (map.start_ns, map.end_ns());
        let l0 = self.level(s, 0);
        let a = l0.time.partition_point(|&x| x < t0).saturating_sub(1);
        let b = l0.time.partition_point(|&x| x < t1);
        let n = b.saturating_sub(a);
        let mut level = 0;
        while level < self.levels.len() && (n >> level) as f64 > map.width_px {
            level += 1;
        }
        let l = self.level(s, level);
        let a = l.time.partition_point(|&x| x < t0).saturating_sub(1);
        let b = l.time.partition_point(|&x| x < t1);
        for k in a..b {
            let x0 = map.x_from_time(l.time[k]);
            let next = l.time.get(k + 1).copied().unwrap_or(end_ns);
            let x1 = map.x_from_time(next);
            out.push(Bucket {
                x0,
                x1,
                min: l.min[k],
                max: l.max[k],
                last: l.last[k],
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
