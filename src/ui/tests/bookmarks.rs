//! Bookmarks: M, a note, Enter; the list jumps back; a flag on the axis;
//! a new app instance with the same config directory has them again.

use super::timeline::{find_stalled, view};
use super::{harness, run_until, settle, temp_dir, trace_path};
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::dirs::AppDirs;
use crate::ui::recent::RecentFiles;
use egui::{Event, Key};
use egui_kittest::kittest::Queryable;
use std::time::Duration;

fn open_with(dir: &std::path::Path) -> egui_kittest::Harness<'static, GoTraceApp> {
    let app = GoTraceApp::with_dirs(
        &[trace_path("stall_go125.trace")],
        RecentFiles::default(),
        AppDirs::under(dir),
    );
    let mut h = harness(app);
    settle(&mut h);
    assert!(matches!(h.state().tabs.first(), Some(Tab::Ready(_))));
    let keyed = run_until(&mut h, Duration::from_secs(30), |a| match a.tabs.first() {
        Some(Tab::Ready(v)) => v.bookmarks.path.is_some(),
        _ => false,
    });
    assert!(keyed, "the content hash is computed");
    h
}

#[test]
fn m_then_a_note_keeps_the_place_and_the_list_jumps_back_after_a_restart() {
    let dir = temp_dir("bookmarks");
    let mut h = open_with(&dir);
    let (_, _, id) = find_stalled(&mut h);
    let selected = view(&h).timeline.selected();
    let shown = (
        view(&h).timeline.map().start_ns,
        view(&h).timeline.map().end_ns(),
    );
    h.key_press(Key::M);
    h.run_steps(2);
    h.get_by_label("Bookmark");
    h.event(Event::Text("the one-second stall".into()));
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert!(
        h.query_by_label("Bookmark").is_none(),
        "the note window closed"
    );
    let b = view(&h)
        .bookmarks
        .items
        .first()
        .cloned()
        .expect("a bookmark");
    assert_eq!(b.note, "the one-second stall");
    assert_eq!(b.place.selected.map(|x| x.goroutine), Some(id));
    // A flag stands on the axis where it was taken.
    let path = view(&h).bookmarks.path.clone().expect("kept on disk");
    assert!(path.starts_with(dir.join("config").join("bookmarks")));
    // Elsewhere now: the whole trace, nothing selected.
    h.key_press(Key::Escape);
    h.key_press(Key::F);
    h.run();
    assert!(view(&h).timeline.selected().is_none());
    drop(h);

    // A new instance: the bookmark is there and the list jumps to it.
    let mut h = open_with(&dir);
    assert_eq!(view(&h).bookmarks.items, vec![b.clone()]);
    // (They were read after the frame drew the tab bar: draw it again.)
    h.run();
    h.get_by_label("Bookmarks (1)").click();
    h.run();
    let title = b.title(view(&h).timeline.origin_ns());
    assert!(title.contains(&format!("G{id}")), "{title}");
    h.get_by_label(&title).click();
    h.run();
    let tl = &view(&h).timeline;
    assert_eq!(tl.selected().map(|s| s.g), selected.map(|s| s.g));
    assert_eq!(tl.map().start_ns, shown.0);
    assert!(
        (tl.map().end_ns() - shown.1).abs() <= tl.map().ns_per_px.ceil() as i64,
        "the same view, to a pixel"
    );
    // The jump is a step in the history: Alt+Left leaves it.
    h.key_press_modifiers(egui::Modifiers::ALT, Key::ArrowLeft);
    h.run();
    assert!(view(&h).timeline.selected().is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn clicking_a_flag_on_the_axis_shows_its_bookmark() {
    let dir = temp_dir("flags");
    let mut h = open_with(&dir);
    let (g, _, _) = find_stalled(&mut h);
    h.key_press(Key::M);
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.key_press(Key::F);
    h.run();
    let v = view(&h);
    let b = &v.bookmarks.items[0];
    let a = v.timeline.last_frame().areas.expect("drawn");
    let x = v.timeline.map().x_from_time(b.time_ns) as f32;
    super::timeline::click_at(
        &mut h,
        egui::pos2(x + 3.0, a.axis.top() + 5.0),
        egui::Modifiers::NONE,
    );
    h.run();
    assert_eq!(view(&h).timeline.selected().map(|s| s.g), Some(g));
    let _ = std::fs::remove_dir_all(dir);
}
