//! Where a click asks the view of a trace to go. Every link of the details
//! panel, the find bar, the "Why?" panel and the analysis views answers
//! with a [`Nav`]; the trace view applies it (`TraceView::go`) and records
//! the jumps, so that Back returns from them.

use super::timeline::task_arrows::TaskArrow;
use super::timeline::SelectedSpan;
use crate::analysis::critical_path::{Cause, Target};
use crate::model::GIdx;
use crate::trace::Time;
use std::sync::Arc;

/// A move of the timeline asked for by a link or a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// Show goroutine `g`'s lane at time `t` and select its span there.
    Goto {
        /// Goroutine.
        g: GIdx,
        /// Time.
        t: Time,
    },
    /// Like [`Nav::Goto`], and show the goroutine's whole life when it is
    /// out of view or a speck in it (from an analysis view).
    Goroutine {
        /// Goroutine.
        g: GIdx,
        /// Time.
        t: Time,
    },
    /// Select another span of a lane (and keep it in view).
    Select(SelectedSpan),
    /// Move the time origin (not a jump).
    Origin(Time),
    /// Show only the lanes of goroutine group `group` (index into
    /// `Trace::groups`).
    Group(u32),
    /// Select goroutine `g` at `t0`, and `[t0, t1)` as the time range (a
    /// region).
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
        arrows: Vec<TaskArrow>,
    },
    /// Compute and show the critical path of a goroutine, region or task.
    Why(Target),
    /// The next segment of the path shown charged to a cause (not a jump).
    PathSegment(Cause),
    /// A goroutine on the path shown, at its first segment (not a jump).
    PathGoroutine(GIdx),
    /// Show only the lanes on the path shown, or every lane again (not a
    /// jump).
    PathLanes,
    /// Forget the path shown (not a jump).
    ClearPath,
}

impl Nav {
    /// Whether it takes the user elsewhere, to be recorded in the history
    /// (moving the origin or stepping through the path shown is not).
    pub fn is_jump(&self) -> bool {
        !matches!(
            self,
            Nav::Origin(_)
                | Nav::PathSegment(_)
                | Nav::PathGoroutine(_)
                | Nav::PathLanes
                | Nav::ClearPath
        )
    }
}
