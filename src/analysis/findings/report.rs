//! The JSON of `gotraceview findings --json` and the wording of the
//! findings' one-line texts.

use super::Findings;
use crate::model::Trace;
use crate::trace::Time;
use serde_json::{json, Value};

/// A duration for the findings' texts: "1.234 s", "12.3 ms", "45.6 µs", "78 ns".
pub fn duration_text(ns: Time) -> String {
    let v = ns as f64;
    match ns.unsigned_abs() {
        a if a >= 1_000_000_000 => format!("{:.3} s", v / 1e9),
        a if a >= 1_000_000 => format!("{:.1} ms", v / 1e6),
        a if a >= 1_000 => format!("{:.1} µs", v / 1e3),
        _ => format!("{ns} ns"),
    }
}

/// "12.3 ms into the trace" for time `t`.
pub fn at_text(trace: &Trace, t: Time) -> String {
    format!("{} into the trace", duration_text(t - trace.meta.start))
}

/// `{"findings": [...], "notes": [...]}`: the JSON, plus a note
/// for each kind with nothing to report.
pub fn findings_json(trace: &Trace, f: &Findings) -> Value {
    let gid = |g: u32| trace.goroutines.try_id(g as usize).unwrap_or(-1);
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

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(1_234_000_000), "1.234 s");
        assert_eq!(duration_text(12_340_000), "12.3 ms");
        assert_eq!(duration_text(45_600), "45.6 µs");
        assert_eq!(duration_text(78), "78 ns");
    }
}
