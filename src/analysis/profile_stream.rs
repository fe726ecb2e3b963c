//! Blocking profiles of a trace loaded as an overview (too big for its
//! whole model): the samples [`blocking_profile`] takes from the whole
//! model, taken from the trace's detail tiles fed in time order, so that
//! only one tile's spans are in memory at a time.
//!
//! Two things cross tile boundaries. A wait still going on at a tile's end
//! is carried to the next tile the goroutine appears in (its status there
//! continues it). And a goroutine's lifetime begins when it first runs:
//! a wait that ends before that counts only if the goroutine never runs,
//! so it is held until the goroutine runs (dropped) or the trace ends
//! (counted).
//!
//! [`blocking_profile`]: super::profiles::blocking_profile

use super::profiles::{interval_overlap, pcs_key, records_by_delay, Profile, ProfileKind, Scope};
use crate::model::{GIdx, GoLaneState, StackId, StackTable, StringTable, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// What part of an overview's trace a streamed profile covers (the
/// overview's goroutine indexes and groups).
#[derive(Debug, Clone)]
pub enum StreamScope {
    /// Every goroutine, or those of one group, over its lifetime (as
    /// [`Scope::all`] and [`Scope::goroutine_group`]).
    Lifetime {
        /// Only this group of the overview.
        group: Option<u32>,
    },
    /// Every goroutine during `[t0, t1]` ([`Scope::time_range`]).
    Range(Time, Time),
    /// Goroutines during intervals of their own (a region type, see
    /// [`Scope::region_type`]: regions are in the overview).
    Intervals(Scope),
}

/// A wait going on at the end of the tiles seen so far.
#[derive(Debug, Clone, Copy)]
struct Carry {
    state: GoLaneState,
    start: Time,
    stack: StackId,
}

/// Folds detail tiles, in time order, into one blocking profile.
pub struct ProfileStream<'a> {
    whole: &'a Trace,
    kind: ProfileKind,
    scope: StreamScope,
    /// The overview's strings and stacks, extended with the tiles' own.
    strings: StringTable,
    stacks: StackTable,
    carry: FxHashMap<GIdx, Carry>,
    /// Goroutines seen running, one bit each (lifetime scopes).
    has_run: Vec<u64>,
    /// Waits of goroutines that have not run yet: (stack, delay).
    before_run: FxHashMap<GIdx, Vec<(StackId, Time)>>,
    by_pcs: FxHashMap<Vec<u64>, (StackId, u64, i64)>,
    pcs_of: FxHashMap<StackId, Vec<u64>>,
}

impl<'a> ProfileStream<'a> {
    /// A profile of `kind` over `scope` of the trace whose overview is
    /// `whole`.
    pub fn new(whole: &'a Trace, kind: ProfileKind, scope: StreamScope) -> ProfileStream<'a> {
        let words = if matches!(scope, StreamScope::Lifetime { .. }) {
            whole.goroutines.len().div_ceil(64)
        } else {
            0
        };
        ProfileStream {
            whole,
            kind,
            scope,
            strings: whole.strings.thawed(),
            stacks: whole.stacks.thawed(),
            carry: FxHashMap::default(),
            has_run: vec![0; words],
            before_run: FxHashMap::default(),
            by_pcs: FxHashMap::default(),
            pcs_of: FxHashMap::default(),
        }
    }

    /// Folds in the next tile: the model of the generations after those
    /// of the previous tile, as [`crate::load::tiles::TileSource::build_local`]
    /// makes it (its own goroutine indexes, strings and stacks extending
    /// the overview's).
    pub fn tile(&mut self, t: &Trace) {
        let mut stack_map: FxHashMap<StackId, StackId> = FxHashMap::default();
        let spans = &t.spans;
        for (gl, g, lane) in t.lanes_in(self.whole) {
            if let StreamScope::Lifetime { group: Some(grp) } = self.scope {
                if self.whole.goroutines.group(g as usize) != Some(grp) {
                    continue;
                }
            }
            let ended = t.goroutines.ended(gl);
            let r = lane.indexes();
            let mut i = r.start;
            if let Some(c) = self.carry.remove(&g) {
                while i < r.end && self.kind.continues(c.state, spans.state(i)) {
                    i += 1;
                }
                if i < r.end || ended {
                    let end = if i < r.end { spans.start(i) } else { lane.end };
                    self.sample(g, c.stack, c.start, end);
                } else {
                    self.carry.insert(g, c);
                }
            }
            while i < r.end {
                let sk = spans.kind(i);
                let state = sk.state;
                if state == GoLaneState::Running {
                    self.ran(g);
                }
                if !self.kind.tracks(state, t.reason(sk.reason)) {
                    i += 1;
                    continue;
                }
                let start = spans.start(i);
                let stack = self.merged_stack(t, sk.stack, &mut stack_map);
                let mut j = i + 1;
                while j < r.end && self.kind.continues(state, spans.state(j)) {
                    j += 1;
                }
                if j < r.end || ended {
                    let end = if j < r.end { spans.start(j) } else { lane.end };
                    self.sample(g, stack, start, end);
                } else {
                    self.carry.insert(
                        g,
                        Carry {
                            state,
                            start,
                            stack,
                        },
                    );
                }
                i = j;
            }
        }
    }

    /// The profile, with the strings and stacks its records refer to.
    pub fn finish(mut self) -> (Profile, StringTable, StackTable) {
        // Goroutines that never ran: their lifetime is from 0, every wait counts.
        let mut left: Vec<(GIdx, Vec<(StackId, Time)>)> =
            std::mem::take(&mut self.before_run).into_iter().collect();
        left.sort_unstable_by_key(|e| e.0);
        for (_, waits) in left {
            for (stack, d) in waits {
                self.record(stack, d);
            }
        }
        let profile = Profile {
            records: records_by_delay(self.by_pcs),
        };
        let (mut strings, mut stacks) = (self.strings, self.stacks);
        strings.freeze();
        stacks.freeze();
        (profile, strings, stacks)
    }

    fn ran(&mut self, g: GIdx) {
        if let Some(w) = self.has_run.get_mut(g as usize / 64) {
            *w |= 1 << (g % 64);
            // Its waits so far ended before its lifetime began.
            self.before_run.remove(&g);
        }
    }

    /// A wait of `g` from `s` to `e` at `stack` (a merged stack ID).
    fn sample(&mut self, g: GIdx, stack: StackId, s: Time, e: Time) {
        let d = match &self.scope {
            StreamScope::Lifetime { .. } => {
                let ran = self
                    .has_run
                    .get(g as usize / 64)
                    .is_some_and(|w| w & (1 << (g % 64)) != 0);
                if !ran {
                    self.before_run
                        .entry(g)
                        .or_default()
                        .push((stack, e.saturating_sub(s)));
                    return;
                }
                e.saturating_sub(s)
            }
            StreamScope::Range(t0, t1) => interval_overlap((*t0, *t1), (s, e)),
            StreamScope::Intervals(sc) => sc.overlap(g, s, e),
        };
        self.record(stack, d);
    }

    fn record(&mut self, stack: StackId, d: Time) {
        if d <= 0 {
            return;
        }
        let stacks = &self.stacks;
        let key = self
            .pcs_of
            .entry(stack)
            .or_insert_with(|| pcs_key(stacks, stack));
        let e = self.by_pcs.entry(key.clone()).or_insert((stack, 0, 0));
        e.0 = stack;
        e.1 += 1;
        e.2 = e.2.saturating_add(d);
    }

    /// The merged ID of tile stack `s`: the overview's IDs mean the same
    /// in every tile, a tile's own stacks are interned again.
    fn merged_stack(
        &mut self,
        t: &Trace,
        s: StackId,
        map: &mut FxHashMap<StackId, StackId>,
    ) -> StackId {
        if (s as usize) < self.whole.stacks.len() {
            return s;
        }
        if let Some(&m) = map.get(&s) {
            return m;
        }
        let known = self.whole.strings.len();
        let mut frames = Vec::new();
        for f in t.stacks.frames_of(s) {
            let mut f = *f;
            for id in [&mut f.func, &mut f.file] {
                if *id as usize >= known {
                    *id = self.strings.intern(t.str(*id));
                }
            }
            frames.push(self.stacks.intern_frame(f));
        }
        let m = self.stacks.intern_stack(&frames);
        map.insert(s, m);
        m
    }
}
