//! The JSON of `gotraceview critical-path --json`: a path's target,
//! segments, totals by state and by goroutine; or, with `--all`, the
//! totals over every instance.

use super::{Aggregate, CriticalPath, HopKind, PathState, TargetKind};
use crate::analysis::frames::user_frame_text;
use crate::model::{GIdx, Trace};
use crate::trace::Time;
use serde_json::{json, Map, Value};

/// `{"running": ns, "runnable": ns, ...}` of totals by state.
fn totals_json(totals: &[Time; 5]) -> Value {
    let mut m = Map::new();
    for s in PathState::ALL {
        m.insert(s.name().into(), json!(totals[s as usize]));
    }
    Value::Object(m)
}

/// The target of a path: goroutine, interval, and the region or task.
fn target_json(trace: &Trace, p: &CriticalPath) -> Value {
    let t = &p.target;
    let mut v = json!({
        "goroutine": trace.goroutines.id(t.g).0,
        "start_ns": t.start_ns,
        "end_ns": t.end_ns,
    });
    match t.kind {
        TargetKind::Goroutine => {}
        TargetKind::Region(i) => {
            v["region"] = json!(trace.str(trace.regions[i as usize].name));
        }
        TargetKind::Task(i) => {
            let task = &trace.tasks[i as usize];
            v["task"] = json!(trace.str(task.name));
            v["task_id"] = json!(task.id.0);
        }
    }
    v
}

/// The whole path as JSON (plus `frame` per segment and the hops).
pub fn path_json(trace: &Trace, p: &CriticalPath) -> Value {
    let gid = |g: GIdx| crate::analysis::report::go_id(trace, g);
    let segments: Vec<Value> = p
        .segments
        .iter()
        .map(|s| {
            json!({
                "goroutine": gid(s.g),
                "start_ns": s.start_ns,
                "end_ns": s.end_ns,
                "state": s.cause.state().name(),
                "reason": s.cause.reason(trace),
                "function": trace.str(trace.goroutines.name(s.g)),
                "frame": user_frame_text(trace, s.stack),
            })
        })
        .collect();
    let hops: Vec<Value> = p
        .hops
        .iter()
        .map(|h| {
            let (kind, reason) = match h.kind {
                HopKind::Unblock(r) => ("unblock", trace.reason(r)),
                HopKind::Create => ("create", ""),
            };
            json!({"from": gid(h.from), "to": gid(h.to), "time_ns": h.time_ns,
                   "kind": kind, "reason": reason})
        })
        .collect();
    let mut by_g = Map::new();
    for (g, d) in p.by_goroutine_ns() {
        by_g.insert(gid(g).to_string(), json!(d));
    }
    json!({
        "target": target_json(trace, p),
        "segments": segments,
        "totals_ns": totals_json(&p.totals_ns()),
        "by_goroutine_ns": by_g,
        "hops": hops,
    })
}

/// Totals over instances (`--all`): `what` names them (`{"region": "request"}`).
pub fn aggregate_json(trace: &Trace, what: Value, a: &Aggregate) -> Value {
    let mut by_cause = Map::new();
    for &(c, d) in &a.by_cause_ns {
        by_cause.insert(c.label(trace), json!(d));
    }
    let mut by_fn = Map::new();
    for &(f, d) in &a.by_function_ns {
        by_fn.insert(trace.str(f).to_string(), json!(d));
    }
    json!({
        "target": what,
        "instances": a.instances,
        "duration_ns": a.duration_ns,
        "totals_ns": totals_json(&a.totals_ns),
        "by_cause_ns": by_cause,
        "by_function_ns": by_fn,
        "hops": a.hops,
    })
}
