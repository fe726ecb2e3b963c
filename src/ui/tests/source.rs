//! Source at every frame: a click on file:line in the stack shows the
//! lines around it once a source root is set (the traces are -trimpath
//! builds of testdata/gen), says which paths it tried before, and "Open in
//! editor" runs the $GOTRACEVIEW_EDITOR template without blocking.

use super::timeline::{find_stalled, view};
use super::{harness, run_until, settle, temp_dir, trace_path};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::dirs::AppDirs;
use crate::ui::recent::RecentFiles;
use crate::ui::source::resolve::GoEnv;
use egui_kittest::kittest::Queryable;
use std::time::Duration;

#[test]
fn clicking_a_frame_shows_its_source_and_opens_the_editor_at_the_line() {
    let dir = temp_dir("source");
    let app = GoTraceApp::with_dirs(
        &[trace_path("stall_go125.trace")],
        RecentFiles::default(),
        AppDirs::under(&dir),
    );
    let mut h = harness(app);
    settle(&mut h);
    let out = dir.join("editor-args");
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        // No Go installation in CI: nothing but the source root to find files in.
        v.source.go_env = Some(GoEnv::default());
        v.source.editor_template = Some(format!(
            "sh -c 'echo {{file}}:{{line}} > {}'",
            out.display()
        ));
    }
    let _ = find_stalled(&mut h);
    // The wait's stack: main.wait in ./stall.go.
    let line = {
        let v = view(&h);
        let t = v.data.whole();
        let span = v
            .timeline
            .span_of(&v.data, v.timeline.selected().expect("selected"));
        let f = t
            .stacks
            .frames_of(span.stack)
            .find(|f| t.str(f.file) == "./stall.go")
            .expect("a frame in stall.go");
        f.line
    };
    h.get_all_by_label_contains(&format!("./stall.go:{line}"))
        .next()
        .expect("the frame's link")
        .click();
    h.run();
    h.get_by_label_contains("./stall.go: not found");
    // Set the source root once, as typed into the panel.
    let gen = format!("{}/testdata/gen", env!("CARGO_MANIFEST_DIR"));
    h.state_mut().active_view().expect("view").source.root_text = gen.clone();
    h.get_by_label("Set").click();
    h.run_steps(3);
    let found = h
        .state_mut()
        .active_view()
        .expect("view")
        .source
        .found
        .clone();
    assert!(matches!(found, Some(Ok(_))), "{found:?}");
    let src = std::fs::read_to_string(format!("{gen}/stall.go")).expect("stall.go");
    let want = src
        .lines()
        .nth(line as usize - 1)
        .expect("line")
        .trim()
        .to_string();
    assert!(!want.is_empty());
    h.get_by_label_contains(&format!("{line:>5}  "));
    assert!(
        h.get_all_by_label_contains(&want).next().is_some(),
        "line {line} ({want}) shown"
    );
    h.get_by_label("Open in editor").click();
    h.run();
    let ran = run_until(&mut h, Duration::from_secs(10), |_| out.exists());
    assert!(
        ran,
        "the editor command ran: {:?}",
        h.state_mut()
            .active_view()
            .map(|v| v.source.message.clone())
    );
    let args = std::fs::read_to_string(&out).expect("args");
    assert_eq!(args.trim(), format!("{gen}/stall.go:{line}"));
    // The root is kept for traces in that directory.
    let roots = std::fs::read_to_string(dir.join("config/source-roots.json")).expect("kept");
    assert!(roots.contains(&gen), "{roots}");
    let _ = std::fs::remove_dir_all(dir);
}
