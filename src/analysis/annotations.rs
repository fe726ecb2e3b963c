//! Tasks and regions by type: counts, latency histograms, and per-task
//! timelines of regions, logs and goroutines (go tool trace's "User-defined
//! tasks" and "User-defined regions" pages).

use super::histogram::TimeHistogram;
use crate::model::{GIdx, StrId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// All tasks (or regions) of one type.
#[derive(Debug, Clone, Default)]
pub struct TypeStats {
    /// Type name.
    pub name: StrId,
    /// Number of instances.
    pub count: usize,
    /// Durations of the complete ones (sorted).
    pub durations: Vec<i64>,
    /// Histogram of those durations.
    pub histogram: TimeHistogram,
    /// Indexes of the instances (into `Trace::tasks` or `Trace::regions`).
    pub members: Vec<u32>,
}

fn finish(mut v: Vec<TypeStats>, trace: &Trace) -> Vec<TypeStats> {
    for t in &mut v {
        t.durations.sort_unstable();
    }
    v.sort_by(|a, b| trace.str(a.name).cmp(trace.str(b.name)));
    v
}

/// Tasks grouped by type.
pub fn task_types(trace: &Trace) -> Vec<TypeStats> {
    let mut by: FxHashMap<StrId, TypeStats> = FxHashMap::default();
    for (i, t) in trace.tasks.iter().enumerate() {
        let e = by.entry(t.name).or_insert_with(|| TypeStats {
            name: t.name,
            ..TypeStats::default()
        });
        e.count += 1;
        e.members.push(i as u32);
        if let (Some(s), Some(end)) = (t.start, t.end) {
            e.durations.push(end.saturating_sub(s));
            e.histogram.add(end.saturating_sub(s));
        }
    }
    finish(by.into_values().collect(), trace)
}

/// Regions grouped by type (only regions with both ends have durations).
pub fn region_types(trace: &Trace) -> Vec<TypeStats> {
    let mut by: FxHashMap<StrId, TypeStats> = FxHashMap::default();
    for (i, r) in trace.regions.iter().enumerate() {
        let e = by.entry(r.name).or_insert_with(|| TypeStats {
            name: r.name,
            ..TypeStats::default()
        });
        e.count += 1;
        e.members.push(i as u32);
        if r.has_start && r.has_end {
            e.durations.push(r.end.saturating_sub(r.start));
            e.histogram.add(r.end.saturating_sub(r.start));
        }
    }
    finish(by.into_values().collect(), trace)
}

/// One line of a task's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskItem {
    /// The task began.
    Begin,
    /// A region of the task (index into `Trace::regions`).
    Region(u32),
    /// A log message (index into `Trace::logs`).
    Log(u32),
    /// A child task began (index into `Trace::tasks`).
    Child(u32),
    /// The task ended.
    End,
}

/// A task's contents in time order.
#[derive(Debug, Clone, Default)]
pub struct TaskTimeline {
    /// (time, item) sorted by time.
    pub items: Vec<(Time, TaskItem)>,
    /// Goroutines that took part.
    pub goroutines: Vec<GIdx>,
}

/// Everything that happened in task `task` (index into `Trace::tasks`).
pub fn task_timeline(trace: &Trace, task: usize) -> TaskTimeline {
    let Some(t) = trace.tasks.get(task) else {
        return TaskTimeline::default();
    };
    let mut items = Vec::new();
    let mut gs = Vec::new();
    if let Some(s) = t.start {
        items.push((s, TaskItem::Begin));
        gs.extend(t.start_g);
    }
    for (i, r) in trace.regions.iter().enumerate() {
        if r.task == t.id {
            items.push((r.start, TaskItem::Region(i as u32)));
            gs.push(r.g);
        }
    }
    for (i, l) in trace.logs.iter().enumerate() {
        if l.task == t.id {
            items.push((l.time, TaskItem::Log(i as u32)));
            gs.extend(l.g);
        }
    }
    for (i, c) in trace.tasks.iter().enumerate() {
        if c.parent == Some(t.id) && c.id != t.id {
            if let Some(s) = c.start {
                items.push((s, TaskItem::Child(i as u32)));
            }
        }
    }
    if let Some(e) = t.end {
        items.push((e, TaskItem::End));
        gs.extend(t.end_g);
    }
    items.sort_by_key(|x| x.0);
    gs.sort_unstable();
    gs.dedup();
    TaskTimeline {
        items,
        goroutines: gs,
    }
}

/// Indexes of log messages whose category or message contains `needle`
/// (case-insensitive).
pub fn search_logs(trace: &Trace, needle: &str) -> Vec<u32> {
    let n = needle.to_lowercase();
    trace
        .logs
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            trace.str(l.message).to_lowercase().contains(&n)
                || trace.str(l.category).to_lowercase().contains(&n)
        })
        .map(|(i, _)| i as u32)
        .collect()
}
