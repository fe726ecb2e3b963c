//! UI tests: egui_kittest drives the real app on committed traces, one
//! file per panel, each test named after what the user does and sees.

mod bookmarks;
mod capture;
mod compare;
mod detail;
mod export;
mod history;
mod opening;
mod source;
mod timeline;
mod views;
mod why;

use super::app::{GoTraceApp, Tab};
use super::recent::RecentFiles;
use egui_kittest::Harness;
use std::time::Duration;

/// Path of a committed test trace.
pub fn trace_path(name: &str) -> String {
    format!("{}/testdata/traces/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A harness around an app, 1600x1000 points.
pub fn harness(app: GoTraceApp) -> Harness<'static, GoTraceApp> {
    Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut GoTraceApp| app.ui_root(ui), app)
}

/// Runs frames until every load finished.
pub fn settle(h: &mut Harness<'static, GoTraceApp>) {
    h.state_mut().wait_loaded(Duration::from_secs(120));
    h.run_steps(3);
}

/// A harness with `name` opened and loaded.
pub fn open_trace(name: &str) -> Harness<'static, GoTraceApp> {
    let app = GoTraceApp::new(&[trace_path(name)], RecentFiles::default());
    let mut h = harness(app);
    settle(&mut h);
    assert!(
        matches!(h.state().tabs.first(), Some(Tab::Ready(_))),
        "{name} did not load: {:?}",
        h.state().errors
    );
    h
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gtv-ui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A loopback HTTP server answering up to `requests` requests with `body`
/// (after `delay`); returns its address and the request lines it saw.
pub fn serve(
    body: Vec<u8>,
    requests: usize,
    delay: Duration,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut req = [0u8; 4096];
            let n = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..n])
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            log.lock().expect("log").push(line);
            std::thread::sleep(delay);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (addr, seen)
}

/// Runs frames until `done` holds (at most `timeout`).
pub fn run_until(
    h: &mut Harness<'static, GoTraceApp>,
    timeout: Duration,
    done: impl Fn(&GoTraceApp) -> bool,
) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        h.state_mut().poll_loads();
        h.run_steps(1);
        if done(h.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
