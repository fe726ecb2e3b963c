//! Blocking profiles equal `go tool trace -pprof=TYPE` on every committed
//! trace (total waits and total delay), and what we write is a pprof
//! profile that decodes back to the same totals.

mod common;

use common::{name, sibling, traces};
use gotraceview::analysis::pprof::{decode, encode_gzipped, to_pprof};
use gotraceview::analysis::profiles::{ProfileKind, ProfileScope};
use gotraceview::load::{load_bytes, Progress};
use std::sync::atomic::AtomicBool;

/// The profile of `kind` over the whole trace.
fn profile(
    l: &gotraceview::load::LoadedTrace,
    kind: ProfileKind,
) -> gotraceview::analysis::profiles::Profile {
    l.blocking_profile(
        kind,
        &ProfileScope::All,
        &AtomicBool::new(false),
        &|_, _| {},
    )
    .expect("profile")
    .profile
}

#[test]
fn blocking_profiles_match_go_tool_trace() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in traces(&["traces", "v1"]) {
        let Ok(expect) = std::fs::read_to_string(sibling(&path, ".pprof.json")) else {
            continue;
        };
        let data = std::fs::read(&path).expect("read");
        let Ok(l) = load_bytes(
            &name(&path),
            &data,
            &Progress::default(),
            &AtomicBool::new(false),
        ) else {
            failures.push(format!("{}: does not load", name(&path)));
            continue;
        };
        for line in expect.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            if v.get("error").is_some() {
                continue;
            }
            let kind = ProfileKind::parse(v["type"].as_str().unwrap_or("")).expect("type");
            let p = profile(&l, kind);
            let (count, delay) = (
                v["contentions/count"].as_u64().unwrap_or(0),
                v["delay/nanoseconds"].as_i64().unwrap_or(0),
            );
            let samples = v["samples"].as_u64().unwrap_or(0) as usize;
            if p.total_count() != count || p.total_delay_ns() != delay || p.records.len() != samples
            {
                failures.push(format!(
                    "{} {}: ours {} waits {} ns {} stacks, go {count} waits {delay} ns {samples} stacks",
                    name(&path),
                    kind.name(),
                    p.total_count(),
                    p.total_delay_ns(),
                    p.records.len()
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} profiles differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 40, "only {checked} profiles checked");
}

#[test]
fn written_pprof_decodes_to_the_same_profile() {
    let path = common::testdata().join("traces/stall_go127.trace");
    let data = std::fs::read(&path).expect("read");
    let l = load_bytes(
        "stall",
        &data,
        &Progress::default(),
        &AtomicBool::new(false),
    )
    .expect("load");
    let p = profile(&l, ProfileKind::Sync);
    assert!(p.total_count() > 0);
    let bytes = encode_gzipped(&to_pprof(&l.trace, &p));
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzipped");
    let back = decode(&bytes).expect("decodes");
    let st: Vec<(&str, &str)> = back
        .sample_type
        .iter()
        .map(|v| {
            (
                back.string_table[v.r#type as usize].as_str(),
                back.string_table[v.unit as usize].as_str(),
            )
        })
        .collect();
    assert_eq!(st, [("contentions", "count"), ("delay", "nanoseconds")]);
    let count: i64 = back.sample.iter().map(|s| s.value[0]).sum();
    let delay: i64 = back.sample.iter().map(|s| s.value[1]).sum();
    assert_eq!(count as u64, p.total_count());
    assert_eq!(delay, p.total_delay_ns());
    // Every sample's stack resolves to functions with names.
    for s in &back.sample {
        for id in &s.location_id {
            let loc = &back.location[*id as usize - 1];
            let f = &back.function[loc.line[0].function_id as usize - 1];
            assert!(!back.string_table[f.name as usize].is_empty());
        }
    }
    // The stalled goroutines wait in main.wait's select.
    let top = &back.sample[0];
    let names: Vec<&str> = top
        .location_id
        .iter()
        .map(|id| {
            let loc = &back.location[*id as usize - 1];
            back.string_table[back.function[loc.line[0].function_id as usize - 1].name as usize]
                .as_str()
        })
        .collect();
    assert!(names.contains(&"main.wait"), "top sync stack {names:?}");
}
