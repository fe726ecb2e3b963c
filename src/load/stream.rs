//! Folds over the tiles of a loaded trace (see [`crate::analysis::fold`]):
//! a resident trace is one tile, its whole model; a big one is read again,
//! one generation a tile, two built at a time on rayon threads, folded in
//! time order and dropped. Also random access to the tiles, for the
//! analyses that walk a trace out of time order.

use super::tiles::TileSource;
use super::LoadedTrace;
use crate::analysis::findings::{Findings, FindingsFold};
use crate::analysis::fold::{ByLane, LaneFold, Tile, TileAccess, TileFold, TileRef};
use crate::analysis::profiles::{Profile, ProfileFold, ProfileKind, ProfileScope};
use crate::analysis::range_stats::RangeSummaryFold;
use crate::analysis::state_times::{StateTimes, StateTimesFold};
use crate::analysis::summary::Summary;
use crate::model::Trace;
use crate::trace::Time;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// A profile and the model whose stacks and strings its records name.
pub struct LoadedProfile {
    /// The profile.
    pub profile: Profile,
    /// The loaded model (or overview), whose stacks the records name.
    pub stacks_of: Arc<Trace>,
}

/// Progress of a fold: `done(tiles folded, of)`.
pub type FoldProgress<'a> = &'a (dyn Fn(usize, usize) + Sync);

impl LoadedTrace {
    /// Folds every tile of the trace into `fold`, in time order. For a big
    /// trace every generation is read again (`done` after each); the error
    /// is one line (the file changed, reading failed, cancelled).
    pub fn fold(
        &self,
        fold: &mut dyn TileFold,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<(), String> {
        self.fold_within(fold, None, cancel, done)
    }

    /// [`LoadedTrace::fold`] over the tiles that overlap `[t0, t1)` only.
    pub fn fold_within(
        &self,
        fold: &mut dyn TileFold,
        range: Option<(Time, Time)>,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<(), String> {
        let overview = &self.trace;
        let Some(src) = &self.tiles else {
            fold.tile(&Tile::whole(overview));
            done(1, 1);
            return Ok(());
        };
        let gens = match range {
            Some((t0, t1)) => src.gens_in(t0, t1),
            None => 0..src.gens.len(),
        };
        fold_tiles(src, overview, gens, fold, cancel, done)
    }

    /// Folds the goroutine lanes of the trace into `fold` (see [`ByLane`]).
    pub fn fold_lanes<F: LaneFold>(
        &self,
        fold: F,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<F, String> {
        let mut by_lane = ByLane::new(fold);
        self.fold(&mut by_lane, cancel, done)?;
        Ok(by_lane.finish(&self.trace))
    }

    /// The blocking profile of `kind` over `scope`.
    pub fn blocking_profile(
        &self,
        kind: ProfileKind,
        scope: &ProfileScope,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<LoadedProfile, String> {
        let during_load = match scope {
            ProfileScope::All => self.profiles.as_ref(),
            _ => None,
        };
        if let Some((_, p)) = during_load.and_then(|all| all.iter().find(|p| p.0 == kind)) {
            // Folded while the trace loaded: the same fold, not read again.
            return Ok(LoadedProfile {
                profile: p.clone(),
                stacks_of: Arc::clone(&self.trace),
            });
        }
        let fold = ProfileFold::new(&self.trace, kind, scope);
        let profile = self.fold_lanes(fold, cancel, done)?.finish();
        Ok(LoadedProfile {
            profile,
            stacks_of: Arc::clone(&self.trace),
        })
    }

    /// Go's goroutine analysis restricted to `[t0, t1)`: the tiles up to
    /// `t1` are folded.
    pub fn summary_in_range(
        &self,
        t0: Time,
        t1: Time,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<Summary, String> {
        let mut fold = RangeSummaryFold::new(t0, t1);
        self.fold_within(&mut fold, Some((t0, t1)), cancel, done)?;
        Ok(fold.finish(&self.trace))
    }

    /// Which states each goroutine spent time in and how long it was
    /// blocked, over the whole trace (the timeline's lane filters).
    pub fn state_times(
        &self,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<StateTimes, String> {
        let mut fold = StateTimesFold::new(&self.trace);
        self.fold(&mut fold, cancel, done)?;
        Ok(fold.finish())
    }

    /// The findings of the whole trace (one fold over its tiles, then a
    /// few look-ups in them).
    pub fn findings(
        &self,
        cancel: &AtomicBool,
        done: FoldProgress<'_>,
    ) -> Result<Findings, String> {
        let mut fold = FindingsFold::new(&self.trace);
        self.fold(&mut fold, cancel, done)?;
        Ok(fold.finish(&*self.tile_access()))
    }

    /// Random access to the trace's tiles: its whole model, or for a big
    /// trace its generations read again when asked for (a few kept).
    pub fn tile_access(&self) -> Box<dyn TileAccess + Send + Sync> {
        match &self.tiles {
            None => Box::new(crate::analysis::fold::Resident(Arc::clone(&self.trace))),
            Some(src) => Box::new(TileReader::new(Arc::clone(src), Arc::clone(&self.trace))),
        }
    }
}

/// Builds the tiles of generations `gens` of `src`, one generation each,
/// on as many threads as rayon has, and gives them to `fold` in order on
/// this thread while the next are built (at most one more than the
/// builders in memory at a time).
fn fold_tiles(
    src: &TileSource,
    overview: &Trace,
    gens: Range<usize>,
    fold: &mut dyn TileFold,
    cancel: &AtomicBool,
    done: FoldProgress<'_>,
) -> Result<(), String> {
    let parts = fold.parts();
    let builders = rayon::current_num_threads().clamp(1, gens.len().max(1));
    let ahead = builders + 1;
    // The next generation to build, and the first not folded yet.
    let state = Mutex::new((gens.start, gens.start));
    let turn = Condvar::new();
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<Trace, String>)>();
    std::thread::scope(|scope| {
        for i in 0..builders {
            let (tx, state, turn, stop) = (tx.clone(), &state, &turn, &stop);
            let _ = std::thread::Builder::new()
                .name(format!("tile-builder-{i}"))
                .spawn_scoped(scope, move || loop {
                    let k = {
                        let Ok(mut st) = state.lock() else { return };
                        while st.0 < gens.end
                            && st.0 >= st.1 + ahead
                            && !stop.load(Ordering::Relaxed)
                        {
                            st = match turn.wait(st) {
                                Ok(st) => st,
                                Err(_) => return,
                            };
                        }
                        if st.0 >= gens.end || stop.load(Ordering::Relaxed) {
                            return;
                        }
                        st.0 += 1;
                        st.0 - 1
                    };
                    let tile = src
                        .build_parts(overview, k..k + 1, parts, cancel)
                        .map_err(|e| e.to_string());
                    if tx.send((k, tile)).is_err() {
                        return;
                    }
                });
        }
        drop(tx);
        let result = fold_in_order(src, overview, &gens, fold, &rx, cancel, done, &|k| {
            if let Ok(mut st) = state.lock() {
                st.1 = k;
            }
            turn.notify_all();
        });
        stop.store(true, Ordering::Relaxed);
        turn.notify_all();
        result
    })
}

/// Folds the tiles `rx` brings (in any order) in the order of `gens`;
/// `folded(k)` after generation `k - 1` is folded.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one fold, passed down once"
)]
fn fold_in_order(
    src: &TileSource,
    overview: &Trace,
    gens: &Range<usize>,
    fold: &mut dyn TileFold,
    rx: &mpsc::Receiver<(usize, Result<Trace, String>)>,
    cancel: &AtomicBool,
    done: FoldProgress<'_>,
    folded: &dyn Fn(usize),
) -> Result<(), String> {
    let mut waiting: BTreeMap<usize, Result<Trace, String>> = BTreeMap::new();
    for k in gens.clone() {
        let tile = loop {
            if cancel.load(Ordering::Relaxed) {
                return Err("cancelled".into());
            }
            if let Some(t) = waiting.remove(&k) {
                break t?;
            }
            let (i, t) = rx
                .recv()
                .map_err(|_| "a tile builder stopped".to_string())?;
            waiting.insert(i, t);
        };
        let (from, to) = src.own_time(&(k..k + 1));
        fold.tile(&Tile {
            model: &tile,
            overview,
            from,
            to,
        });
        drop(tile);
        folded(k + 1);
        done(k + 1 - gens.start, gens.len());
    }
    Ok(())
}

/// Most tiles a [`TileReader`] keeps.
const READER_TILES: usize = 4;

/// Random access to the generations of a big trace, one generation a
/// tile, the few most recently used kept.
pub struct TileReader {
    src: Arc<TileSource>,
    overview: Arc<Trace>,
    /// (generation, tile), most recently used last.
    kept: Mutex<Vec<(usize, TileRef)>>,
    cancel: AtomicBool,
}

impl TileReader {
    /// Reads the tiles of `src`, whose overview is `overview`.
    pub fn new(src: Arc<TileSource>, overview: Arc<Trace>) -> TileReader {
        TileReader {
            src,
            overview,
            kept: Mutex::new(Vec::new()),
            cancel: AtomicBool::new(false),
        }
    }
}

impl TileAccess for TileReader {
    fn overview(&self) -> &Trace {
        &self.overview
    }

    fn tile_at(&self, t: Time) -> Result<TileRef, String> {
        let n = self.src.gens.len();
        let k = self
            .src
            .gens
            .partition_point(|g| g.start_ns <= t)
            .saturating_sub(1)
            .min(n.saturating_sub(1));
        if let Ok(mut kept) = self.kept.lock() {
            if let Some(i) = kept.iter().position(|e| e.0 == k) {
                let e = kept.remove(i);
                let tile = e.1.clone();
                kept.push(e);
                return Ok(tile);
            }
        }
        let model = self
            .src
            .build(&self.overview, k..k + 1, &self.cancel)
            .map_err(|e| e.to_string())?;
        let (from, to) = self.src.own_time(&(k..k + 1));
        let tile = TileRef {
            model: Arc::new(model),
            from,
            to,
        };
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= READER_TILES {
                kept.remove(0);
            }
            kept.push((k, tile.clone()));
        }
        Ok(tile)
    }
}
