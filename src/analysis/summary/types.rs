//! The public shapes of the goroutine analysis: per-state times, and the
//! summaries of goroutines, regions and tasks.

use crate::trace::Time;

/// Index of a name (block reason or range name) in [`Summary::names`].
pub type NameId = u16;

/// Time a goroutine (or a region of it) spent in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecStats {
    /// Running.
    pub exec_ns: i64,
    /// Runnable (and waiting for a P after a blocking syscall).
    pub sched_wait_ns: i64,
    /// In syscalls.
    pub syscall_ns: i64,
    /// In syscalls after losing the P.
    pub syscall_block_ns: i64,
    /// Lifetime within the trace.
    pub total_ns: i64,
    /// Blocked, by reason.
    pub block_ns: Vec<(NameId, i64)>,
    /// In special ranges (GC mark assist, sweep, STW...), by range name.
    pub range_ns: Vec<(NameId, i64)>,
}

pub(super) fn add(v: &mut Vec<(NameId, i64)>, k: NameId, d: i64) {
    match v.iter_mut().find(|(n, _)| *n == k) {
        Some((_, x)) => *x = x.wrapping_add(d),
        None => v.push((k, d)),
    }
}

fn get(v: &[(NameId, i64)], k: NameId) -> i64 {
    v.iter().find(|(n, _)| *n == k).map_or(0, |x| x.1)
}

impl ExecStats {
    /// Total blocked time.
    pub fn block_total_ns(&self) -> i64 {
        self.block_ns.iter().fold(0i64, |a, x| a.wrapping_add(x.1))
    }

    /// Time not accounted for by any state (Go's `UnknownTime`).
    pub fn unknown_ns(&self) -> i64 {
        let sum = self
            .exec_ns
            .wrapping_add(self.sched_wait_ns)
            .wrapping_add(self.syscall_ns)
            .wrapping_add(self.syscall_block_ns)
            .wrapping_add(self.block_total_ns());
        self.total_ns.wrapping_sub(sum).max(0)
    }

    /// Go's `sub`: self - v over the keys of self.
    pub(super) fn sub(&self, v: &ExecStats) -> ExecStats {
        let mut r = self.clone();
        r.exec_ns = r.exec_ns.wrapping_sub(v.exec_ns);
        r.sched_wait_ns = r.sched_wait_ns.wrapping_sub(v.sched_wait_ns);
        for (k, x) in &mut r.block_ns {
            *x = x.wrapping_sub(get(&v.block_ns, *k));
        }
        r.syscall_ns = r.syscall_ns.wrapping_sub(v.syscall_ns);
        r.syscall_block_ns = r.syscall_block_ns.wrapping_sub(v.syscall_block_ns);
        r.total_ns = r.total_ns.wrapping_sub(v.total_ns);
        for (k, x) in &mut r.range_ns {
            *x = x.wrapping_sub(get(&v.range_ns, *k));
        }
        r
    }
}

/// A user region's summary.
#[derive(Debug, Clone)]
pub struct RegionSummary {
    /// Task ID.
    pub task: u64,
    /// Region type.
    pub name: String,
    /// Goroutine ID.
    pub goroutine: i64,
    /// Start time, if the begin was in the trace.
    pub start: Option<Time>,
    /// End time, if the region ended (or its goroutine did).
    pub end: Option<Time>,
    /// What its goroutine did during the region.
    pub stats: ExecStats,
}

/// A goroutine's summary.
#[derive(Debug, Clone)]
pub struct GoroutineSummary {
    /// Goroutine ID.
    pub id: i64,
    /// Start function (Go's rule).
    pub name: String,
    /// PC of the start function's frame.
    pub pc: u64,
    /// Creation (or first-seen generation start) time.
    pub creation: Time,
    /// First time it ran (0 if never).
    pub start: Time,
    /// Exit time (0 if it did not exit).
    pub end: Time,
    /// Its completed regions (indexes into [`Summary::regions`]), by start time.
    pub regions: Vec<u32>,
    /// Time by state.
    pub stats: ExecStats,
}

/// A user task's summary.
#[derive(Debug, Clone, Default)]
pub struct TaskSummary {
    /// Task ID.
    pub id: u64,
    /// Task type.
    pub name: String,
    /// Parent task ID, if known.
    pub parent: Option<u64>,
    /// Child task IDs.
    pub children: Vec<u64>,
    /// Begin time, if seen.
    pub start: Option<Time>,
    /// End time, if seen.
    pub end: Option<Time>,
    /// Goroutine IDs that began / ended it.
    pub start_g: i64,
    /// Goroutine that ended it.
    pub end_g: i64,
    /// Log count.
    pub logs: usize,
    /// Its regions (indexes into [`Summary::regions`]).
    pub regions: Vec<u32>,
    /// Goroutine IDs involved.
    pub goroutines: Vec<i64>,
}

impl TaskSummary {
    /// Both begin and end were seen.
    pub fn complete(&self) -> bool {
        self.start.is_some() && self.end.is_some()
    }
}

/// The finished analysis.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Reason and range names.
    pub names: Vec<String>,
    /// Goroutines, sorted by ID.
    pub goroutines: Vec<GoroutineSummary>,
    /// All regions.
    pub regions: Vec<RegionSummary>,
    /// Tasks, sorted by ID.
    pub tasks: Vec<TaskSummary>,
}

impl Summary {
    /// The name of a reason/range.
    pub fn name(&self, id: NameId) -> &str {
        &self.names[id as usize]
    }

    /// The summary of goroutine `id`.
    pub fn goroutine(&self, id: i64) -> Option<&GoroutineSummary> {
        self.goroutines
            .binary_search_by_key(&id, |g| g.id)
            .ok()
            .map(|i| &self.goroutines[i])
    }
}
