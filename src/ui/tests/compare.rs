//! Comparing two traces in the window: "Compare with…" on an open trace
//! opens the Compare view with the ranked changes, and a change links to
//! its place in the open trace.

use super::timeline::view;
use super::{harness, settle};
use crate::analysis::compare::ChangeKind;
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::recent::RecentFiles;
use crate::ui::tab::ViewTab;
use crate::ui::views::compare::PickFrom;
use egui_kittest::kittest::{By, Queryable};
use egui_kittest::Harness;
use std::time::{Duration, Instant};

fn compare_trace(name: &str) -> String {
    format!("{}/testdata/compare/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The first tab's view, to change.
fn view_mut<'a>(h: &'a mut Harness<'static, GoTraceApp>) -> &'a mut crate::ui::view::TraceView {
    match h.state_mut().tabs.first_mut() {
        Some(Tab::Ready(v)) => v,
        _ => panic!("no loaded trace"),
    }
}

/// Opens the baseline, asks to compare it with the slower lock (the file
/// given instead of the dialog), and runs frames until it is computed.
fn compared_with_slower_lock() -> Harness<'static, GoTraceApp> {
    let app = GoTraceApp::new(
        &[compare_trace("compare_base_go127.trace")],
        RecentFiles::default(),
    );
    let mut h = harness(app);
    settle(&mut h);
    view_mut(&mut h).views.compare.pick =
        PickFrom::Path(compare_trace("compare_lock_go127.trace").into());
    h.get_by_label("Compare with…").click();
    h.run_steps(2);
    assert_eq!(view(&h).tab, ViewTab::Compare);
    let t0 = Instant::now();
    while view(&h).views.compare.comparison().is_none() {
        assert!(t0.elapsed() < Duration::from_secs(60), "no comparison");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(3);
    h
}

#[test]
fn compare_with_shows_the_slower_lock_first_among_the_changes() {
    let h = compared_with_slower_lock();
    let c = view(&h).views.compare.comparison().expect("computed");
    let c = c.as_ref().as_ref().expect("compared");
    assert!(!c.changes.is_empty());
    // The ranked list is on screen, with the region that got slower.
    h.get_by_label(&c.changes[0].text());
    let region = c
        .changes
        .iter()
        .find(|ch| ch.kind == ChangeKind::Region && ch.name == "lockedUpdate")
        .expect("the region's change");
    h.get_by_label(&region.text());
    // The group table and the plots are there too.
    h.get_by_label("Goroutine groups");
    h.get_by_label("Where the blocking changed");
    h.get_by_label("GC and MMU");
    assert!(
        h.query_all(By::new().label_contains("main.lockWorker"))
            .count()
            >= 1
    );
}

#[test]
fn clicking_a_region_change_selects_its_slowest_instance_in_the_open_trace() {
    let h = compared_with_slower_lock();
    let text = {
        let c = view(&h).views.compare.comparison().expect("computed");
        let c = c.as_ref().as_ref().expect("compared");
        c.changes
            .iter()
            .find(|ch| ch.kind == ChangeKind::Region)
            .expect("a region change")
            .text()
    };
    h.get_by_label(&text).click();
    let mut h = h;
    h.run_steps(2);
    assert_eq!(view(&h).tab, ViewTab::Timeline);
    let t = view(&h).data.whole();
    let slowest = t
        .regions
        .iter()
        .filter(|r| t.str(r.name) == "lockedUpdate" && r.has_start && r.has_end)
        .max_by_key(|r| r.end - r.start)
        .expect("regions");
    assert_eq!(
        view(&h).timeline.range(),
        Some((slowest.start, slowest.end))
    );
}
