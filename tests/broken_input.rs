//! Broken input: Go's own textual validation cases are accepted or rejected
//! exactly as Go does; truncated traces keep what is complete; bad files
//! get one clear line naming the file, never a panic or a hang.

mod common;

use common::{name, sibling, traces};
use gotraceview::load::{load_bytes, load_path, Progress};
use std::process::Command;
use std::sync::atomic::AtomicBool;

#[test]
fn go_textual_cases_agree_with_go() {
    let cases = traces(&["gotests"]);
    assert!(
        cases.len() >= 20,
        "expected Go's textual cases in testdata/gotests, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for path in &cases {
        let expect = std::fs::read_to_string(sibling(path, ".expect")).expect("expect file");
        let data = std::fs::read(path).expect("read");
        let res = gotraceview::trace::source::for_each_event(&data, |_, _| {});
        let expect = expect.trim();
        if expect == "SUCCESS" {
            if let Err((e, _)) = res {
                failures.push(format!("{}: Go accepts it, we fail: {e}", name(path)));
            }
        } else {
            let pattern = expect
                .strip_prefix("FAILURE")
                .map(|s| s.trim().trim_matches('"'))
                .unwrap_or("");
            let re = regex::Regex::new(pattern).expect("pattern");
            match res {
                Ok(_) => failures.push(format!(
                    "{}: Go rejects it ({pattern}), we accept it",
                    name(path)
                )),
                Err((e, _)) if !re.is_match(&e.message) => failures.push(format!(
                    "{}: wrong error {:?}, want /{pattern}/",
                    name(path),
                    e.message
                )),
                Err(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn load(
    name: &str,
    data: &[u8],
) -> Result<gotraceview::load::LoadedTrace, gotraceview::load::LoadError> {
    load_bytes(name, data, &Progress::default(), &AtomicBool::new(false))
}

#[test]
fn truncated_traces_keep_a_prefix_and_never_panic() {
    let all = traces(&["traces", "v1"]);
    assert!(!all.is_empty());
    for path in &all {
        let data = std::fs::read(path).expect("read");
        let full = load(&name(path), &data).expect("complete trace loads");
        let cuts = 24;
        for i in 0..=cuts {
            let cut = 16 + (data.len() - 16) * i / (cuts + 1);
            match load(&name(path), &data[..cut]) {
                Ok(l) => {
                    assert!(
                        l.trace.meta.events <= full.trace.meta.events,
                        "{} cut at {cut}",
                        name(path)
                    );
                    let Some(loss) = l.trace.meta.loss.as_ref() else {
                        panic!(
                            "{} cut at {cut} of {}: no loss reported, version {}",
                            name(path),
                            data.len(),
                            l.trace.meta.version
                        )
                    };
                    assert!(
                        loss.bytes_lost > 0 && !loss.message.is_empty(),
                        "{} cut at {cut}",
                        name(path)
                    );
                }
                Err(e) => {
                    assert!(e.to_string().starts_with(&name(path)), "{e}");
                    assert!(!e.message.contains('\n'), "one line: {e}");
                }
            }
        }
        // Cutting inside the last generation keeps all the earlier ones.
        if full.trace.meta.generations >= 3 {
            let cut = data.len() - 3;
            let l = load(&name(path), &data[..cut]).expect("earlier generations load");
            assert!(l.trace.meta.generations >= 1, "{}", name(path));
            assert!(l.trace.meta.loss.is_some(), "{}", name(path));
        }
    }
}

#[test]
fn fuzz_regressions_do_not_panic() {
    for (dir, at_least) in [("fuzzseeds", 17), ("fuzz-regressions", 4)] {
        let rd = std::fs::read_dir(common::testdata().join(dir)).expect(dir);
        let mut checked = 0;
        for e in rd.flatten() {
            let data = std::fs::read(e.path()).expect("read");
            if let Ok(l) = load("seed", &data) {
                common::run_analyses(&l);
            }
            // The same bytes as a big trace: overview and every tile.
            tiled_does_not_panic(&e.path());
            checked += 1;
        }
        assert!(checked >= at_least, "{dir}: {checked} inputs checked");
    }
}

/// Loads `path` as an overview with detail tiles (a tiny memory budget)
/// and builds the tile of every generation and of all of them; false if
/// it did not load.
fn tiled_does_not_panic(path: &std::path::Path) -> bool {
    use gotraceview::load::{load_path_with, LoadOptions};
    let Ok(l) = load_path_with(
        path,
        LoadOptions::with_budget(1),
        &Progress::default(),
        &AtomicBool::new(false),
    ) else {
        return false;
    };
    common::run_analyses(&l);
    if let Some(src) = &l.tiles {
        let n = src.gens.len();
        for g in (0..n).map(|k| k..k + 1).chain(std::iter::once(0..n)) {
            let _ = src.build(&l.trace, g, &AtomicBool::new(false));
        }
    }
    true
}

#[test]
fn truncated_traces_load_as_overviews_too() {
    let dir = std::env::temp_dir().join(format!("gotraceview-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (mut cut_files, mut loaded) = (0, 0);
    for path in traces(&["traces"]) {
        let data = std::fs::read(&path).expect("read");
        for i in 1..=6 {
            let cut = data.len() * i / 7;
            let p = dir.join(format!("{}-{cut}", name(&path)));
            std::fs::write(&p, &data[..cut]).expect("write");
            // The overview path loads a cut trace where the whole model does.
            let whole = load(&name(&p), &data[..cut]).is_ok();
            assert_eq!(tiled_does_not_panic(&p), whole, "{}", name(&p));
            loaded += usize::from(whole);
            cut_files += 1;
            let _ = std::fs::remove_file(&p);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(cut_files >= 6 * 60, "cut traces checked: {cut_files}");
    // Most traces are one generation: a cut one is not a trace. The
    // traces of several generations keep their complete ones.
    assert!(loaded >= 30, "{loaded} of {cut_files} cut traces loaded");
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gotraceview"))
}

fn check_fails_with(path: &std::path::Path, needle: &str) {
    let out = binary().arg("check").arg(path).output().expect("run");
    assert!(!out.status.success(), "{} should fail", path.display());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line, got {err:?}");
    assert!(
        err.contains(&path.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains(needle), "says {needle:?}: {err}");
}

#[test]
fn bad_files_get_one_clear_line() {
    let dir = std::env::temp_dir().join(format!("gtv-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let empty = dir.join("empty.trace");
    std::fs::write(&empty, b"").expect("write");
    check_fails_with(&empty, "empty");
    let text = dir.join("notes.txt");
    std::fs::write(&text, b"hello, this is not a trace\n").expect("write");
    check_fails_with(&text, "not a Go execution trace");
    let future = dir.join("future.trace");
    std::fs::write(&future, b"go 1.99 trace\0\0\0\x01\x02").expect("write");
    check_fails_with(&future, "go 1.99");
    check_fails_with(&dir, "directory");
    check_fails_with(&dir.join("missing.trace"), "no such file");
    let header_only = dir.join("header.trace");
    std::fs::write(&header_only, b"go 1.26 trace\0\0\0").expect("write");
    let out = binary()
        .arg("check")
        .arg(&header_only)
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    let _ = std::fs::remove_dir_all(&dir);
    // And the library returns the same one-line errors.
    let e = load_path(
        &dir.join("gone"),
        &Progress::default(),
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(e.to_string().contains("gone"));
}

#[test]
fn a_generation_cut_short_is_left_out_of_the_timeline() {
    // stall_go122 has two generations (Go 1.22 format: no end-of-generation
    // marker, so Go reads a cut generation until ordering fails).
    let path = common::testdata().join("traces/stall_go122.trace");
    let data = std::fs::read(&path).expect("read");
    let mut checked = 0;
    for pct in [80, 90, 97] {
        let cut = &data[..data.len() * pct / 100];
        let mut through_sync = 0u64;
        let mut n = 0u64;
        let res = gotraceview::trace::source::for_each_event(cut, |ev, _| {
            n += 1;
            if ev.typ == gotraceview::trace::EventType::SYNC_EVENT {
                through_sync = n;
            }
        });
        if res.is_ok() || n == through_sync {
            continue; // cut on a boundary: nothing partial to leave out
        }
        let l = load(&name(&path), cut).expect("the first generation loads");
        assert!(l.trace.meta.loss.is_some());
        assert_eq!(
            l.trace.meta.events, through_sync,
            "cut at {pct}%: only complete generations"
        );
        assert_eq!(l.trace.meta.generations, 1);
        checked += 1;
    }
    assert!(checked > 0, "no cut fell inside the second generation");
}
