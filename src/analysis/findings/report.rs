//! The JSON of `gotraceview findings --json` and the wording of the
//! findings' one-line texts.

use super::Findings;
use crate::model::{GIdx, Trace};
use crate::trace::Time;
use serde_json::{json, Value};

/// Durations in the findings' texts are written as everywhere else.
pub use crate::format::duration as duration_text;

/// "12.340 ms into the trace" for time `t`.
pub fn at_text(trace: &Trace, t: Time) -> String {
    format!("{} into the trace", duration_text(t - trace.meta.start))
}

/// `{"findings": [...], "notes": [...]}`: the findings as JSON, plus a note
/// for each kind with nothing to report.
pub fn findings_json(trace: &Trace, f: &Findings) -> Value {
    let gid = |g: GIdx| crate::analysis::report::go_id(trace, g);
    let findings: Vec<Value> = f
        .findings
        .iter()
        .map(|x| {
            json!({
                "kind": x.kind.name(),
                "start_ns": x.start_ns,
                "end_ns": x.end_ns,
                "duration_ns": x.duration_ns,
                "count": x.count,
                "function": x.function,
                "goroutines": x.goroutines.iter().map(|&g| gid(g)).collect::<Vec<_>>(),
                "text": x.text,
                "impact_ns": x.impact_ns,
            })
        })
        .collect();
    let notes: Vec<Value> = f
        .notes
        .iter()
        .map(|(k, t)| json!({"kind": k.name(), "text": t}))
        .collect();
    json!({ "findings": findings, "notes": notes })
}
