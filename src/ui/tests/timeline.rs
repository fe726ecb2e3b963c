//! The one-second stall on the timeline with the mouse: the GC lane and the group of
//! 10,000 streams, the one-second wait in `select` with its stack,
//! following "unblocked by", measuring a range.

use super::open_trace;
use crate::model::{GIdx, GoLaneState};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::view::TraceView;
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

pub(super) fn view<'a>(h: &'a Harness<'static, GoTraceApp>) -> &'a TraceView {
    match h.state().tabs.first() {
        Some(Tab::Ready(v)) => v,
        _ => panic!("no loaded trace"),
    }
}

/// A goroutine of the largest group with a wait of at least 500 ms in
/// `select` (the stall), and the arena index of that span.
pub(super) fn stalled(v: &TraceView) -> (GIdx, u32) {
    let t = v.data.whole();
    for &g in &t.groups[0].members {
        let lane = t.lane(g);
        for i in lane.indexes() {
            let s = t.spans.span(&lane, i);
            if s.state == GoLaneState::Waiting
                && s.end - s.start >= 500_000_000
                && t.reason(s.reason).contains("select")
            {
                return (g, i as u32);
            }
        }
    }
    panic!("no stalled goroutine in the largest group");
}

pub(super) fn click_at(h: &mut Harness<'static, GoTraceApp>, p: Pos2, modifiers: Modifiers) {
    h.event(Event::PointerMoved(p));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: p,
            button: PointerButton::Primary,
            pressed,
            modifiers,
        });
        h.run_steps(1);
    }
}

/// Presses the primary button at `from`, moves to `to` in six steps and
/// releases it there.
pub(super) fn drag(
    h: &mut Harness<'static, GoTraceApp>,
    from: Pos2,
    to: Pos2,
    modifiers: Modifiers,
) {
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    };
    h.event(Event::PointerMoved(from));
    h.run_steps(1);
    h.event(button(from, true));
    h.run_steps(1);
    for i in 1..=6 {
        h.event(Event::PointerMoved(from + (to - from) * (i as f32 / 6.0)));
        h.run_steps(1);
    }
    h.event(button(to, false));
    h.run_steps(1);
}

/// Clicks span `idx` of goroutine `g` (its lane in view).
pub(super) fn click_span(h: &mut Harness<'static, GoTraceApp>, g: GIdx, idx: u32) {
    let p = view(h)
        .timeline
        .span_screen_pos(&view(h).data, g, idx)
        .expect("span in view");
    click_at(h, p, Modifiers::NONE);
    h.run();
}

/// Finds the stalled goroutine of [`stalled`] with the find bar; returns
/// its index, the stalled span and its ID.
pub(super) fn find_stalled(h: &mut Harness<'static, GoTraceApp>) -> (GIdx, u32, i64) {
    let (g, idx) = stalled(view(h));
    let id = view(h).data.whole().goroutines.id(g);
    find_goroutine(h, id.0);
    (g, idx, id.0)
}

/// Jumps to goroutine `id` with the find bar (Ctrl+F, type, Enter).
fn find_goroutine(h: &mut Harness<'static, GoTraceApp>, id: i64) {
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::F);
    h.run_steps(2);
    h.event(Event::Text(format!("G{id}")));
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
}

#[test]
fn the_stall_trace_shows_the_gc_lane_and_the_group_of_10000_streams() {
    let mut h = open_trace("stall_go125.trace");
    h.run();
    // Lane labels are buttons (the legend has a "GC" chip too).
    h.get_by_role_and_label(egui::Role::Button, "GC");
    h.get_by_role_and_label(egui::Role::Button, "STW");
    h.get_by_label_contains("Proc 0");
    h.get_by_label_contains("main.handleStream ×10,000");
    // Clicking the group label opens it: its goroutine lanes appear.
    h.get_by_label_contains("main.handleStream ×10,000").click();
    h.run();
    assert!(view(&h).timeline.goroutine_rows() >= 10_000);
}

/// The stall with the mouse: opens the stall trace, finds a stalled stream
/// (Ctrl+F), clears the selection and clicks its long wait; returns the
/// harness, the goroutine and the span's arena index.
pub(super) fn click_the_stalled_wait() -> (Harness<'static, GoTraceApp>, GIdx, u32) {
    let mut h = open_trace("stall_go125.trace");
    let (g, idx, _) = find_stalled(&mut h);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(view(&h).timeline.selected().is_none());
    click_span(&mut h, g, idx);
    (h, g, idx)
}

#[test]
fn clicking_the_long_wait_shows_select_and_its_stack_then_unblocked_by_goes_to_the_waker() {
    let (mut h, g, idx) = click_the_stalled_wait();
    let sel = view(&h).timeline.selected().expect("a span is selected");
    assert_eq!((sel.g, sel.idx), (g, idx));
    h.get_by_label("select");
    h.get_by_label_contains("main.wait");
    assert!(
        h.get_all_by_label_contains(".go:").next().is_some(),
        "file:line shown"
    );
    // Follow the arrow to whoever unblocked it.
    let span = view(&h).timeline.span_of(&view(&h).data, sel);
    let waker = view(&h)
        .data
        .whole()
        .unblocked_by(g, span.end)
        .map(|f| f.from)
        .expect("an unblock");
    h.get_by_label_contains("unblocked by G").click();
    h.run();
    let waker = waker.expect("a goroutine unblocked it");
    assert_eq!(view(&h).timeline.selected().map(|s| s.g), Some(waker));
    assert!(view(&h).timeline.rows().find_goroutine(waker).is_some());
}

#[test]
fn shift_drag_measures_a_range_and_shows_totals_per_state() {
    let mut h = open_trace("stall_go125.trace");
    let _ = find_stalled(&mut h);
    h.key_press(egui::Key::Escape);
    h.run();
    let a = view(&h)
        .timeline
        .last_frame()
        .areas
        .expect("timeline drawn");
    let y = a.tracks.top() + 60.0;
    let (x0, x1) = (a.tracks.left() + 10.0, a.tracks.right() - 10.0);
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    drag(&mut h, Pos2::new(x0, y), Pos2::new(x1, y), Modifiers::SHIFT);
    h.run_steps(1);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let tl = &view(&h).timeline;
    let (r0, r1) = tl.range().expect("a range is selected");
    let expect = (f64::from(x1 - x0) * tl.map().ns_per_px) as i64;
    assert!(
        (r1 - r0 - expect).abs() <= expect / 50 + 2,
        "{} vs {expect}",
        r1 - r0
    );
    h.get_by_label_contains("Range ");
    h.get_by_label_contains("goroutine lanes in view");
    h.get_by_label_contains("waiting ");
    let st = view(&h).range_stats.stats.clone().expect("stats computed");
    assert!(st.lanes > 0);
    assert!(
        st.per_state.iter().sum::<i64>() > 0,
        "{st:?} {:?}",
        view(&h).timeline.last_frame().rows_in_view
    );
}

#[test]
fn dragging_the_label_column_edge_widens_it_and_keeps_the_time_scale() {
    let mut h = open_trace("stall_go125.trace");
    h.run();
    // Zoomed in: an untouched view would refit the whole trace instead.
    h.key_press(egui::Key::W);
    h.run();
    assert!(!view(&h).timeline.is_untouched());
    let before = view(&h)
        .timeline
        .last_frame()
        .areas
        .expect("timeline drawn");
    let (start, scale) = {
        let m = &view(&h).timeline.map();
        (m.start_ns, m.ns_per_px)
    };
    let y = before.labels.top() + 40.0;
    let x0 = before.labels.right();
    drag(
        &mut h,
        Pos2::new(x0, y),
        Pos2::new(x0 + 150.0, y),
        Modifiers::NONE,
    );
    h.run();
    let tl = &view(&h).timeline;
    let after = tl.last_frame().areas.expect("timeline drawn");
    let grown = after.labels.width() - before.labels.width();
    assert!((grown - 150.0).abs() < 2.0, "label column grew by {grown}");
    assert_eq!(after.tracks.left(), after.labels.right());
    // Resizing is not panning or zooming, nor a range selection.
    assert_eq!((tl.map().start_ns, tl.map().ns_per_px), (start, scale));
    assert!(tl.range().is_none());
}
