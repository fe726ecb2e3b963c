//! The figures a comparison reads of a loaded trace (see
//! [`crate::analysis::compare`]): its goroutine analysis, regions, tasks
//! and GC as loaded, and its four blocking profiles in one fold over its
//! tiles (so a big trace is read again once, not four times).

use super::stream::FoldProgress;
use super::{load_path_with, LoadError, LoadOptions, LoadedTrace, Progress};
use crate::analysis::compare::profiles::AllProfilesFold;
use crate::analysis::compare::SideFigures;
use crate::analysis::summary::GoroutineAnalysis;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// How a trace is loaded to be compared: with `base`'s memory budget,
/// keeping every goroutine's figures of the goroutine analysis (as
/// `stats --json` does), whose groups and percentiles are then exact under
/// any budget.
pub fn compare_options(base: LoadOptions) -> LoadOptions {
    LoadOptions {
        per_goroutine: true,
        profiles: true,
        ..base
    }
}

impl LoadedTrace {
    /// The figures of this trace for a comparison. Fails (one line) if the
    /// load kept only the table of goroutine groups (see
    /// [`compare_options`]), or if reading the tiles again fails.
    pub fn compare_figures(
        &self,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<SideFigures, String> {
        // Every goroutine's figures as loaded (not expanded: ~270 bytes a
        // goroutine, gigabytes for tens of millions).
        let GoroutineAnalysis::Records(records) = &self.goroutine_analysis else {
            return Err(
                "the goroutine analysis kept only its groups; load with every goroutine".into(),
            );
        };
        // Folded while it loaded (see `compare_options`), else over its tiles.
        let profiles = match &self.profiles {
            Some(p) => p.clone(),
            None => self
                .fold_lanes(AllProfilesFold::new(&self.trace), cancel, done)?
                .finish(),
        };
        Ok(SideFigures::new(
            &self.name,
            &self.trace,
            records,
            &self.gc_log,
            &profiles,
        ))
    }
}

/// Loads `path` with the [`compare_options`] of `base` and computes its
/// figures; the model is dropped before this returns.
pub fn load_figures(
    path: &Path,
    base: LoadOptions,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<SideFigures, LoadError> {
    load_compared(path, base, progress, cancel).map(|(_, f)| f)
}

/// Loads `path` with the [`compare_options`] of `base` and computes its
/// figures, keeping the model (to be viewed: see
/// [`LoadedTrace::keep_only_groups`]).
pub fn load_compared(
    path: &Path,
    base: LoadOptions,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<(LoadedTrace, SideFigures), LoadError> {
    let l = load_path_with(path, compare_options(base), progress, cancel)?;
    let f = l
        .compare_figures(cancel, &|_, _| {})
        .map_err(|message| LoadError {
            file: path.display().to_string(),
            message,
        })?;
    Ok((l, f))
}
