//! The command line's text output writes durations, counts and goroutines
//! the way the window does (`gotraceview::format`): `check`, `stats`,
//! `findings` and `critical-path` on a committed trace.

mod common;

use gotraceview::format;
use regex::Regex;
use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gotraceview"))
        .args(args)
        .output()
        .expect("run gotraceview");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The durations written in `text`, and the ones written in another style
/// ("1.234ms", "12.3 ms", "5 us").
fn durations(text: &str) -> (usize, Vec<String>) {
    let ours = Regex::new(r"(^|[^\w.])(-?\d+ ns|-?\d+\.\d{3} (µs|ms|s))\b").unwrap();
    let any = Regex::new(r"-?\d+(\.\d+)? ?(ns|µs|us|ms|s)\b").unwrap();
    let good = ours.find_iter(text).count();
    let all: Vec<String> = any
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    let bad = all
        .iter()
        .filter(|d| {
            !Regex::new(r"^(-?\d+ ns|-?\d+\.\d{3} (µs|ms|s))$")
                .unwrap()
                .is_match(d)
        })
        .cloned()
        .collect();
    (good, bad)
}

#[test]
fn every_text_command_writes_durations_in_one_style() {
    let trace = common::testdata().join("traces/whyslow_go127.trace");
    let file = trace.to_str().expect("path");
    let mut checked = 0;
    for args in [
        vec!["check", file],
        vec!["stats", file],
        vec!["findings", file],
        vec!["critical-path", file, "--goroutine", "1"],
    ] {
        let text = run(&args);
        let (good, bad) = durations(&text);
        assert!(bad.is_empty(), "{args:?} writes {bad:?}:\n{text}");
        assert!(good > 0, "{args:?} writes no duration:\n{text}");
        checked += good;
    }
    assert!(checked > 20, "only {checked} durations checked");
}

#[test]
fn check_says_what_the_window_says() {
    let trace = common::testdata().join("traces/whyslow_go127.trace");
    let l = common::load(&trace);
    let line = run(&["check", trace.to_str().expect("path")]);
    let t = &l.trace;
    assert!(
        line.contains(&format!("duration {}", format::duration(t.duration()))),
        "{line}"
    );
    assert!(
        line.contains(&format!("{} events", format::count(t.meta.events))),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "{} goroutines",
            format::count(t.goroutines.len() as u64)
        )),
        "{line}"
    );
}
