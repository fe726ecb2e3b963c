//! A big trace in small: a trace loaded as an overview (a tiny memory budget
//! forces it) shows the detail of the generations in view once their tile
//! is built, never waiting for it, and survives its file being rewritten.

use super::{harness, settle, trace_path};
use crate::load::LoadOptions;
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::detail::Detail;
use crate::ui::loader::Source;
use crate::ui::recent::RecentFiles;
use crate::ui::view::TraceView;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A copy of a committed trace in a fresh directory (the tests rewrite it).
fn copy_of(name: &str, tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gotraceview-ui-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::copy(trace_path(name), &p).expect("copy");
    p
}

/// The app with `path` loaded as an overview plus tiles.
fn open_as_overview(path: &std::path::Path) -> Harness<'static, GoTraceApp> {
    let mut app = GoTraceApp::new(&[], RecentFiles::default());
    app.load_options = LoadOptions::with_budget(1);
    app.open(Source::Path(path.to_path_buf()), None);
    let mut h = harness(app);
    settle(&mut h);
    assert!(
        matches!(h.state().tabs.first(), Some(Tab::Ready(_))),
        "{:?}",
        h.state().errors
    );
    h
}

/// The whole model of `path` (what the overview is compared with).
fn load_whole(path: &std::path::Path) -> crate::load::LoadedTrace {
    crate::load::load_path_with(
        path,
        LoadOptions::whole(),
        &crate::load::Progress::default(),
        &std::sync::atomic::AtomicBool::new(false),
    )
    .expect("the whole model")
}

/// The first goroutine of `t` that started at function `name`.
fn first_started_at(t: &crate::model::Trace, name: &str) -> crate::model::GIdx {
    t.groups
        .iter()
        .find(|g| t.str(g.name) == name)
        .and_then(|g| g.members.first().copied())
        .unwrap_or_else(|| panic!("no goroutine started at {name}"))
}

fn view<'a>(h: &'a mut Harness<'static, GoTraceApp>) -> &'a mut TraceView {
    h.state_mut().active_view().expect("a loaded trace")
}

/// Runs frames until `ok` holds (tiles are built on other threads).
fn frames_until(
    h: &mut Harness<'static, GoTraceApp>,
    what: &str,
    ok: impl Fn(&mut TraceView) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.run();
        if ok(view(h)) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs frames until a label containing `text` shows (the views compute
/// on other threads).
fn frames_until_shown(h: &mut Harness<'static, GoTraceApp>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.run();
        if h.query_by_label_contains(text).is_some() {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {text:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Zooms to 2 ms in the middle of generation `k`.
fn zoom_into_generation(v: &mut TraceView, k: usize) {
    let src = v.data.tiles.as_ref().expect("tiles").source().clone();
    let (a, b) = src.time_range(&(k..k + 1));
    let mid = a + (b - a) / 2;
    v.timeline.zoom_to(mid - 1_000_000, mid + 1_000_000);
}

#[test]
fn zooming_into_a_big_trace_shows_the_detail_of_the_generations_in_view() {
    let path = copy_of("gens_go127.trace", "zoom");
    let mut h = open_as_overview(&path);
    {
        let v = view(&mut h);
        assert!(v.data.whole().meta.bucket_ns.is_some(), "an overview");
        assert!(!v.data.shows_tile());
        assert!(v.data.tiles.as_ref().unwrap().source().gens.len() >= 3);
    }
    h.run();
    assert_eq!(
        view(&mut h).detail.detail,
        Detail::Loaded,
        "zoomed out: the overview"
    );
    zoom_into_generation(view(&mut h), 1);
    h.run();
    // The frame did not wait: the overview (hatched) until the tile is built.
    frames_until(&mut h, "the tile", |v| v.detail.detail == Detail::Tile);
    let v = view(&mut h);
    assert!(v.data.shows_tile());
    assert_eq!(v.data.lanes().bucket_ns(), None, "every span");
    // A span picked in the tile has the exact times of the whole model.
    let whole = load_whole(&path);
    let g = first_started_at(&whole.trace, "main.waiter");
    let t = (v.timeline.map().start_ns + v.timeline.map().end_ns()) / 2;
    v.timeline.select_at(&v.data, g, t);
    let sel = v.timeline.selected().expect("a span of main.waiter");
    let got = v.timeline.span_of(&v.data, sel);
    let want = whole.trace.spans.at(&whole.trace.lane(g), t).expect("span");
    // A span begun before the tile begins where it began, with its
    // reason and stack (the overview kept them); one going on past the
    // tile ends there.
    let (t0, t1) = v.data.lanes().window();
    assert_eq!(got.state, want.state);
    assert_eq!(got.start, want.start);
    assert_eq!(
        v.data.lanes().reason(got.reason),
        whole.trace.reason(want.reason)
    );
    assert_eq!(
        tile_frames(v.data.lanes(), got.stack),
        whole_frames(&whole.trace, want.stack)
    );
    assert_eq!(got.end.min(t1), want.end.min(t1));
    assert!(
        got.start > t0 || got.end < t1,
        "the span of a waiter fits in two generations"
    );
    // main.sleeper sleeps a second and a half in a select: in the tile of
    // the generation after the one it began in, its span still begins
    // there and says why.
    let sleeper = first_started_at(&whole.trace, "main.sleeper");
    zoom_into_generation(v, 2);
    frames_until(&mut h, "the tile of generation 2", |v| {
        v.detail.detail == Detail::Tile && v.data.lanes().window().0 > t1 - 1
    });
    let v = view(&mut h);
    let t = (v.timeline.map().start_ns + v.timeline.map().end_ns()) / 2;
    let tile = v.data.lanes();
    let got = tile.spans().at(&tile.lane(sleeper), t).expect("a span");
    let want = whole
        .trace
        .spans
        .at(&whole.trace.lane(sleeper), t)
        .expect("span");
    assert!(want.start < tile.window().0, "it began before the tile");
    assert_eq!((got.start, got.state), (want.start, want.state));
    assert_eq!(tile.reason(got.reason), "select");
    assert_eq!(
        tile_frames(tile, got.stack),
        whole_frames(&whole.trace, want.stack)
    );
    v.timeline.select_at(&v.data, g, t);
    // Zoomed out again: back to the overview, the selection kept.
    v.timeline.fit_all(&v.data);
    h.run();
    let v = view(&mut h);
    assert!(!v.data.shows_tile());
    assert_eq!(v.timeline.selected().map(|s| s.g), Some(g));
}

#[test]
fn a_trace_rewritten_under_the_viewer_says_so_and_reloads_in_place() {
    let path = copy_of("gens_go127.trace", "rewrite");
    let mut h = open_as_overview(&path);
    zoom_into_generation(view(&mut h), 2);
    frames_until(&mut h, "the tile", |v| v.detail.detail == Detail::Tile);
    let before = view(&mut h).timeline.map().start_ns;
    // A new `go test -trace` run truncates the file and writes another trace.
    let other = std::fs::read(trace_path("gens_go126.trace")).expect("trace");
    std::fs::write(&path, &other[..other.len() / 2]).expect("truncate");
    std::fs::write(&path, &other).expect("rewrite");
    // Zooming into a generation whose tile was never built reads nothing.
    zoom_into_generation(view(&mut h), 0);
    frames_until(&mut h, "the notice", |v| v.detail.changed.is_some());
    h.run();
    h.get_by_label_contains("the trace changed on disk");
    assert!(!view(&mut h).data.shows_tile() || view(&mut h).detail.detail != Detail::Loading);
    h.get_by_label("Reload").click();
    // The load repaints as it goes (its first generation, then the whole).
    h.run_steps(1);
    settle(&mut h);
    let v = view(&mut h);
    assert!(v.detail.changed.is_none());
    assert_eq!(v.data.whole().meta.version, "1.26");
    let start = v.data.whole().meta.start;
    // The view is where it was (clamped to the new trace).
    assert!(v.timeline.map().start_ns >= start.min(before), "view kept");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn the_profiles_of_a_big_trace_read_its_generations_again_and_equal_the_whole_models() {
    use crate::analysis::profiles::{ProfileKind, ProfileScope};
    use crate::ui::tab::ViewTab;
    let p = PathBuf::from(trace_path("stall_go127.trace"));
    let whole = load_whole(&p);
    let want = whole
        .blocking_profile(
            ProfileKind::Sync,
            &ProfileScope::All,
            &std::sync::atomic::AtomicBool::new(false),
            &|_, _| {},
        )
        .expect("profile")
        .profile;
    let mut h = open_as_overview(&p);
    assert!(view(&mut h).data.tiles.is_some(), "an overview");
    h.key_press(ViewTab::Profiles.key());
    h.run();
    h.get_by_label("Sync").click();
    frames_until(&mut h, "the profile", |v| {
        v.views.profiles.total() == Some((want.total_delay_ns(), want.total_count()))
    });
    h.get_by_label("main.wait");
    h.get_by_label("Save as pprof…");
}

#[test]
fn the_goroutine_analysis_of_a_range_of_a_big_trace_equals_the_whole_models() {
    use crate::ui::app::Tab;
    use crate::ui::tab::ViewTab;
    let p = PathBuf::from(trace_path("stall_go127.trace"));
    let whole = load_whole(&p);
    let t = &whole.trace;
    let (a, b) = (
        t.meta.start + t.duration() / 3,
        t.meta.start + t.duration() / 2,
    );
    let no = std::sync::atomic::AtomicBool::new(false);
    let want = whole
        .summary_in_range(a, b, &no, &|_, _| {})
        .expect("range")
        .goroutines
        .len();
    let mut h = open_as_overview(&p);
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        v.timeline.set_range(Some((a, b)));
    }
    h.key_press(ViewTab::Goroutines.key());
    h.run();
    h.get_by_label("selected time range").click();
    let text = format!("{} goroutines.", crate::format::count(want as u64));
    frames_until_shown(&mut h, &text);
    h.get_by_label("main.handleStream");
}

/// The goroutine lanes the timeline shows.
fn lanes_shown(v: &TraceView) -> Vec<crate::model::GIdx> {
    use crate::ui::timeline::rows::RowKind;
    (0..v.timeline.rows().len())
        .filter_map(|i| match v.timeline.rows().row(i).kind {
            RowKind::Goroutine(g) => Some(g),
            _ => None,
        })
        .collect()
}

#[test]
fn state_filters_on_a_big_trace_wait_for_its_state_times_and_equal_the_whole_models() {
    use crate::model::GoLaneState;
    let p = PathBuf::from(trace_path("stall_go127.trace"));
    let mut whole = {
        let mut app = GoTraceApp::new(&[], RecentFiles::default());
        app.load_options = LoadOptions::whole();
        app.open(Source::Path(p.clone()), None);
        let mut h = harness(app);
        settle(&mut h);
        h
    };
    let mut big = open_as_overview(&p);
    assert!(view(&mut big).data.tiles.is_some(), "an overview");
    let mut total = 0;
    for h in [&mut whole, &mut big] {
        let v = view(h);
        let groups = v.data.whole().groups.len() as u32;
        v.timeline.open_groups(0..groups);
    }
    let filters = [
        (Some(GoLaneState::Syscall), 0.0),
        (Some(GoLaneState::Waiting), 0.0),
        (None, 500.0),
        (Some(GoLaneState::Runnable), 2.0),
    ];
    for (state, ms) in filters {
        let mut shown = Vec::new();
        for h in [&mut whole, &mut big] {
            let v = view(h);
            v.find.state = state;
            v.find.min_blocked_ms = ms;
            let data = Arc::clone(&v.data);
            v.find.apply(&data, &mut v.timeline);
            frames_until(h, "the state times", |v| !v.find.waiting_for_times);
            h.run();
            shown.push(lanes_shown(view(h)));
        }
        assert_eq!(shown[0], shown[1], "{state:?} {ms}");
        total += shown[0].len();
    }
    let all = view(&mut whole).data.whole().goroutines.len();
    assert!(
        total > 0 && total < 4 * all,
        "{total} lanes shown, of {all}"
    );
}

/// The functions of stack `id` of the lanes shown, leaf first.
fn tile_frames(lanes: &crate::ui::derived::ShownLanes, id: crate::model::StackId) -> Vec<String> {
    let frames = lanes.stacks().frames_of(id);
    frames.map(|f| lanes.str(f.func).to_string()).collect()
}

/// The functions of stack `id` of a whole model, leaf first.
fn whole_frames(t: &crate::model::Trace, id: crate::model::StackId) -> Vec<String> {
    let frames = t.stacks.frames_of(id);
    frames.map(|f| t.str(f.func).to_string()).collect()
}

/// The gens trace loaded as an overview, zoomed into its second
/// generation, its tile in view.
fn gens_zoomed_into_its_second_generation(tag: &str) -> Harness<'static, GoTraceApp> {
    let path = copy_of("gens_go127.trace", tag);
    let mut h = open_as_overview(&path);
    zoom_into_generation(view(&mut h), 1);
    h.run();
    frames_until(&mut h, "the tile", |v| v.detail.detail == Detail::Tile);
    h
}

#[test]
fn the_tasks_tab_lists_the_whole_traces_tasks_while_a_tile_is_in_view() {
    use crate::ui::tab::ViewTab;
    let mut h = gens_zoomed_into_its_second_generation("tasks-tile");
    // The tile holds the tasks of its generation only: an index into the
    // whole trace's tasks names another task there, or none.
    let v = view(&mut h);
    let gens = v.data.tiles.as_ref().expect("tiles").source().gens.len();
    assert!(gens >= 2, "{gens} generations");
    super::views::open_tab(&mut h, ViewTab::Tasks);
    h.get_by_label("request").click();
    h.run();
    let v = view(&mut h);
    assert!(v.data.shows_tile(), "the tile is still in view");
    let whole = &v.data.whole().tasks;
    // The first rows: the table draws only those in view.
    let want: Vec<String> = (v.views.tasks.instances.iter().take(3))
        .map(|&i| format!("task {}", whole[i as usize].id))
        .collect();
    assert!(!want.is_empty());
    for label in want {
        assert!(
            h.query_all_by_label(&label).next().is_some(),
            "{label} is listed while the tile is in view"
        );
    }
}

#[test]
fn home_and_end_go_to_the_traces_ends_while_a_tile_is_in_view() {
    let mut h = gens_zoomed_into_its_second_generation("home-tile");
    let (start, end) = {
        let m = &view(&mut h).data.whole().meta;
        (m.start, m.end)
    };
    h.key_press(egui::Key::Home);
    h.run();
    let map = view(&mut h).timeline.map();
    assert!(
        map.start_ns < start && start < map.end_ns(),
        "Home shows the trace's start"
    );
    h.key_press(egui::Key::End);
    h.run();
    let map = view(&mut h).timeline.map();
    assert!(
        map.start_ns < end && end < map.end_ns(),
        "End shows the trace's end"
    );
}
