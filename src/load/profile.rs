//! Blocking profiles of a loaded trace: from the whole model, or for a big
//! trace streamed over its detail tiles (two built at a time, folded in
//! order, each dropped once folded).

use super::LoadedTrace;
use crate::analysis::profile_stream::ProfileStream;
use crate::analysis::profiles::{blocking_profile, Profile, ProfileKind, ProfileScope};
use crate::model::{ModelBuilder, Trace};
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
        let n = src.gens.len();
        let mut stream = ProfileStream::new(whole, kind, scope.streamed(whole));
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
                stream.tile(&tile?);
            }
            k += 2;
            done(k.min(n), n);
        }
        let (profile, strings, stacks) = stream.finish();
        let mut t = ModelBuilder::new(1).finish(whole.meta.version.clone(), 0, 0);
        t.strings = strings;
        t.stacks = stacks;
        Ok(LoadedProfile {
            profile,
            stacks_of: Arc::new(t),
        })
    }
}
