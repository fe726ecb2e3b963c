//! What a load has built so far, for the window to draw while the rest is
//! read (a big trace: the whole time axis within a second, filling in as
//! generations finish): GC and STW ranges, the heap and goroutine
//! counters, and what ran on each proc, up to some time.

use super::counters::CounterSeries;
use super::lanes::IntervalLane;
use crate::trace::Time;

impl Preview {
    /// Nothing built yet.
    pub fn empty() -> Preview {
        Preview {
            built_to: 0,
            gc: Vec::new(),
            stw: Vec::new(),
            heap: CounterSeries::new("heap in use", 1),
            runnable: CounterSeries::new("runnable", 1),
            procs: Vec::new(),
        }
    }
}

/// A snapshot of a model being built.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Everything before this time is in the snapshot.
    pub built_to: Time,
    /// GC mark phases (the last may still be open: it ends at `built_to`).
    pub gc: Vec<(Time, Time)>,
    /// Stop-the-world pauses.
    pub stw: Vec<(Time, Time)>,
    /// Live heap bytes.
    pub heap: CounterSeries,
    /// Goroutines runnable.
    pub runnable: CounterSeries,
    /// Proc IDs and what ran on them (goroutine intervals).
    pub procs: Vec<(i64, IntervalLane)>,
}
