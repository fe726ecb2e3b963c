//! Analyses that read every span, of a loaded trace: from the whole model,
//! or for a big trace streamed over its detail tiles (two built at a time
//! on rayon threads, folded in order, each dropped once folded).

use super::tiles::TileSource;
use super::LoadedTrace;
use crate::analysis::profile_stream::ProfileStream;
use crate::analysis::profiles::{blocking_profile, Profile, ProfileKind, ProfileScope};
use crate::analysis::range_stats::summary_in_range;
use crate::analysis::range_stream::RangeSummaryStream;
use crate::analysis::state_times::{StateTimes, StateTimesStream};
use crate::analysis::summary::Summary;
use crate::model::{ModelBuilder, Trace};
use crate::trace::Time;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A profile and the model whose stacks and strings its records name.
pub struct LoadedProfile {
    /// The profile.
    pub profile: Profile,
    /// The loaded model, or for a big trace a model holding only the
    /// stacks and strings of the overview and its tiles.
    pub stacks_of: Arc<Trace>,
}

impl LoadedTrace {
    /// The blocking profile of `kind` over `scope`. For a big trace every
    /// generation is read again (`done(generations done, of)` after each);
    /// the error is one line (the file changed, reading failed, cancelled).
    pub fn blocking_profile(
        &self,
        kind: ProfileKind,
        scope: &ProfileScope,
        cancel: &AtomicBool,
        done: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<LoadedProfile, String> {
        let whole = &self.trace;
        let Some(src) = &self.tiles else {
            return Ok(LoadedProfile {
                profile: blocking_profile(whole, kind, &scope.of(whole)),
                stacks_of: Arc::clone(whole),
            });
        };
        let mut stream = ProfileStream::new(whole, kind, scope.streamed(whole));
        fold_tiles(src, whole, src.gens.len(), cancel, done, |t| stream.tile(t))?;
        let (profile, strings, stacks) = stream.finish();
        let mut t = ModelBuilder::new(1).finish(whole.meta.version.clone(), 0, 0);
        t.strings = strings;
        t.stacks = stacks;
        Ok(LoadedProfile {
            profile,
            stacks_of: Arc::new(t),
        })
    }

    /// Go's goroutine analysis restricted to `[t0, t1)` (see
    /// [`summary_in_range`]). For a big trace the generations up to `t1`
    /// are read again (`done` as for [`LoadedTrace::blocking_profile`]).
    pub fn summary_in_range(
        &self,
        t0: Time,
        t1: Time,
        cancel: &AtomicBool,
        done: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Summary, String> {
        let whole = &self.trace;
        let Some(src) = &self.tiles else {
            return Ok(summary_in_range(whole, t0, t1));
        };
        let mut stream = RangeSummaryStream::new(whole, t0, t1);
        let upto = src.gens_in(t0, t1).end;
        fold_tiles(src, whole, upto, cancel, done, |t| stream.tile(t))?;
        Ok(stream.finish())
    }

    /// Which states each goroutine spent time in and how long it was
    /// blocked, over the whole trace (the timeline's lane filters). For a
    /// big trace every generation is read again.
    pub fn state_times(
        &self,
        cancel: &AtomicBool,
        done: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<StateTimes, String> {
        let whole = &self.trace;
        let Some(src) = &self.tiles else {
            return Ok(StateTimes::of_model(whole));
        };
        let mut stream = StateTimesStream::new(whole);
        fold_tiles(src, whole, src.gens.len(), cancel, done, |t| stream.tile(t))?;
        Ok(stream.finish())
    }
}

/// Builds the tiles of generations `0..upto` of `src`, one generation
/// each, two at a time, and gives them to `fold` in order.
fn fold_tiles(
    src: &TileSource,
    whole: &Trace,
    upto: usize,
    cancel: &AtomicBool,
    done: &(dyn Fn(usize, usize) + Sync),
    mut fold: impl FnMut(&Trace),
) -> Result<(), String> {
    let n = upto.min(src.gens.len());
    let build = |k: usize| {
        (k < n).then(|| {
            src.build_local(whole, k..k + 1, cancel)
                .map_err(|e| e.to_string())
        })
    };
    let mut k = 0;
    while k < n {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        let (a, b) = rayon::join(|| build(k), || build(k + 1));
        for tile in [a, b].into_iter().flatten() {
            fold(&tile?);
        }
        k += 2;
        done(k.min(n), n);
    }
    Ok(())
}
