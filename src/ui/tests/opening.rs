//! Opening traces: start screen, dropped files, errors, URLs, help.

use super::{harness, serve, settle, temp_dir, trace_path};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::dirs::AppDirs;
use crate::ui::loader::Source;
use crate::ui::recent::RecentFiles;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug)]
struct TestDrop(PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn the_start_screen_offers_open_and_the_drop_hint() {
    let mut h = harness(GoTraceApp::new(&[], RecentFiles::default()));
    h.run();
    assert_eq!(
        h.get_all_by_label("Open trace…").count(),
        2,
        "menu bar and start screen"
    );
    h.get_by_label_contains("drop trace files");
}

#[test]
fn a_dropped_file_opens_in_a_new_tab() {
    let mut h = harness(GoTraceApp::new(&[], RecentFiles::default()));
    h.run();
    h.input_mut()
        .dropped_files
        .push(Arc::new(TestDrop(PathBuf::from(trace_path(
            "gc_go125.trace",
        )))));
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(h.state().tabs.len(), 1);
    assert!(matches!(h.state().tabs[0], Tab::Ready(_)));
    h.get_by_label("Timeline");
}

#[test]
fn a_broken_file_shows_the_one_line_error_and_the_app_stays_usable() {
    let bad = format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    let mut h = harness(GoTraceApp::new(
        std::slice::from_ref(&bad),
        RecentFiles::default(),
    ));
    settle(&mut h);
    assert!(h.state().tabs.is_empty());
    assert_eq!(h.state().errors.len(), 1);
    assert!(
        h.state().errors[0].starts_with(&format!("{bad}: ")),
        "{:?}",
        h.state().errors
    );
    h.get_by_label_contains("Cargo.toml: ");
    // Still usable: the start screen is there and a good trace opens.
    h.get_by_label_contains("drop trace files");
    h.state_mut()
        .open(Source::from_arg(&trace_path("gc_go125.trace")), None);
    settle(&mut h);
    assert!(matches!(h.state().tabs[0], Tab::Ready(_)));
}

#[test]
fn a_file_cut_while_it_loads_says_so_in_one_line_and_the_app_stays_usable() {
    use crate::load::cut_under_load::{plan, Change};
    let dir = temp_dir("cut-while-loading");
    let path = dir.join("out.trace");
    let body = std::fs::read(trace_path("gens_go127.trace")).expect("test trace");
    std::fs::write(&path, &body).expect("copy");
    // How many reads a load makes; then the same load, the file cut to
    // half (`go test -trace` running again) before the read of its third
    // generation's events, the next to last read.
    let count = plan(&path, usize::MAX, Change::Truncate(0));
    crate::load::load_path(
        &path,
        &crate::load::Progress::default(),
        &std::sync::atomic::AtomicBool::new(false),
    )
    .expect("the file loads");
    let reads = count.reads.load(std::sync::atomic::Ordering::SeqCst);
    let cut = plan(&path, reads - 2, Change::Truncate(body.len() as u64 / 2));
    let mut h = harness(GoTraceApp::new(
        &[path.display().to_string()],
        RecentFiles::default(),
    ));
    settle(&mut h);
    assert!(cut.changed.load(std::sync::atomic::Ordering::SeqCst));
    assert!(h.state().tabs.is_empty());
    let line = format!("{}: {}", path.display(), crate::load::CHANGED_WHILE_READ);
    assert_eq!(h.state().errors, std::slice::from_ref(&line));
    h.get_by_label_contains(&line);
    // Still usable: the file as it is now opens, its loss stated.
    h.state_mut().open(Source::Path(path.clone()), None);
    settle(&mut h);
    assert!(matches!(h.state().tabs[..], [Tab::Ready(_)]));
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    h.get_by_label_contains("Warning: this trace is incomplete");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn opening_a_url_streams_the_trace_to_the_captures_folder() {
    let body = std::fs::read(trace_path("stall_go125.trace")).expect("test trace");
    let (addr, seen) = serve(body.clone(), 1, Duration::ZERO);
    let url = format!("http://{addr}/debug/pprof/trace?seconds=1");
    let dir = temp_dir("url");
    let mut h = harness(GoTraceApp::with_dirs(
        std::slice::from_ref(&url),
        RecentFiles::default(),
        AppDirs::under(&dir),
    ));
    settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert!(matches!(h.state().tabs[0], Tab::Ready(_)));
    assert_eq!(h.state().tabs[0].source_name(), url);
    h.get_by_role_and_label(egui::Role::Button, "GC");
    assert_eq!(seen.lock().expect("log").len(), 1);
    // On disk, complete, named by host and time; nothing left half-written.
    let files: Vec<_> = std::fs::read_dir(dir.join("captures"))
        .expect("captures folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("127.0.0.1_{}-", addr.port())) && name.ends_with(".trace"),
        "{name}"
    );
    assert_eq!(std::fs::read(&files[0]).expect("capture"), body);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_refused_url_is_an_error_in_the_window() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = format!("http://{addr}/debug/pprof/trace");
    let mut h = harness(GoTraceApp::new(
        std::slice::from_ref(&url),
        RecentFiles::default(),
    ));
    settle(&mut h);
    assert_eq!(h.state().errors.len(), 1);
    assert!(h.state().errors[0].starts_with(&url));
}

#[test]
fn pressing_question_mark_shows_every_shortcut() {
    let mut h = harness(GoTraceApp::new(&[], RecentFiles::default()));
    h.run();
    h.event(egui::Event::Text("?".into()));
    h.run();
    assert!(h.state().help_open);
    h.get_by_label("Keyboard and mouse");
    h.get_by_label_contains("Shift + drag");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().help_open);
}

#[test]
fn recent_files_keep_absolute_paths_and_say_when_a_file_is_gone() {
    let dir = temp_dir("recent");
    let gone = dir.join("gone.trace");
    std::fs::copy(trace_path("gc_go125.trace"), &gone).expect("copy");
    // Opened as typed, relative to the current directory (the crate root).
    let rel = "testdata/traces/gc_go125.trace".to_string();
    let recent = RecentFiles::load(dir.join("recent"));
    let mut h = harness(GoTraceApp::new(
        &[rel.clone(), gone.display().to_string()],
        recent,
    ));
    settle(&mut h);
    let abs = std::fs::canonicalize(&rel)
        .expect("abs")
        .display()
        .to_string();
    assert!(
        h.state().recent.items.contains(&abs),
        "{:?}",
        h.state().recent.items
    );
    assert!(h
        .state()
        .recent
        .items
        .iter()
        .all(|e| Path::new(e).is_absolute()));
    // The copy goes away; the start screen says so and can forget it.
    std::fs::remove_file(&gone).expect("rm");
    h.state_mut().active = None;
    h.run();
    h.get_by_label("no longer exists");
    h.get_by_label("Remove").click();
    h.run();
    let kept = RecentFiles::load(dir.join("recent")).items;
    assert_eq!(
        kept,
        vec![abs],
        "the missing entry is forgotten on disk too"
    );
    assert!(h.query_by_label("no longer exists").is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_error_of_a_failed_open_goes_once_a_trace_opens() {
    let bad = format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    let mut h = harness(GoTraceApp::new(
        std::slice::from_ref(&bad),
        RecentFiles::default(),
    ));
    settle(&mut h);
    assert_eq!(h.state().errors.len(), 1);
    h.get_by_label_contains("Cargo.toml: ");
    // Typed into the start screen's box, as a user would.
    h.get_by_label("Open path / URL");
    h.state_mut().location = trace_path("gc_go125.trace");
    h.get_by_label("Open path / URL").click();
    h.run();
    settle(&mut h);
    assert!(matches!(h.state().tabs[0], Tab::Ready(_)));
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert!(h.query_by_label_contains("Cargo.toml: ").is_none());
}

#[test]
fn a_big_trace_is_clickable_in_its_first_generation_while_the_rest_loads() {
    use crate::load::cut_under_load::{plan, Change};
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = temp_dir("first-generation");
    let path = dir.join("out.trace");
    std::fs::copy(trace_path("gens_go127.trace"), &path).expect("copy");
    // How many reads a load makes; then the whole load waits at its next
    // to last read (its last generation's events) until the test lets it
    // go on.
    let count = plan(&path, usize::MAX, Change::Truncate(0));
    crate::load::load_path(
        &path,
        &crate::load::Progress::default(),
        &AtomicBool::new(false),
    )
    .expect("the file loads");
    let reads = count.reads.load(Ordering::SeqCst);
    let go_on = Arc::new(AtomicBool::new(false));
    let held = plan(&path, reads - 2, Change::Pause(go_on.clone()));
    let mut app = GoTraceApp::new(&[], RecentFiles::default());
    // Too big for its whole model: it loads as an overview and tiles.
    app.load_options = crate::load::LoadOptions::with_budget(64 << 10);
    app.open(Source::Path(path.clone()), None);
    let mut h = harness(app);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while h.state_mut().active_view().is_none() && std::time::Instant::now() < deadline {
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        held.reads.load(Ordering::SeqCst),
        reads - 1,
        "the load is not waiting"
    );
    assert!(matches!(h.state().tabs[..], [Tab::Loading(_)]));
    h.run_steps(2);
    h.get_by_label_contains("Partial: the first generation");
    h.get_by_label_contains("(loading)");
    // A click on a goroutine's span selects it, as in a loaded trace.
    let (g, idx, id) = {
        let v = h
            .state_mut()
            .active_view()
            .expect("the first generation's view");
        let (g, idx) = crate::ui::bench::longest_span(v.data.lanes()).expect("a span");
        let span = v
            .timeline
            .span_of(&v.data, crate::ui::timeline::SelectedSpan { g, idx });
        v.timeline.go_to(&v.data, g, span.start);
        v.timeline.fit_all(&v.data);
        v.timeline.deselect();
        (g, idx, v.data.whole().goroutines.id(g))
    };
    h.run_steps(2);
    let at = {
        let v = h.state_mut().active_view().expect("view");
        v.timeline
            .span_screen_pos(&v.data, g, idx)
            .expect("in view")
    };
    super::timeline::click_at(&mut h, at, egui::Modifiers::NONE);
    let v = h.state_mut().active_view().expect("view");
    assert_eq!(
        v.timeline.selected(),
        Some(crate::ui::timeline::SelectedSpan { g, idx })
    );
    let selected_at = v.timeline.span_of(&v.data, v.timeline.selected().unwrap());
    // The whole trace replaces it in place: the same goroutine selected.
    go_on.store(true, Ordering::SeqCst);
    settle(&mut h);
    assert!(matches!(h.state().tabs[..], [Tab::Ready(_)]));
    let v = h.state_mut().active_view().expect("the whole trace's view");
    assert!(v.data.loaded.first_part.is_none());
    let s = v.timeline.selected().expect("the selection is kept");
    assert_eq!(v.data.whole().goroutines.id(s.g), id);
    let span = v.timeline.span_of(&v.data, s);
    let mid = selected_at.start + (selected_at.end - selected_at.start) / 2;
    assert!(
        span.start <= mid && mid < span.end,
        "{span:?} is not at {mid} ({selected_at:?})"
    );
    h.run_steps(2);
    assert!(h.query_by_label_contains("Partial: the first").is_none());
    let _ = std::fs::remove_dir_all(dir);
}
