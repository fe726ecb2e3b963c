//! Comparing two traces in the window: "Compare with…" on an open trace
//! opens the Compare view with the ranked changes and both timelines
//! stacked, moved together; a change links to its place in both, and to
//! its place in the open trace.

use super::timeline::{click_at, drag, view};
use super::{harness, settle};
use crate::analysis::compare::ChangeKind;
use crate::load::LoadOptions;
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::loader::Source;
use crate::ui::recent::RecentFiles;
use crate::ui::tab::ViewTab;
use crate::ui::views::compare::align::{self, Align};
use crate::ui::views::compare::stacked::{Pane, Stacked, Which};
use crate::ui::views::compare::{DistPick, PickFrom};
use egui::{Event, Modifiers};
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
    compared_with_slower_lock_under(None)
}

/// [`compared_with_slower_lock`] in a window whose traces load with
/// `options`, if given.
fn compared_with_slower_lock_under(options: Option<LoadOptions>) -> Harness<'static, GoTraceApp> {
    let mut app = GoTraceApp::new(&[], RecentFiles::default());
    if let Some(o) = options {
        app.load_options = o;
    }
    app.open(
        Source::from_arg(&compare_trace("compare_base_go127.trace")),
        None,
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
    let c = &c.as_ref().as_ref().expect("compared").comparison;
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
fn under_a_small_budget_b_loads_as_a_big_trace_and_the_changes_are_the_same() {
    let texts = |h: &Harness<'static, GoTraceApp>| {
        let c = view(h).views.compare.comparison().expect("computed");
        let r = c.as_ref().as_ref().expect("compared");
        let texts: Vec<String> = r
            .comparison
            .changes
            .iter()
            .map(crate::analysis::compare::rank::Change::text)
            .collect();
        (texts, r.b.loaded.tiles.is_some())
    };
    let (whole, b_tiled) = texts(&compared_with_slower_lock());
    assert!(!b_tiled && !whole.is_empty());
    // A budget that tiles both: B is loaded as A was, with the same answer.
    let h = compared_with_slower_lock_under(Some(LoadOptions::with_budget(1)));
    assert!(view(&h).data.tiles.is_some(), "A is tiled");
    let (small, b_tiled) = texts(&h);
    assert!(b_tiled, "B is loaded under A's budget");
    assert_eq!(small, whole);
}

#[test]
fn clicking_in_a_beside_a_region_change_selects_its_slowest_instance_in_the_open_trace() {
    let h = compared_with_slower_lock();
    // The "in A" buttons of the changes that have a place in A, in order.
    let row = {
        let c = view(&h).views.compare.comparison().expect("computed");
        let c = &c.as_ref().as_ref().expect("compared").comparison;
        let i = c
            .changes
            .iter()
            .position(|ch| ch.kind == ChangeKind::Region)
            .expect("a region change");
        c.changes[..i]
            .iter()
            .filter(|ch| !matches!(ch.kind, ChangeKind::Profile(_)))
            .count()
    };
    h.get_all_by_label("in A")
        .nth(row)
        .expect("the region's button")
        .click();
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

/// The stacked timelines of the Compare view.
fn stacked<'a>(h: &'a Harness<'static, GoTraceApp>) -> &'a Stacked {
    &view(h).views.compare.stacked
}

fn pane<'a>(h: &'a Harness<'static, GoTraceApp>, w: Which) -> &'a Pane {
    stacked(h).pane(w).expect("both timelines")
}

/// The middle of a pane's tracks on screen.
fn tracks_centre(h: &Harness<'static, GoTraceApp>, w: Which) -> egui::Pos2 {
    let a = pane(h, w).timeline.last_frame().areas.expect("drawn");
    a.tracks.center()
}

/// The time B shows at the same x as `t` in A.
fn in_b(h: &Harness<'static, GoTraceApp>, t: i64) -> i64 {
    let (a, b) = stacked(h).anchors();
    t - a + b
}

#[test]
fn the_compare_view_draws_both_timelines_one_above_the_other() {
    let h = compared_with_slower_lock();
    let (a, b) = (pane(&h, Which::A), pane(&h, Which::B));
    let (aa, ab) = (
        a.timeline.last_frame().areas.expect("A drawn"),
        b.timeline.last_frame().areas.expect("B drawn"),
    );
    assert!(aa.tracks.height() > 60.0 && ab.tracks.height() > 60.0);
    assert!(aa.tracks.bottom() <= ab.axis.top(), "A above B");
    assert_eq!(aa.tracks.x_range(), ab.tracks.x_range());
    // Each its own trace, labelled, from its own start by default.
    assert!(b.data.loaded.name.ends_with("compare_lock_go127.trace"));
    // Each titled just above its axis.
    for (title, axis) in [("A (baseline)", aa.axis), ("B", ab.axis)] {
        let above = h
            .query_all(By::new().label(title))
            .filter(|n| {
                let r = n.rect();
                r.bottom() <= axis.top() + 1.0 && r.bottom() >= axis.top() - 24.0
            })
            .count();
        assert_eq!(above, 1, "{title}");
    }
    assert_eq!(
        stacked(&h).anchors(),
        (a.data.whole().meta.start, b.data.whole().meta.start)
    );
    // Both draw their lanes: each has its GC lane, whose label is a button.
    let gc = h.query_all_by_role_and_label(egui::accesskit::Role::Button, "GC");
    assert_eq!(gc.count(), 2);
}

#[test]
fn zooming_or_panning_one_timeline_moves_the_other_the_same_way() {
    let mut h = compared_with_slower_lock();
    let before = (
        *pane(&h, Which::A).timeline.map(),
        *pane(&h, Which::B).timeline.map(),
    );
    // Ctrl+wheel (a zoom) over B.
    let p = tracks_centre(&h, Which::B);
    h.event(Event::PointerMoved(p));
    h.run_steps(1);
    h.event(Event::Zoom(4.0));
    h.run_steps(3);
    let (ma, mb) = (
        *pane(&h, Which::A).timeline.map(),
        *pane(&h, Which::B).timeline.map(),
    );
    assert!(
        (mb.ns_per_px * 4.0 / before.1.ns_per_px - 1.0).abs() < 1e-6,
        "B zoomed 4x"
    );
    assert_eq!(ma.ns_per_px, mb.ns_per_px, "A zoomed the same");
    assert_eq!(
        in_b(&h, ma.start_ns),
        mb.start_ns,
        "and shows the same time"
    );
    assert!(ma.duration_ns() * 3 < before.0.duration_ns());
    // A drag across A pans both by the same time.
    let p = tracks_centre(&h, Which::A);
    drag(&mut h, p, p + egui::vec2(-200.0, 0.0), Modifiers::NONE);
    h.run_steps(2);
    let (pa, pb) = (
        *pane(&h, Which::A).timeline.map(),
        *pane(&h, Which::B).timeline.map(),
    );
    assert!(pa.start_ns > ma.start_ns, "A panned later");
    assert_eq!(pb.start_ns - mb.start_ns, pa.start_ns - ma.start_ns);
    assert_eq!(pa.ns_per_px, pb.ns_per_px);
}

/// Picks `item` in the alignment's combo box.
fn pick_alignment(h: &mut Harness<'static, GoTraceApp>, item: &str) {
    h.get(
        By::new()
            .role(egui::accesskit::Role::ComboBox)
            .value("each trace's start"),
    )
    .click();
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(3);
}

#[test]
fn aligning_on_a_region_instance_draws_it_at_the_same_x_in_both() {
    let mut h = compared_with_slower_lock();
    pick_alignment(&mut h, "region lockedUpdate");
    let of = DistPick::Region("lockedUpdate".into());
    assert_eq!(
        stacked(&h).align(),
        &Align::Instance {
            of: of.clone(),
            n: 0
        }
    );
    h.get_by_label("instance");
    // The third instance (what the instance box sets).
    view_mut(&mut h).views.compare.stacked.set_align(
        Align::Instance {
            of: of.clone(),
            n: 2,
        },
        true,
    );
    h.run_steps(3);
    let (a, b) = (pane(&h, Which::A), pane(&h, Which::B));
    let ia = align::instances(a.data.whole(), &of)[2];
    let ib = align::instances(b.data.whole(), &of)[2];
    assert_ne!(
        ia.start - a.data.whole().meta.start,
        ib.start - b.data.whole().meta.start
    );
    let (xa, xb) = (
        a.timeline.map().x_from_time(ia.start),
        b.timeline.map().x_from_time(ib.start),
    );
    assert!((xa - xb).abs() < 0.5, "A at {xa}, B at {xb}");
    let tracks = a.timeline.last_frame().areas.expect("drawn").tracks;
    assert!(tracks.x_range().contains(xa as f32), "in view");
    // 0 on both axes is the instance's start; its goroutine is selected.
    assert_eq!(a.timeline.origin_ns(), ia.start);
    assert_eq!(b.timeline.origin_ns(), ib.start);
    assert_eq!(b.timeline.selected().map(|s| s.g), ib.g);
}

#[test]
fn clicking_a_region_change_shows_its_first_instance_in_both_timelines() {
    let mut h = compared_with_slower_lock();
    let text = {
        let c = view(&h).views.compare.comparison().expect("computed");
        let c = &c.as_ref().as_ref().expect("compared").comparison;
        c.changes
            .iter()
            .find(|ch| ch.kind == ChangeKind::Region && ch.name == "lockedUpdate")
            .expect("the region's change")
            .text()
    };
    h.get_by_label(&text).click();
    h.run_steps(3);
    assert_eq!(view(&h).tab, ViewTab::Compare, "stays in the Compare view");
    let of = DistPick::Region("lockedUpdate".into());
    assert_eq!(
        stacked(&h).align(),
        &Align::Instance {
            of: of.clone(),
            n: 0
        }
    );
    let (a, b) = (pane(&h, Which::A), pane(&h, Which::B));
    let ia = align::instances(a.data.whole(), &of)[0];
    let ib = align::instances(b.data.whole(), &of)[0];
    let (xa, xb) = (
        a.timeline.map().x_from_time(ia.start),
        b.timeline.map().x_from_time(ib.start),
    );
    assert!((xa - xb).abs() < 0.5, "A at {xa}, B at {xb}");
    // Both instances in view, whole.
    for (p, i) in [(a, ia), (b, ib)] {
        let m = p.timeline.map();
        assert!(m.start_ns <= i.start && i.end <= m.end_ns());
    }
}

#[test]
fn clicking_a_group_shows_its_first_goroutine_in_both_timelines() {
    let mut h = compared_with_slower_lock();
    let name = "main.requestWorker";
    h.get_by_role_and_label(egui::accesskit::Role::Link, name)
        .click();
    h.run_steps(3);
    assert_eq!(view(&h).tab, ViewTab::Compare, "stays in the Compare view");
    let want = Align::Group(name.into());
    assert_eq!(stacked(&h).align(), &want);
    let (a, b) = (pane(&h, Which::A), pane(&h, Which::B));
    let ia = align::instance(a.data.whole(), &want).expect("in A");
    let ib = align::instance(b.data.whole(), &want).expect("in B");
    let (xa, xb) = (
        a.timeline.map().x_from_time(ia.start),
        b.timeline.map().x_from_time(ib.start),
    );
    assert!((xa - xb).abs() < 0.5, "A at {xa}, B at {xb}");
    // Each group of A has its "in A" button too, after the changes' ones.
    let buttons = h.get_all_by_label("in A").count();
    let changes = {
        let c = view(&h).views.compare.comparison().expect("computed");
        let c = &c.as_ref().as_ref().expect("compared").comparison;
        c.changes
            .iter()
            .filter(|ch| !matches!(ch.kind, ChangeKind::Profile(_)))
            .count()
    };
    assert!(buttons > changes, "{buttons} buttons, {changes} changes");
}

#[test]
fn clicking_a_span_of_b_shows_its_goroutine() {
    let mut h = compared_with_slower_lock();
    let of = DistPick::Region("lockedUpdate".into());
    view_mut(&mut h).views.compare.stacked.set_align(
        Align::Instance {
            of: of.clone(),
            n: 0,
        },
        true,
    );
    h.run_steps(3);
    let (g, idx) = {
        let b = pane(&h, Which::B);
        let ib = align::instances(b.data.whole(), &of)[0];
        let g = ib.g.expect("its goroutine");
        let t = b.data.lanes();
        let s = t
            .spans()
            .at(&t.lane(g), ib.start + (ib.end - ib.start) / 2)
            .expect("a span");
        (g, s.idx)
    };
    let p = {
        let b = pane(&h, Which::B);
        b.timeline
            .span_screen_pos(&b.data, g, idx)
            .expect("in view")
    };
    click_at(&mut h, p, Modifiers::NONE);
    h.run_steps(2);
    let b = pane(&h, Which::B);
    assert_eq!(b.timeline.selected().map(|s| (s.g, s.idx)), Some((g, idx)));
    let id = b.data.whole().goroutines.id(g).0;
    h.get_by_label("Selected in B");
    let heading = crate::format::goroutine(Some(id));
    assert!(
        h.query_all(By::new().label(&heading)).count() >= 1,
        "{heading}"
    );
}

#[test]
fn the_timelines_close_and_open_again() {
    let mut h = compared_with_slower_lock();
    h.get_by_label("A (baseline)");
    h.get_by_label("Timelines").click();
    h.run_steps(3);
    assert!(!stacked(&h).open);
    assert!(h.query_by_label("A (baseline)").is_none(), "closed");
    h.get_by_label("Goroutine groups");
    h.get_by_label("Timelines").click();
    h.run_steps(3);
    h.get_by_label("A (baseline)");
    let a = pane(&h, Which::A)
        .timeline
        .last_frame()
        .areas
        .expect("drawn");
    assert!(a.tracks.height() > 60.0, "open at its size again: {a:?}");
}
