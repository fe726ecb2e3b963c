//! The figures a comparison reads of a loaded trace (see
//! [`crate::analysis::compare`]): its goroutine analysis, regions, tasks
//! and GC as loaded, and its four blocking profiles in one fold over its
//! tiles (so a big trace is read again once, not four times).

use super::stream::FoldProgress;
use super::{load_path_with, LoadError, LoadOptions, LoadedTrace, Progress};
use crate::analysis::compare::profiles::AllProfilesFold;
use crate::analysis::compare::SideFigures;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// How a trace is loaded to be compared: with `base`'s memory budget,
/// keeping every goroutine's figures of the goroutine analysis (as
/// `stats --json` does), whose groups and percentiles are then exact under
/// any budget.
pub fn compare_options(base: LoadOptions) -> LoadOptions {
    LoadOptions {
        per_goroutine: true,
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
        let summary = self.summary().ok_or_else(|| {
            "the goroutine analysis kept only its groups; load with every goroutine".to_string()
        })?;
        let profiles = self
            .fold_lanes(AllProfilesFold::new(&self.trace), cancel, done)?
            .finish();
        Ok(SideFigures::new(
            &self.name,
            &self.trace,
            summary,
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
