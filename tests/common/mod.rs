//! Shared helpers for the integration tests: finding committed traces and
//! reading the expected figures Go's own tools wrote next to them.

#![expect(dead_code, reason = "each test binary uses some of these helpers")]

use std::io::Read;
use std::path::{Path, PathBuf};

/// The crate's testdata directory.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Every `*.trace` in the given testdata subdirectories, sorted.
pub fn traces(dirs: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(testdata().join(d)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "trace") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The file next to `trace` with its `.trace` extension replaced by `suffix`.
pub fn sibling(trace: &Path, suffix: &str) -> PathBuf {
    let s = trace.to_string_lossy();
    PathBuf::from(format!("{}{}", s.trim_end_matches(".trace"), suffix))
}

/// Reads a gzipped JSON file.
pub fn read_json_gz(path: &Path) -> Option<serde_json::Value> {
    let f = std::fs::File::open(path).ok()?;
    let mut s = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut s)
        .ok()?;
    serde_json::from_str(&s).ok()
}

/// Short name of a trace for messages.
pub fn name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs every analysis over a loaded trace (what the fuzz target does).
pub fn run_analyses(l: &gotraceview::load::LoadedTrace) {
    use gotraceview::analysis::{goroutines, mmu, profiles};
    if let Some(s) = l.summary() {
        let _ = goroutines::group_table(s);
    }
    let _ = l.group_table();
    for k in profiles::ProfileKind::ALL {
        let no = std::sync::atomic::AtomicBool::new(false);
        let _ = l.blocking_profile(k, &profiles::ProfileScope::All, &no, &|_, _| {});
    }
    let curve = mmu::MmuCurve::new(mmu::mutator_utilization(&l.gc_log, mmu::UtilFlags::DEFAULT));
    if !curve.is_empty() {
        let _ = curve.mmu(1_000_000);
    }
}

/// Loads a trace file (failing the test if it cannot).
pub fn load(path: &Path) -> gotraceview::load::LoadedTrace {
    use gotraceview::load::{load_bytes, Progress};
    let data = std::fs::read(path).expect("read");
    load_bytes(
        &name(path),
        &data,
        &Progress::default(),
        &std::sync::atomic::AtomicBool::new(false),
    )
    .expect("load")
}

/// The committed traces of one scenario (`whyslow_` ...), every Go version.
pub fn scenario(prefix: &str) -> Vec<PathBuf> {
    let v: Vec<_> = traces(&["traces"])
        .into_iter()
        .filter(|p| name(p).starts_with(prefix))
        .collect();
    assert!(v.len() >= 7, "{prefix} traces of every Go version: {v:?}");
    v
}

/// The trace at `path` loaded with every goroutine's figures and the given
/// memory budget (small enough, it loads as an overview plus tiles).
pub fn load_with_budget(path: &Path, memory_budget: u64) -> gotraceview::load::LoadedTrace {
    use gotraceview::load::{load_path_with, LoadOptions, Progress};
    let options = LoadOptions {
        memory_budget,
        per_goroutine: true,
        ..LoadOptions::with_budget(memory_budget)
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    load_path_with(path, options, &Progress::default(), &cancel).unwrap_or_else(|e| panic!("{e}"))
}
