//! Opening traces: start screen, dropped files, errors, URLs, help.

use super::{harness, settle, trace_path};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::loader::Source;
use crate::ui::recent::RecentFiles;
use egui_kittest::kittest::Queryable;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
fn opening_a_url_fetches_the_trace_over_http() {
    let body = std::fs::read(trace_path("stall_go125.trace")).expect("test trace");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let server = std::thread::spawn(move || {
        // Serve exactly one request, then stop.
        if let Ok((mut s, _)) = listener.accept() {
            let mut req = [0u8; 4096];
            let _ = s.read(&mut req);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    let url = format!("http://{addr}/debug/pprof/trace?seconds=1");
    let mut h = harness(GoTraceApp::new(
        std::slice::from_ref(&url),
        RecentFiles::default(),
    ));
    settle(&mut h);
    let _ = server.join();
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert!(matches!(h.state().tabs[0], Tab::Ready(_)));
    h.get_by_role_and_label(egui::Role::Button, "GC");
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
