//! The analysis views beside the timeline: goroutine analysis, blocking
//! profiles, MMU, tasks and regions, CPU samples. Each view reads the
//! trace and the timeline's selection and answers with a [`Link`] that the
//! trace view applies to the timeline.

pub mod compute;
pub mod cpu;
pub mod findings;
pub mod flame;
pub mod goroutines;
pub mod histogram;
pub mod logs;
pub mod mmu;
pub mod profiles;
pub mod save;
pub mod table;
pub mod tasks;

use crate::model::GIdx;
use crate::trace::Time;
use std::sync::Arc;

/// A jump from an analysis view into the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Select goroutine `g`'s span at time `t`, scrolling and zooming to it.
    Goroutine {
        /// Goroutine.
        g: GIdx,
        /// Time.
        t: Time,
    },
    /// Show only the lanes of goroutine group `group` (index into `Trace::groups`).
    Group(u32),
    /// Select goroutine `g` at `t0`, and `[t0, t1)` as the time range (a region).
    GoroutineRange {
        /// Goroutine.
        g: GIdx,
        /// Start.
        t0: Time,
        /// End.
        t1: Time,
    },
    /// Select `[t0, t1)` as the time range and zoom to it.
    Range {
        /// Start.
        t0: Time,
        /// End.
        t1: Time,
    },
    /// Show only `goroutines` (sorted) and select `[t0, t1)` (a task).
    Lanes {
        /// Goroutines to keep, sorted.
        goroutines: Arc<[GIdx]>,
        /// Start.
        t0: Time,
        /// End.
        t1: Time,
        /// What the lanes are ("task 12 request").
        label: String,
        /// Parent and child task arrows to draw.
        arrows: Vec<crate::ui::timeline::task_arrows::TaskArrow>,
    },
    /// Compute and show the critical path of a goroutine, region or task.
    Why(crate::analysis::critical_path::Target),
}

/// The state of every analysis view of one trace.
#[derive(Default)]
pub struct Views {
    /// Goroutine analysis.
    pub goroutines: goroutines::GoroutinesView,
    /// Blocking profiles.
    pub profiles: profiles::ProfilesView,
    /// Minimum mutator utilization.
    pub mmu: mmu::MmuView,
    /// Tasks, regions and logs.
    pub tasks: tasks::TasksView,
    /// CPU samples.
    pub cpu: cpu::CpuView,
    /// Findings.
    pub findings: findings::FindingsView,
}

/// "Select a time range on the timeline" hint, with the range when there is one.
pub fn range_text(range: Option<(Time, Time)>, origin: Time) -> String {
    match range {
        Some((a, b)) => format!(
            "selected range {} – {} ({})",
            crate::format::duration(a - origin),
            crate::format::duration(b - origin),
            crate::format::duration(b - a)
        ),
        None => "no time range selected (Shift+drag on the timeline)".to_string(),
    }
}
