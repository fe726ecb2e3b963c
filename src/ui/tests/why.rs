//! "Why was it slow?": "Why?" on the stalled stream of the stall trace
//! names the goroutine that held it up and draws the path; "Why?" on a
//! region instance and over a region type's instances; the Findings tab's
//! links select their range and lanes.

use super::open_trace;
use super::timeline::{click_the_stalled_wait, view};
use super::views::open_tab;
use crate::analysis::critical_path::{PathState, TargetKind};
use crate::analysis::findings::FindingKind;
use crate::ui::tab::ViewTab;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// Runs frames until `done` (a worker thread computes), at most ~10 s.
fn run_until(
    h: &mut Harness<'static, crate::ui::GoTraceApp>,
    done: impl Fn(&Harness<'static, crate::ui::GoTraceApp>) -> bool,
) {
    for _ in 0..500 {
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        // Not run(): the view repaints while a worker computes.
        h.run_steps(1);
    }
    panic!("timed out");
}

#[test]
fn why_on_the_stalled_stream_names_the_goroutine_that_held_it_up() {
    let (mut h, g, _) = click_the_stalled_wait();
    h.get_by_label("Why?").click();
    h.run();
    let v = view(&h);
    let tr = v.data.whole();
    let span = v
        .timeline
        .span_of(&v.data, v.timeline.selected().expect("selected"));
    let waker = tr.unblocked_by(g, span.end).expect("an unblocker").from;
    let waker = waker.expect("a goroutine unblocked it");
    let pv = v.why.path.clone().expect("a path is shown");
    assert_eq!(pv.path.target.g, g);
    assert!(pv.is_on_path(waker));
    // The panel names the waker among the goroutines on the path, and
    // breaks the second down: blocked in select.
    h.get_by_label_contains(&format!("{}: ", tr.goroutine_label(waker)));
    h.get_by_label_contains("blocked (select)");
    assert!(pv.path.totals_ns()[PathState::Blocked as usize] > 900_000_000);
    // Clicking the cause shows its segment as the range.
    h.get_by_label_contains("blocked (select)").click();
    h.run();
    let s = pv
        .path
        .segments
        .iter()
        .find(|s| matches!(s.cause, crate::analysis::critical_path::Cause::Blocked(_)))
        .expect("a blocked segment");
    assert_eq!(view(&h).timeline.range(), Some((s.start_ns, s.end_ns)));
    // Only the path's lanes, on demand.
    h.get_by_label("Only path lanes").click();
    h.run();
    let rows = view(&h).timeline.goroutine_rows();
    assert_eq!(rows, pv.on_path.len(), "only the lanes on the path");
    h.get_by_label("Clear path").click();
    h.run();
    assert!(view(&h).why.path.is_none());
    assert!(
        view(&h).timeline.goroutine_rows() > rows,
        "every lane again"
    );
}

#[test]
fn why_on_a_region_instance_and_over_its_type() {
    let mut h = open_trace("whyslow_go127.trace");
    open_tab(&mut h, ViewTab::Tasks);
    // The region type (right column), not the task type of the same name.
    h.get_all_by_label("request")
        .max_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("the request region type")
        .click();
    h.run();
    // The one request region: "Why?" on its row shows its path on the timeline.
    h.get_all_by_label("Why?")
        .next()
        .expect("a Why? button")
        .click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    let pv = v.why.path.clone().expect("a path");
    assert!(matches!(pv.path.target.kind, TargetKind::Region(_)));
    let tr = v.data.whole();
    for f in ["main.handle", "main.worker", "main.holder"] {
        assert!(
            pv.on_path
                .iter()
                .any(|&g| tr.str(tr.goroutines.name(g)) == f),
            "{f} on the path"
        );
    }
    h.get_by_label_contains("blocked (sleep)");
    // Over every victim region: the summed paths.
    open_tab(&mut h, ViewTab::Tasks);
    h.get_by_label("victim").click();
    h.run();
    h.get_by_label("Why? all instances").click();
    run_until(&mut h, |h| h.query_by_label_contains("all: ").is_some());
    h.get_by_label_contains("blocked (sleep)");
}

#[test]
fn a_finding_link_selects_its_range_and_lanes() {
    let mut h = open_trace("whyslow_go127.trace");
    open_tab(&mut h, ViewTab::Findings);
    let all = view(&h)
        .views
        .findings
        .findings()
        .expect("findings computed");
    let leak = all.of(FindingKind::Leak).next().expect("a leak").clone();
    assert_eq!(leak.count, 25, "{}", leak.text);
    h.get_by_label(&leak.text).click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    assert_eq!(v.timeline.range(), Some((leak.start_ns, leak.end_ns)));
    let mut gs = leak.goroutines.clone();
    gs.sort_unstable();
    assert_eq!(v.timeline.filter().only.as_deref(), Some(&gs[..]));
    assert_eq!(v.timeline.goroutine_rows(), 20, "the 20 goroutines listed");
}
