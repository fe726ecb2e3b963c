//! Critical paths of many instances (every region or task of a type, or
//! those of a histogram bucket) summed: what the instances wait on.

use super::{critical_path, sum_by, Cause, PathState, Target};
use crate::analysis::fold::TileAccess;
use crate::model::StrId;
use crate::trace::Time;
use rayon::prelude::*;

/// The summed critical paths of a set of instances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregate {
    /// Number of instances.
    pub instances: usize,
    /// Sum of their durations (= the sum of every total).
    pub duration_ns: Time,
    /// Time by coarse state, indexed by `PathState as usize`.
    pub totals_ns: [Time; 5],
    /// Time by cause, largest first.
    pub by_cause_ns: Vec<(Cause, Time)>,
    /// Time by start function of the goroutines on the paths, largest first.
    pub by_function_ns: Vec<(StrId, Time)>,
    /// Number of hops between goroutines, over all paths.
    pub hops: usize,
}

impl Aggregate {
    /// Share of the total time spent in `state`, in [0, 1].
    pub fn share(&self, state: PathState) -> f64 {
        if self.duration_ns <= 0 {
            return 0.0;
        }
        self.totals_ns[state as usize] as f64 / self.duration_ns as f64
    }
}

/// What one instance's path adds to the sums.
struct PerPath {
    by_cause_ns: Vec<(Cause, Time)>,
    by_function_ns: Vec<(StrId, Time)>,
    hops: usize,
}

/// Computes the critical path of every target (in parallel) and sums them.
pub fn aggregate(tiles: &dyn TileAccess, targets: &[Target]) -> Aggregate {
    let trace = tiles.overview();
    let per: Vec<PerPath> = targets
        .par_iter()
        .map(|&t| {
            let p = critical_path(tiles, t);
            let by_function_ns = sum_by(
                p.segments
                    .iter()
                    .map(|s| (trace.goroutines.name(s.g), s.duration_ns())),
            );
            PerPath {
                by_cause_ns: p.by_cause_ns(),
                by_function_ns,
                hops: p.hops.len(),
            }
        })
        .collect();
    let by_cause_ns = sum_by(per.iter().flat_map(|p| p.by_cause_ns.iter().copied()));
    let by_function_ns = sum_by(per.iter().flat_map(|p| p.by_function_ns.iter().copied()));
    let mut totals_ns = [0; 5];
    for &(c, d) in &by_cause_ns {
        totals_ns[c.state() as usize] += d;
    }
    Aggregate {
        instances: targets.len(),
        duration_ns: targets.iter().map(Target::duration_ns).sum(),
        totals_ns,
        by_cause_ns,
        by_function_ns,
        hops: per.iter().map(|p| p.hops).sum(),
    }
}
