//! The analysis views beside the timeline: goroutine analysis, blocking
//! profiles, MMU, tasks and regions, CPU samples. Each view reads the
//! trace and the timeline's selection and answers with a
//! [`Nav`](crate::ui::nav::Nav) that the trace view applies to the timeline.

pub mod compare;
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

use crate::trace::Time;

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
    /// This trace compared with another.
    pub compare: compare::CompareView,
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
