//! The backward walk of the critical path (see the module documentation of
//! [`super`]): a loop over spans, jumping from a waiter to the goroutine
//! that unblocked (or created) it, with a stack of waiters to go back to
//! when a goroutine's past cannot be followed any further.

use super::charge::{charge_rev, push_rev};
use super::{Cause, CriticalPath, Hop, HopKind, Segment, Target, Untraced};
use crate::analysis::fold::{TileAccess, TileRef};
use crate::model::{FlowKind, GIdx, GoLaneState, Span, StackId, StrId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// The critical path of `target` (see [`super`]), reading the tiles it
/// goes through.
pub fn critical_path(tiles: &dyn TileAccess, target: Target) -> CriticalPath {
    Walker::new(tiles).walk(target)
}

/// An unblock into a goroutine: `(time, unblocker, reason)`.
type Unblock = (Time, Option<GIdx>, u16);

/// A span of the path's goroutine, found in the tile that holds a time.
struct Found {
    span: Span,
    /// The tile, and the span's index in it.
    tile: TileRef,
}

struct Walker<'a> {
    tiles: &'a dyn TileAccess,
    /// The tile looked at last (the walk mostly stays in one).
    tile: Option<TileRef>,
    /// The unblocks into each goroutine visited, by tile start and goroutine.
    unblocks: FxHashMap<(Time, GIdx), Vec<Unblock>>,
    /// The overview's reason index of each reason string.
    reason_of: FxHashMap<StrId, u16>,
    scratch: Vec<(Time, Time, Cause)>,
    /// Segments, latest first.
    rev: Vec<Segment>,
    /// Hops, latest first.
    hops_rev: Vec<Hop>,
}

impl<'a> Walker<'a> {
    fn new(tiles: &'a dyn TileAccess) -> Walker<'a> {
        let ov = tiles.overview();
        let reason_of = (ov.reasons.iter().enumerate())
            .map(|(i, &s)| (s, i as u16))
            .collect();
        Walker {
            tiles,
            tile: None,
            unblocks: FxHashMap::default(),
            reason_of,
            scratch: Vec::new(),
            rev: Vec::new(),
            hops_rev: Vec::new(),
        }
    }

    fn overview(&self) -> &'a Trace {
        self.tiles.overview()
    }

    /// The tile whose own time holds `t` (None if it cannot be read).
    fn tile_at(&mut self, t: Time) -> Option<TileRef> {
        if let Some(tile) = &self.tile {
            if t >= tile.from && tile.to.is_none_or(|to| t < to) {
                return Some(tile.clone());
            }
        }
        let tile = self.tiles.tile_at(t).ok()?;
        self.tile = Some(tile.clone());
        Some(tile)
    }

    /// Goroutine `g`'s span at time `t`.
    fn span_at(&mut self, g: GIdx, t: Time) -> Option<Found> {
        let tile = self.tile_at(t)?;
        let span = tile.model.spans.at(&tile.model.lane(g), t)?;
        Some(Found { span, tile })
    }

    /// The overview's reason index of a tile's reason index.
    fn reason(&self, tile: &Trace, r: u16) -> u16 {
        if std::ptr::eq(tile, self.overview()) {
            return r;
        }
        let s = tile.reasons.get(r as usize).copied().unwrap_or(0);
        self.reason_of.get(&s).copied().unwrap_or(0)
    }

    /// The goroutine that unblocked `g` at `t` (not the runtime), and the
    /// reason `g` waited for.
    fn unblocker(&mut self, g: GIdx, t: Time) -> Option<(GIdx, u16)> {
        let tile = self.tile_at(t)?;
        let tr: &Trace = &tile.model;
        let v = self.unblocks.entry((tile.from, g)).or_insert_with(|| {
            let mut v: Vec<Unblock> = tr
                .flows_into(g)
                .filter(|f| f.kind == FlowKind::Unblock)
                .map(|f| (f.from_time, f.from, f.reason))
                .collect();
            v.sort_by_key(|u| u.0);
            v
        });
        let i = v.partition_point(|u| u.0 < t);
        let (from, reason) = v
            .get(i)
            .filter(|u| u.0 == t && u.1 != Some(g))
            .and_then(|u| Some((u.1?, u.2)))?;
        Some((from, self.reason(tr, reason)))
    }

    /// Charges `[a, b)` of `g` to `base` (split by GC) in reverse order.
    fn charge(&mut self, g: GIdx, cause: Cause, start_ns: Time, end_ns: Time, stack: StackId) {
        let piece = Segment {
            g,
            start_ns,
            end_ns,
            cause,
            stack,
        };
        charge_rev(self.overview(), piece, &mut self.scratch, &mut self.rev);
    }

    /// Where a segment of span `f` of `g` ran or blocked (see [`Segment::stack`]).
    fn stack_of(&mut self, g: GIdx, f: &Found) -> StackId {
        let (s, tr) = (&f.span, &f.tile.model);
        let lane = tr.lane(g);
        let i = s.idx as usize;
        match s.state {
            // Where it stopped running: the stack that begins the next span.
            GoLaneState::Running if i + 1 < lane.indexes().end => tr.spans.stack(i + 1),
            GoLaneState::Running if f.tile.to.is_some_and(|to| s.end >= to) => {
                // The next span is in a later tile.
                self.span_at(g, s.end).map_or(0, |n| n.span.stack)
            }
            GoLaneState::Running => 0,
            // Where it had blocked, if it was woken; else where it was preempted.
            GoLaneState::Runnable => match self.previous(g, f) {
                Some(p) if p.state == GoLaneState::Waiting => p.stack,
                _ => s.stack,
            },
            _ => s.stack,
        }
    }

    /// The span of `g` before span `f`, if it has one.
    fn previous(&mut self, g: GIdx, f: &Found) -> Option<Span> {
        let (s, tr) = (&f.span, &f.tile.model);
        let lane = tr.lane(g);
        if s.idx > lane.first {
            return Some(tr.spans.span(&lane, s.idx as usize - 1));
        }
        let (first, _) = self.lane_bounds(g)?;
        (s.start > first)
            .then(|| self.span_at(g, s.start - 1).map(|p| p.span))
            .flatten()
    }

    /// Where `g`'s whole lane begins and ends, if it has spans.
    fn lane_bounds(&self, g: GIdx) -> Option<(Time, Time)> {
        let ov = self.overview();
        let lane = ov.lane(g);
        (lane.len > 0).then(|| (ov.spans.start(lane.first as usize), lane.end))
    }

    /// Why nothing is known of `g` before `t`.
    fn untraced(&self, g: GIdx, t: Time) -> Untraced {
        if t <= self.overview().meta.start {
            Untraced::TraceStart
        } else if self.lane_bounds(g).is_some_and(|(first, _)| t == first) {
            Untraced::Creation
        } else {
            Untraced::Lost
        }
    }

    /// The goroutine that woke `g` at `t`, when `g`'s wait ends then and
    /// the waker is not on the path at this time already; the hop to it
    /// recorded.
    fn hop_to_waker(&mut self, g: GIdx, t: Time, wait_end: Time, here: &[GIdx]) -> Option<GIdx> {
        if t != wait_end {
            return None;
        }
        let (u, reason) = self.unblocker(g, t).filter(|w| !here.contains(&w.0))?;
        self.hops_rev.push(Hop {
            from: u,
            to: g,
            time_ns: t,
            kind: HopKind::Unblock(reason),
        });
        Some(u)
    }

    fn walk(mut self, target: Target) -> CriticalPath {
        let ov = self.overview();
        let start = target.start_ns;
        let mut t = target.end_ns;
        let mut g = target.g;
        // Goroutines to go back to (they waited for the one on the path).
        let mut waiters: Vec<GIdx> = Vec::new();
        // Goroutines the path was on at time `at` (no cycles at one time).
        let (mut at, mut here) = (t, vec![g]);
        while t > start {
            if t != at {
                at = t;
                here.clear();
                here.push(g);
            }
            let Some(found) = self.span_at(g, t - 1) else {
                let bounds = self.lane_bounds(g);
                if let Some((_, end)) = bounds.filter(|&(_, end)| t > end) {
                    // After its end (a lost part): nothing known until then.
                    let a = end.max(start);
                    push_rev(&mut self.rev, untraced(g, a, t, Untraced::Lost));
                    t = a;
                    continue;
                }
                let creator = ov.goroutines.creator[g.ix()];
                let first = bounds.map(|b| b.0);
                let creator = creator.filter(|c| first == Some(t) && !here.contains(c));
                if let Some(creator) = creator {
                    self.hops_rev.push(Hop {
                        from: creator,
                        to: g,
                        time_ns: t,
                        kind: HopKind::Create,
                    });
                    g = creator;
                    here.push(g);
                    continue;
                }
                if let Some(w) = waiters.pop() {
                    g = w;
                    continue;
                }
                let why = self.untraced(g, t);
                push_rev(&mut self.rev, untraced(g, start, t, why));
                break;
            };
            let s = found.span;
            let a = s.start.max(start);
            let stack = self.stack_of(g, &found);
            match s.state {
                GoLaneState::Running => self.charge(g, Cause::Running, a, t, stack),
                GoLaneState::Runnable => self.charge(g, Cause::Runnable, a, t, stack),
                GoLaneState::Syscall | GoLaneState::SyscallBlocked => {
                    self.charge(g, Cause::Syscall, a, t, stack);
                }
                GoLaneState::Waiting => {
                    if let Some(u) = self.hop_to_waker(g, t, s.end, &here) {
                        waiters.push(g);
                        g = u;
                        here.push(g);
                        continue;
                    }
                    let reason = self.reason(&found.tile.model, s.reason);
                    self.charge(g, Cause::Blocked(reason), a, t, stack);
                }
            }
            t = a;
        }
        self.rev.reverse();
        self.hops_rev.reverse();
        CriticalPath {
            target,
            segments: self.rev,
            hops: self.hops_rev,
        }
    }
}

fn untraced(g: GIdx, start_ns: Time, end_ns: Time, why: Untraced) -> Segment {
    Segment {
        g,
        start_ns,
        end_ns,
        cause: Cause::Untraced(why),
        stack: 0,
    }
}
