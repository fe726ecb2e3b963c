//! Charging a piece of the path to its causes: running time split by the
//! GC work the goroutine was charged (mark assist, sweep) and by
//! stop-the-world pauses, runnable time split by stop-the-world pauses.

use super::{Cause, Segment};
use crate::model::{GIdx, IntervalKind, Trace};
use crate::trace::Time;

/// GC overlays of `[a, b)` for a piece of `base` on goroutine `g`, in time
/// order, not overlapping: `(start, end, cause)`.
fn overlays(
    trace: &Trace,
    g: GIdx,
    base: Cause,
    a: Time,
    b: Time,
    out: &mut Vec<(Time, Time, Cause)>,
) {
    out.clear();
    if !matches!(base, Cause::Running | Cause::Runnable) {
        return;
    }
    // Pauses are sorted by start; one that began before `a` may still run.
    let stw = &trace.stw;
    let mut first = stw.partition_point(|r| r.start < a);
    while first > 0 && stw[first - 1].end > a {
        first -= 1;
    }
    for r in stw[first..].iter().take_while(|r| r.start < b) {
        out.push((r.start.max(a), r.end.min(b), Cause::Stw(r.reason)));
    }
    if base == Cause::Running {
        let work = trace.gc_work_of(g);
        let mut first = work.partition_point(|w| w.start < a);
        while first > 0 && work[first - 1].end > a {
            first -= 1;
        }
        for w in work[first..].iter().take_while(|w| w.start < b) {
            let cause = if w.kind == IntervalKind::Sweep {
                Cause::Sweep
            } else {
                Cause::MarkAssist
            };
            out.push((w.start.max(a), w.end.min(b), cause));
        }
    }
    out.sort_by_key(|o| o.0);
    // Where a pause and GC work overlap, the one that began first keeps
    // the overlap.
    let mut covered = a;
    out.retain_mut(|o| {
        o.0 = o.0.max(covered);
        if o.1 <= o.0 {
            return false;
        }
        covered = o.1;
        true
    });
}

/// Pushes `piece` onto `rev`, split where GC overlays its cause, in
/// reverse time order (the walk goes backwards). `scratch` is reused
/// between calls.
pub(super) fn charge_rev(
    trace: &Trace,
    piece: Segment,
    scratch: &mut Vec<(Time, Time, Cause)>,
    rev: &mut Vec<Segment>,
) {
    let (a, b, base) = (piece.start_ns, piece.end_ns, piece.cause);
    if b <= a {
        return;
    }
    overlays(trace, piece.g, base, a, b, scratch);
    let seg = |start_ns, end_ns, cause| Segment {
        start_ns,
        end_ns,
        cause,
        ..piece
    };
    let mut t = b;
    for &(s, e, cause) in scratch.iter().rev() {
        if e < t {
            push_rev(rev, seg(e, t, base));
        }
        push_rev(rev, seg(s, e, cause));
        t = s;
    }
    if a < t {
        push_rev(rev, seg(a, t, base));
    }
}

/// Pushes `s`, merging it into the last pushed segment (which follows it
/// in time) when both are the same goroutine, cause and stack.
pub(super) fn push_rev(rev: &mut Vec<Segment>, s: Segment) {
    if s.end_ns <= s.start_ns {
        return;
    }
    if let Some(last) = rev.last_mut() {
        if last.g == s.g
            && last.cause == s.cause
            && last.stack == s.stack
            && last.start_ns == s.end_ns
        {
            last.start_ns = s.start_ns;
            return;
        }
    }
    rev.push(s);
}
