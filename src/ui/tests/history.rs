//! Back and forward: Alt+Left after following a link returns to where the
//! user was; Alt+Right and the mouse's side buttons go through the same
//! history; a view switch with a selection is a step too.

use super::open_trace;
use super::timeline::{click_span, find_stalled, view};
use egui::{Event, Key, Modifiers, PointerButton};
use egui_kittest::kittest::Queryable;

#[test]
fn alt_left_after_following_unblocked_by_returns_to_the_wait() {
    let mut h = open_trace("stall_go125.trace");
    let (g, idx, _) = find_stalled(&mut h);
    h.key_press(Key::Escape); // closes the find bar's focus
    h.run();
    // Select the stalled wait itself (a click, as a user would).
    click_span(&mut h, g, idx);
    assert_eq!(
        view(&h).timeline.selected().map(|s| (s.g, s.idx)),
        Some((g, idx))
    );
    let at_wait = (view(&h).timeline.selected(), view(&h).timeline.scroll_y());
    let waker = {
        let v = view(&h);
        let span = v
            .timeline
            .span_of(&v.data, v.timeline.selected().expect("selected"));
        v.data
            .whole()
            .unblocked_by(g, span.end)
            .map(|f| f.from)
            .expect("an unblock")
    };
    h.get_by_label_contains("unblocked by G").click();
    h.run();
    let at_waker = view(&h).timeline.selected();
    assert_eq!(at_waker.map(|s| s.g), waker);
    assert_ne!(at_waker.map(|s| s.g), Some(g), "the link moved");
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run();
    assert_eq!(
        (view(&h).timeline.selected(), view(&h).timeline.scroll_y()),
        at_wait,
        "back at the wait, scrolled as it was"
    );
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    h.run();
    assert_eq!(view(&h).timeline.selected(), at_waker);
    // The mouse's back button goes back too.
    let p = view(&h)
        .timeline
        .last_frame()
        .areas
        .expect("drawn")
        .tracks
        .center();
    h.event(Event::PointerMoved(p));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: p,
            button: PointerButton::Extra1,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run();
    assert_eq!(view(&h).timeline.selected(), at_wait.0);
}

#[test]
fn a_view_switch_with_a_selection_is_a_step_back() {
    let mut h = open_trace("stall_go125.trace");
    let (g, _, _) = find_stalled(&mut h);
    assert!(view(&h).timeline.selected().is_some());
    h.key_press(Key::Num2);
    h.run();
    assert_eq!(view(&h).tab, crate::ui::tab::ViewTab::Goroutines);
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run();
    assert_eq!(view(&h).tab, crate::ui::tab::ViewTab::Timeline);
    assert_eq!(view(&h).timeline.selected().map(|s| s.g), Some(g));
    // The toolbar's Forward goes forward again.
    h.get_by_label("»").click();
    h.run();
    assert_eq!(view(&h).tab, crate::ui::tab::ViewTab::Goroutines);
}
