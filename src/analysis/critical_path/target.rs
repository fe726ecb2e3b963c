//! What a critical path is asked for: a goroutine over an interval (a
//! span, its whole life, or times given), a region instance or a task
//! instance; and finding regions and tasks by type name.

use crate::model::{GIdx, Trace};
use crate::trace::Time;

/// Where a target comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// A goroutine over an interval.
    Goroutine,
    /// A region instance (index into `Trace::regions`).
    Region(u32),
    /// A task instance (index into `Trace::tasks`).
    Task(u32),
}

/// A goroutine and the interval whose critical path is asked: the walk
/// starts on `g` at `end_ns` and goes back to `start_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The goroutine the walk starts on.
    pub g: GIdx,
    /// Start of the interval.
    pub start_ns: Time,
    /// End of the interval.
    pub end_ns: Time,
    /// What it is.
    pub kind: TargetKind,
}

/// The times goroutine `g`'s lane covers, if it has spans.
fn lane_bounds(trace: &Trace, g: GIdx) -> Option<(Time, Time)> {
    let lane = trace.lane(g);
    (lane.len > 0).then(|| (trace.spans.start(lane.first as usize), lane.end))
}

impl Target {
    /// Goroutine `g` from `from` to `to` (default: its whole lane), clipped
    /// to its lane; `None` if it has no spans or the interval is empty.
    pub fn goroutine(
        trace: &Trace,
        g: GIdx,
        from: Option<Time>,
        to: Option<Time>,
    ) -> Option<Target> {
        let (a, b) = lane_bounds(trace, g)?;
        let start_ns = from.unwrap_or(a).max(a);
        let end_ns = to.unwrap_or(b).min(b);
        (start_ns < end_ns).then_some(Target {
            g,
            start_ns,
            end_ns,
            kind: TargetKind::Goroutine,
        })
    }

    /// Region instance `i` (its goroutine, from its start to its end).
    pub fn region(trace: &Trace, i: u32) -> Option<Target> {
        let r = trace.regions.get(i as usize)?;
        let t = Target::goroutine(trace, r.g, Some(r.start), Some(r.end))?;
        Some(Target {
            kind: TargetKind::Region(i),
            ..t
        })
    }

    /// Task instance `i`: from its beginning (or the trace's start) to its
    /// end (or the trace's end), walking back from the goroutine that
    /// ended it (or began it, if it never ended).
    pub fn task(trace: &Trace, i: u32) -> Option<Target> {
        let task = trace.tasks.get(i as usize)?;
        let ended_by = task.end.and(task.end_g);
        let g = ended_by.or(task.start_g)?;
        let start = task.start.unwrap_or(trace.meta.start);
        let end = task.end.unwrap_or(trace.meta.end);
        let (a, _) = lane_bounds(trace, g)?;
        // The interval is the task's; the goroutine may have begun later.
        let t = Target::goroutine(trace, g, Some(start.max(a)), Some(end))?;
        Some(Target {
            start_ns: start.min(t.start_ns),
            kind: TargetKind::Task(i),
            ..t
        })
    }

    /// Length of the interval.
    pub fn duration_ns(&self) -> Time {
        self.end_ns - self.start_ns
    }
}

/// Indexes of the complete regions of type `name` (both ends traced).
pub fn regions_named(trace: &Trace, name: &str) -> Vec<u32> {
    (0..trace.regions.len() as u32)
        .filter(|&i| {
            let r = &trace.regions[i as usize];
            r.has_start && r.has_end && trace.str(r.name) == name
        })
        .collect()
}

/// Indexes of the complete tasks of type `name` (begin and end traced).
pub fn tasks_named(trace: &Trace, name: &str) -> Vec<u32> {
    (0..trace.tasks.len() as u32)
        .filter(|&i| {
            let t = &trace.tasks[i as usize];
            t.start.is_some() && t.end.is_some() && trace.str(t.name) == name
        })
        .collect()
}

/// The targets of region instances `idx`.
pub fn region_targets(trace: &Trace, idx: &[u32]) -> Vec<Target> {
    idx.iter()
        .filter_map(|&i| Target::region(trace, i))
        .collect()
}

/// The targets of task instances `idx`.
pub fn task_targets(trace: &Trace, idx: &[u32]) -> Vec<Target> {
    idx.iter().filter_map(|&i| Target::task(trace, i)).collect()
}

/// The longest of `targets`, the first of equals.
pub fn slowest(targets: &[Target]) -> Option<Target> {
    targets.iter().copied().reduce(|a, b| {
        if b.duration_ns() > a.duration_ns() {
            b
        } else {
            a
        }
    })
}
