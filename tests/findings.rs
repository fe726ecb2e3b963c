//! Findings on traces whose trouble is known by construction
//! (`testdata/gen/whyslow.go`, every Go version): 25 goroutines leaked in a
//! channel receive and 7 on a mutex, victims starved by a CPU hog with
//! GOMAXPROCS=1, a 20 ms nanosleep, 2500 relays blocked receiving; and the
//! `findings --json` schema.

mod common;

use gotraceview::analysis::findings::{findings_json, FindingKind, Findings, MAX_GOROUTINES};
use gotraceview::load::LoadedTrace;
use gotraceview::trace::GoId;
use std::sync::atomic::AtomicBool;

/// The findings of a loaded trace.
fn findings(l: &LoadedTrace) -> Findings {
    l.findings(&AtomicBool::new(false), &|_, _| {})
        .expect("findings")
}
use std::collections::BTreeSet;

const MS: i64 = 1_000_000;

#[test]
fn whyslow_findings_name_the_leaks_the_starved_victims_the_syscall_and_the_relays() {
    for path in common::scenario("whyslow_") {
        let name = common::name(&path);
        let l = common::load(&path);
        let t = &l.trace;
        let f = findings(&l);
        // Never silently empty: every kind has findings or a note.
        for k in FindingKind::ALL {
            assert!(
                f.of(k).next().is_some() != f.notes.iter().any(|n| n.0 == k),
                "{name}: {} has findings xor a note",
                k.name()
            );
        }
        let leaks: Vec<(String, u64)> = f
            .of(FindingKind::Leak)
            .map(|x| (x.function.clone(), x.count))
            .collect();
        assert_eq!(
            leaks,
            vec![
                ("main.leakyRecv".to_string(), 25),
                ("main.leakyLock".to_string(), 7)
            ],
            "{name}"
        );
        for x in f.of(FindingKind::Leak) {
            assert_eq!(x.end_ns, t.meta.end, "{name}: blocked until the end");
            assert!(x.goroutines.len() as u64 == x.count.min(MAX_GOROUTINES as u64));
        }
        // The hog kept the only P for its 10 ms slice: the victims waited.
        let victim = f
            .of(FindingKind::SchedLatency)
            .find(|x| x.function == "main.victim")
            .unwrap_or_else(|| panic!("{name}: no victim latency"));
        assert!(victim.duration_ns >= 5 * MS, "{name}: {}", victim.text);
        assert_eq!(victim.duration_ns, victim.end_ns - victim.start_ns);
        // The longest syscall is the 20 ms nanosleep. (A v1 trace times a
        // syscall only if it lost its P, which sysmon may not have done.)
        let v1 = name.contains("go119") || name.contains("go121");
        let sys = f.of(FindingKind::Syscall).next().expect("a syscall");
        if !v1 || sys.duration_ns >= MS {
            assert_eq!(sys.function, "main.sleeper", "{name}: {}", sys.text);
            assert!(
                (20 * MS..40 * MS).contains(&sys.duration_ns),
                "{name}: {}",
                sys.text
            );
        }
        // Most blocked time: the 2500 relays waiting for the token.
        let c = f.of(FindingKind::Contention).next().expect("contention");
        assert_eq!(
            (c.function.as_str(), c.count),
            ("main.relay", 2500),
            "{name}"
        );
        assert!(c.text.contains("main.relay"), "{name}: {}", c.text);
        // Go >= 1.22 traces carry stop-the-world reasons: GOMAXPROCS twice.
        if !v1 {
            let gomaxprocs = f
                .of(FindingKind::Stw)
                .filter(|x| x.text.contains("GOMAXPROCS"))
                .count();
            assert!(gomaxprocs >= 2, "{name}: GOMAXPROCS pauses {gomaxprocs}");
        }
        // Ranked by impact.
        assert!(f
            .findings
            .windows(2)
            .all(|w| w[0].impact_ns >= w[1].impact_ns));
    }
}

#[test]
fn findings_json_has_the_issue_schema() {
    let path = common::testdata().join("traces/whyslow_go127.trace");
    let l = common::load(&path);
    let t = &l.trace;
    let v = findings_json(t, &findings(&l));
    let list = v["findings"].as_array().expect("findings");
    assert!(!list.is_empty());
    let kinds: BTreeSet<&str> = list.iter().filter_map(|x| x["kind"].as_str()).collect();
    for k in ["leak", "sched-latency", "stw", "syscall", "contention"] {
        assert!(kinds.contains(k), "{k} in {kinds:?}");
    }
    for x in list {
        for key in ["start_ns", "end_ns", "duration_ns", "count"] {
            assert!(x[key].is_i64() || x[key].is_u64(), "{key} of {x}");
        }
        assert!(x["function"].is_string() && x["text"].is_string(), "{x}");
        let gs = x["goroutines"].as_array().expect("goroutines");
        assert!(gs.len() <= 20);
        for g in gs {
            let id = g.as_i64().expect("a goroutine id");
            assert!(t.goroutines.find(GoId(id)).is_some(), "G{id} exists");
        }
        assert!(x["start_ns"].as_i64() <= x["end_ns"].as_i64());
    }
    // gc: no mark assist in this run, said in a note.
    let notes = v["notes"].as_array().expect("notes");
    assert!(kinds.contains("gc") || notes.iter().any(|n| n["kind"] == "gc"));
}

#[test]
fn every_committed_trace_gets_findings_without_failing() {
    let all = common::traces(&["traces", "v1"]);
    assert!(all.len() >= 60, "committed traces found: {}", all.len());
    for path in all {
        let l = common::load(&path);
        let f = findings(&l);
        assert!(
            !f.findings.is_empty() || f.notes.len() == FindingKind::ALL.len(),
            "{}",
            common::name(&path)
        );
        for x in &f.findings {
            assert!(x.start_ns <= x.end_ns, "{}: {x:?}", common::name(&path));
            assert!(x.goroutines.len() <= MAX_GOROUTINES);
        }
    }
}
