//! Live capture and the watched folder, against a loopback server that
//! answers `/debug/pprof/trace` with a committed trace (CI has no Go; the
//! Go program in testdata/gen/pprofserver.go serves the real endpoint,
//! see `capture_from_a_real_go_program`).

use super::{harness, run_until, serve, temp_dir, trace_path};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::capture::{CaptureJob, Phase};
use crate::ui::dirs::AppDirs;
use crate::ui::recent::RecentFiles;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use std::time::Duration;

/// An app with no trace and the Capture window open (on the tab bar's
/// button), its endpoint set to `url` (1 s) when given.
fn capture_window(
    dir: &std::path::Path,
    url: Option<String>,
) -> egui_kittest::Harness<'static, GoTraceApp> {
    let mut h = harness(GoTraceApp::with_dirs(
        &[],
        RecentFiles::default(),
        AppDirs::under(dir),
    ));
    h.run();
    h.get_all_by_label("Capture…")
        .next()
        .expect("Capture…")
        .click();
    h.run();
    if let Some(url) = url {
        h.state_mut().live.settings.url = url;
        h.state_mut().live.settings.seconds = 1;
    }
    h
}

fn captures(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("captures"))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn ready_tabs(a: &GoTraceApp) -> usize {
    a.tabs.iter().filter(|t| matches!(t, Tab::Ready(_))).count()
}

#[test]
fn capture_writes_a_file_and_opens_a_tab() {
    let dir = temp_dir("capture");
    let body = std::fs::read(trace_path("gc_go125.trace")).expect("trace");
    let (addr, seen) = serve(body.clone(), 1, Duration::from_millis(300));
    let mut h = capture_window(&dir, Some(format!("http://{addr}/debug/pprof/trace")));
    h.get_by_label("Start capture").click();
    // Two frames (the click, then the new state), not `run`: the capture
    // thread asks for repaints until it ends.
    h.run_steps(2);
    h.get_by_label("Stop");
    assert!(run_until(&mut h, Duration::from_secs(60), |a| ready_tabs(
        a
    ) == 1));
    assert_eq!(
        seen.lock().expect("log").as_slice(),
        ["GET /debug/pprof/trace?seconds=1 HTTP/1.1"]
    );
    let files = captures(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).expect("capture"), body);
    assert_eq!(
        h.state().tabs[0].source_name(),
        files[0].display().to_string()
    );
    h.get_by_label("Start capture");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn repeated_captures_keep_the_last_k() {
    let dir = temp_dir("capture-repeat");
    let body = std::fs::read(trace_path("gc_go125.trace")).expect("trace");
    let (addr, seen) = serve(body, 3, Duration::ZERO);
    let mut h = capture_window(&dir, Some(format!("http://{addr}/debug/pprof/trace")));
    {
        let s = &mut h.state_mut().live.settings;
        (s.repeat, s.every_s, s.keep) = (true, 3, 2);
    }
    h.get_by_label("Start capture").click();
    // Two frames (the click, then the new state), not `run`: the capture
    // thread asks for repaints until it ends.
    h.run_steps(2);
    // Between captures: a countdown to the next.
    assert!(run_until(&mut h, Duration::from_secs(60), |a| {
        a.live.job.as_ref().is_some_and(|j| j.kept.len() == 1)
    }));
    h.get_by_label_contains("next capture in");
    assert!(run_until(&mut h, Duration::from_secs(60), |_| seen
        .lock()
        .expect("log")
        .len()
        == 3));
    assert!(run_until(&mut h, Duration::from_secs(60), |a| {
        a.live.job.as_ref().is_some_and(|j| j.kept.len() == 2) && ready_tabs(a) == 2
    }));
    h.get_by_label("Stop").click();
    h.run_steps(2);
    assert_eq!(
        h.state().live.job.as_ref().map(CaptureJob::phase),
        Some(Phase::Finished)
    );
    assert_eq!(captures(&dir).len(), 2, "the oldest was removed");
    assert_eq!(h.state().tabs.len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn stop_ends_a_capture_in_flight_without_a_tab_or_a_file() {
    let dir = temp_dir("capture-stop");
    let (addr, _) = serve(vec![b'x'; 10], 1, Duration::from_secs(3));
    let mut h = capture_window(&dir, Some(format!("http://{addr}/debug/pprof/trace")));
    h.state_mut().live.settings.seconds = 5;
    h.get_by_label("Start capture").click();
    // Two frames (the click, then the new state), not `run`: the capture
    // thread asks for repaints until it ends.
    h.run_steps(2);
    h.get_by_label_contains("capturing:");
    h.get_by_label("Stop").click();
    h.run_steps(2);
    h.get_by_label("Start capture");
    std::thread::sleep(Duration::from_secs(4));
    h.run();
    assert!(h.state().tabs.is_empty());
    assert!(captures(&dir).is_empty(), "{:?}", captures(&dir));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_watched_folder_opens_each_new_trace() {
    let dir = temp_dir("watch");
    let watched = dir.join("snapshots");
    std::fs::create_dir_all(&watched).expect("dir");
    std::fs::write(watched.join("old.trace"), b"go 1.25 trace\0\0\0").expect("old");
    let mut h = capture_window(&dir, None);
    h.state_mut().live.watch_text = watched.display().to_string();
    h.get_by_label("Watch").click();
    h.run();
    h.get_by_label_contains("watching ");
    std::fs::copy(trace_path("gc_go125.trace"), watched.join("snap1.trace")).expect("copy");
    std::fs::write(watched.join("notes.txt"), b"not a trace").expect("txt");
    assert!(run_until(&mut h, Duration::from_secs(30), |a| ready_tabs(
        a
    ) == 1));
    assert!(h.state().tabs[0].source_name().ends_with("snap1.trace"));
    h.get_by_label_contains("New trace in");
    std::thread::sleep(Duration::from_millis(1500));
    h.run();
    assert_eq!(
        h.state().tabs.len(),
        1,
        "neither the old file nor a text file"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The Go toolchain to run testdata/gen/pprofserver with: `$GOTRACEVIEW_GO`
/// or `go` on the PATH.
fn go_command() -> String {
    std::env::var("GOTRACEVIEW_GO").unwrap_or_else(|_| "go".into())
}

#[test]
#[ignore = "needs a Go toolchain (CI has none): GOTRACEVIEW_GO=/path/to/go cargo test capture_from_a_real_go_program -- --ignored"]
fn capture_from_a_real_go_program() {
    use std::io::BufRead;
    let dir = temp_dir("capture-go");
    let mut child = std::process::Command::new(go_command())
        .args(["run", "./testdata/gen/pprofserver"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("go run");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the server's address");
    let url = first.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let mut h = capture_window(&dir, Some(url));
    h.get_by_label("Start capture").click();
    // Two frames (the click, then the new state), not `run`: the capture
    // thread asks for repaints until it ends.
    h.run_steps(2);
    let opened = run_until(&mut h, Duration::from_secs(120), |a| ready_tabs(a) == 1);
    drop(child.stdin.take());
    let _ = child.wait();
    assert!(opened, "{:?}", h.state().errors);
    let Some(Tab::Ready(v)) = h.state().tabs.first() else {
        panic!("no trace")
    };
    let t = v.data.whole();
    assert!(
        t.groups
            .iter()
            .any(|g| t.str(g.name) == "main.worker" && g.members.len() == 4),
        "the program's four workers are in the capture"
    );
    assert_eq!(captures(&dir).len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}
