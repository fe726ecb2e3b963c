//! The four blocking profiles of one trace for a comparison: folded over
//! its lanes at once (one pass over the tiles instead of four), by the
//! same [`ProfileFold`] that `gotraceview pprof` runs, then with their
//! stacks written out as frames so that two traces' stacks can be matched.

use crate::analysis::fold::{LaneFold, LaneSpan, Tile};
use crate::analysis::profiles::{
    Building, Profile, ProfileFold, ProfileKind, ProfileLane, ProfileScope,
};
use crate::model::{ClosedSpan, GIdx, Names, SpanSink, StackId, Trace};
use std::sync::{Arc, OnceLock};

/// The four blocking profiles of a trace, folded together.
pub struct AllProfilesFold {
    folds: [ProfileFold; 4],
}

impl AllProfilesFold {
    /// The profiles of every [`ProfileKind`] over the whole trace.
    pub fn new(overview: &Trace) -> AllProfilesFold {
        AllProfilesFold {
            folds: ProfileKind::ALL.map(|k| ProfileFold::new(overview, k, &ProfileScope::All)),
        }
    }

    /// The profiles of every kind over every goroutine's lifetime, to fold
    /// while the trace loads (see [`ProfilesWhileLoading`]).
    pub fn of_every_goroutine() -> AllProfilesFold {
        AllProfilesFold {
            folds: ProfileKind::ALL.map(ProfileFold::of_every_goroutine),
        }
    }

    /// The profiles, in the order of [`ProfileKind::ALL`].
    pub fn finish(self) -> [(ProfileKind, Profile); 4] {
        let [a, b, c, d] = self.folds.map(ProfileFold::finish);
        let k = ProfileKind::ALL;
        [(k[0], a), (k[1], b), (k[2], c), (k[3], d)]
    }
}

impl LaneFold for AllProfilesFold {
    type Lane = [ProfileLane; 4];

    fn span(&mut self, g: GIdx, lane: &mut Self::Lane, s: &LaneSpan, overview: &Trace) {
        for (f, l) in self.folds.iter_mut().zip(lane.iter_mut()) {
            f.span(g, l, s, overview);
        }
    }

    fn end(&mut self, g: GIdx, lane: Self::Lane, overview: &Trace) {
        for (f, l) in self.folds.iter_mut().zip(lane) {
            f.end(g, l, overview);
        }
    }

    fn after_tile(&mut self, tile: &Tile<'_>) {
        for f in &mut self.folds {
            f.after_tile(tile);
        }
    }
}

/// The four profiles of a whole trace, in the order of [`ProfileKind::ALL`].
pub type AllProfiles = [(ProfileKind, Profile); 4];

/// The four profiles folded while the trace loads: the model builder gives
/// each goroutine span as it closes (see [`SpanSink`]), so that a
/// comparison does not read a big trace again. The same [`ProfileFold`]
/// as over tiles, so the same profiles (`tests/compare.rs` checks it).
pub struct ProfilesWhileLoading {
    fold: AllProfilesFold,
    /// What the fold remembers of each live goroutine, by its
    /// [`ClosedSpan::live`] number: no hash lookup per span.
    open: Vec<Option<(GIdx, [ProfileLane; 4])>>,
    /// Where the profiles go when the load finishes.
    out: Arc<OnceLock<AllProfiles>>,
}

impl ProfilesWhileLoading {
    /// A fold whose profiles are set in `out` at the end of the load.
    pub fn new(out: Arc<OnceLock<AllProfiles>>) -> ProfilesWhileLoading {
        ProfilesWhileLoading {
            fold: AllProfilesFold::of_every_goroutine(),
            open: Vec::new(),
            out,
        }
    }
}

impl SpanSink for ProfilesWhileLoading {
    fn span(&mut self, g: GIdx, s: &ClosedSpan, names: &Names<'_>) {
        let names = Building {
            names,
            ended: s.ended,
        };
        let span = s.span;
        let live = s.live as usize;
        if live >= self.open.len() {
            self.open.resize_with(live + 1, || None);
        }
        let (_, lane) = self.open[live].get_or_insert_with(|| (g, Default::default()));
        for (f, l) in self.fold.folds.iter_mut().zip(lane.iter_mut()) {
            f.span_in(g, l, &span, &names);
        }
        if span.last {
            if let Some((_, lane)) = self.open[live].take() {
                for (f, l) in self.fold.folds.iter_mut().zip(lane) {
                    f.end_in(g, l, &names);
                }
            }
        }
    }

    fn finish(mut self: Box<Self>, names: &Names<'_>) {
        // Every lane ends with a last span (the trace's end closes them).
        let names = Building {
            names,
            ended: false,
        };
        let mut left: Vec<_> = std::mem::take(&mut self.open)
            .into_iter()
            .flatten()
            .collect();
        left.sort_unstable_by_key(|e| e.0);
        for (g, lane) in left {
            for (f, l) in self.fold.folds.iter_mut().zip(lane) {
                f.end_in(g, l, &names);
            }
        }
        let _ = self.out.set(self.fold.finish());
    }
}

/// A frame by what it names, not by its PC: two builds of a program (or
/// two runs of one) match on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameKey {
    /// Function name.
    pub func: String,
    /// Source file.
    pub file: String,
    /// Line number.
    pub line: u32,
}

/// One stack of a profile, written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackFigure {
    /// Its frames, leaf first.
    pub frames: Vec<FrameKey>,
    /// Number of waits.
    pub count: u64,
    /// Total time waited, in ns.
    pub delay_ns: i64,
}

/// One blocking profile of a trace, its stacks written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFigures {
    /// Which profile.
    pub kind: ProfileKind,
    /// Its stacks, largest delay first (as the profile lists them).
    pub stacks: Vec<StackFigure>,
}

impl ProfileFigures {
    /// `profile`, whose stacks are `trace`'s, written out.
    pub fn new(trace: &Trace, kind: ProfileKind, profile: &Profile) -> ProfileFigures {
        ProfileFigures {
            kind,
            stacks: profile
                .records
                .iter()
                .map(|r| StackFigure {
                    frames: frames_of(trace, r.stack),
                    count: r.count,
                    delay_ns: r.delay_ns,
                })
                .collect(),
        }
    }

    /// Total time waited (what `pprof` reports as its total delay).
    pub fn total_delay_ns(&self) -> i64 {
        self.stacks
            .iter()
            .fold(0i64, |a, s| a.saturating_add(s.delay_ns))
    }

    /// Total number of waits.
    pub fn total_count(&self) -> u64 {
        self.stacks.iter().map(|s| s.count).sum()
    }
}

fn frames_of(trace: &Trace, stack: StackId) -> Vec<FrameKey> {
    trace
        .stacks
        .frames_of(stack)
        .map(|f| FrameKey {
            func: trace.str(f.func).to_string(),
            file: trace.str(f.file).to_string(),
            line: f.line,
        })
        .collect()
}
