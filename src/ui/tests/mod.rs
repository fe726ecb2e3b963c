//! UI tests: egui_kittest drives the real app on committed traces, one
//! file per panel, each test named after the story it checks.

mod detail;
mod opening;
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
