//! The stall, GC latency, blocking and annotations through the analysis
//! tabs: the goroutine analysis of the stall, the sync profile, the MMU's
//! worst windows, the tasks' latency histograms, the CPU flame graph, and
//! every link back into the timeline.

use super::open_trace;
use super::timeline::view;
use crate::analysis::annotations::TaskItem;
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::tab::ViewTab;
use crate::ui::view::TraceView;
use egui_kittest::kittest::{By, NodeT, Queryable};
use egui_kittest::Harness;

/// Switches view with its number key, as a user would.
pub(super) fn open_tab(h: &mut Harness<'static, GoTraceApp>, t: ViewTab) {
    h.key_press(t.key());
    h.run();
    assert_eq!(view(h).tab, t);
}

/// Labels of the nodes whose label matches `re`.
fn labels_matching(h: &Harness<'static, GoTraceApp>, re: &str) -> Vec<String> {
    let re = regex::Regex::new(re).expect("regex");
    h.query_all(By::new().predicate(move |n| n.label().is_some_and(|l| re.is_match(&l))))
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

#[test]
fn the_goroutine_analysis_shows_the_group_of_10000_streams() {
    let mut h = open_trace("stall_go127.trace");
    open_tab(&mut h, ViewTab::Goroutines);
    h.get_by_label("main.handleStream");
    h.get_by_label("10,000");
    assert!(h.get_all_by_label("Block (select)").count() >= 1);
}

#[test]
fn clicking_a_goroutine_of_the_group_selects_it_on_the_timeline() {
    let mut h = open_trace("stall_go127.trace");
    open_tab(&mut h, ViewTab::Goroutines);
    // The + button on the group's row lists its goroutines.
    let name_y = h.get_by_label("main.handleStream").rect().center().y;
    let arrows: Vec<_> = h.get_all_by_label("+").collect();
    let arrow = arrows
        .iter()
        .min_by(|a, b| {
            (a.rect().center().y - name_y)
                .abs()
                .total_cmp(&(b.rect().center().y - name_y).abs())
        })
        .expect("expand buttons");
    arrow.click();
    h.run();
    h.get_by_label("p99");
    let first = labels_matching(&h, r"^G\d+$")
        .into_iter()
        .next()
        .expect("the group's goroutines are listed");
    let id: i64 = first[1..].parse().expect("an id");
    h.get_by_label(&first).click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    let g = v
        .data
        .whole()
        .goroutines
        .find(crate::trace::GoId(id))
        .expect("goroutine in the trace");
    assert_eq!(v.timeline.selected().map(|s| s.g), Some(g));
    assert!(
        v.timeline.rows().find_goroutine(g).is_some(),
        "its lane is shown"
    );
    // Zoomed to its life: the selected span is in view.
    let sel = v.timeline.selected().expect("selected");
    let span = v.timeline.span_of(&v.data, sel);
    let m = &v.timeline.map();
    assert!(span.end > m.start_ns && span.start < m.end_ns());
    let lane = v.data.whole().lane(g);
    let life = lane.end - v.data.whole().spans.start(lane.first as usize);
    assert!(m.duration_ns() <= life * 2, "zoomed to a life of {life} ns");
}

#[test]
fn clicking_a_group_shows_only_its_lanes_on_the_timeline() {
    let mut h = open_trace("stall_go127.trace");
    open_tab(&mut h, ViewTab::Goroutines);
    h.get_by_label("main.handleStream").click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    let tr = v.data.whole();
    let gi = v.timeline.filter().group.expect("a group filter") as usize;
    assert_eq!(tr.str(tr.groups[gi].name), "main.handleStream");
    assert_eq!(v.timeline.goroutine_rows(), 10_000);
    h.get_by_label_contains("showing only group main.handleStream");
}

#[test]
fn the_goroutine_analysis_scopes_to_the_selected_range() {
    let mut h = open_trace("stall_go127.trace");
    let (a, b) = {
        let t = view(&h).data.whole();
        (t.meta.start, t.meta.start + t.duration() / 20)
    };
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        v.timeline.set_range(Some((a, b)));
    }
    open_tab(&mut h, ViewTab::Goroutines);
    h.get_by_label("selected time range").click();
    h.run();
    assert!(view(&h).views.goroutines.in_range);
    h.get_by_label("main.handleStream");
    assert!(
        h.query_by_label("10,000").is_none(),
        "fewer streams in the first 5%"
    );
}

#[test]
fn the_sync_profile_shows_main_wait_in_the_top_table() {
    let mut h = open_trace("stall_go127.trace");
    open_tab(&mut h, ViewTab::Profiles);
    h.get_by_label("Sync").click();
    h.run();
    h.get_by_label("main.wait");
    h.get_by_label("Save as pprof…");
    // Clicking the function highlights it in the flame graph.
    h.get_by_label("main.wait").click();
    h.run();
    let tr = view(&h).data.whole();
    let hl = view(&h)
        .views
        .profiles
        .flame
        .highlight
        .expect("highlighted");
    assert_eq!(tr.str(hl), "main.wait");
}

#[test]
fn the_mmu_tab_draws_a_curve_and_a_worst_window_selects_its_range_on_the_timeline() {
    let mut h = open_trace("gc_go127.trace");
    open_tab(&mut h, ViewTab::Mmu);
    let md = view(&h).views.mmu.curve().expect("the curve is computed");
    assert!(md.points.len() >= 100, "{} points", md.points.len());
    // MMU grows with the window size and is 0 for tiny windows in this trace.
    assert!(md.points[0][1] < 0.05);
    assert!(md.points[md.points.len() - 1][1] > md.points[0][1]);
    h.get_by_label("10 ms").click();
    h.run();
    assert_eq!(view(&h).views.mmu.window_ns, Some(10_000_000));
    let worst = view(&h).views.mmu.worst_windows();
    assert!(!worst.is_empty());
    let links = labels_matching(&h, r"^\d.* – \d");
    assert_eq!(links.len(), worst.len(), "{links:?}");
    h.get_by_label(&links[0]).click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    assert_eq!(
        v.timeline.range(),
        Some((worst[0].time, worst[0].time + 10_000_000))
    );
}

#[test]
fn clicking_the_mmu_chart_picks_a_window() {
    let mut h = open_trace("gc_go127.trace");
    open_tab(&mut h, ViewTab::Mmu);
    assert_eq!(view(&h).views.mmu.window_ns, None);
    let p = egui::pos2(500.0, 500.0);
    h.event(egui::Event::PointerMoved(p));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run();
    assert!(view(&h).views.mmu.window_ns.is_some());
    assert!(!view(&h).views.mmu.worst_windows().is_empty());
}

#[test]
fn the_tasks_tab_lists_240_requests_and_a_histogram_bucket_filters_them() {
    let mut h = open_trace("annotations_go127.trace");
    open_tab(&mut h, ViewTab::Tasks);
    h.get_by_label("request");
    // "request" and its child "backend" both count 240.
    assert!(h.get_all_by_label("240").count() >= 1);
    h.get_by_label("request").click();
    h.run();
    assert_eq!(view(&h).views.tasks.instances.len(), 240);
    let bucket = labels_matching(&h, r"^bucket .*: [1-9]")
        .into_iter()
        .last()
        .expect("non-empty buckets");
    h.get_all_by_label(&bucket).next().expect("bucket").click();
    h.run();
    let n = view(&h).views.tasks.instances.len();
    assert!(n > 0 && n < 240, "{n} instances after {bucket}");
    let want: usize = bucket
        .rsplit(": ")
        .next()
        .and_then(|c| c.parse().ok())
        .expect("count");
    assert_eq!(n, want);
}

#[test]
fn a_task_lists_its_regions_and_shows_its_goroutines_on_the_timeline() {
    let mut h = open_trace("annotations_go127.trace");
    open_tab(&mut h, ViewTab::Tasks);
    h.get_by_label("request").click();
    h.run();
    let first = {
        let v = view(&h);
        let i = *v.views.tasks.instances.first().expect("instances listed");
        format!("task {}", v.data.whole().tasks[i as usize].id)
    };
    // The row's selectable label (logs link to tasks too).
    h.get_by_role_and_label(egui::accesskit::Role::Button, &first)
        .click();
    h.run();
    assert!(
        !labels_matching(&h, r"^region ").is_empty(),
        "its regions are listed"
    );
    let items = &view(&h)
        .views
        .tasks
        .task_timeline()
        .expect("task contents")
        .items;
    assert!(
        items.iter().any(|i| matches!(i.1, TaskItem::Child(_))),
        "its child task is listed"
    );
    h.get_by_label("Show on timeline").click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    let only = v
        .timeline
        .filter()
        .only
        .clone()
        .expect("only its goroutines");
    assert!(only.len() >= 2, "a request spans several goroutines");
    assert_eq!(v.timeline.goroutine_rows(), only.len());
    let (r0, r1) = v.timeline.range().expect("the task's span");
    assert!(r1 > r0);
    assert_task_in_view(v, r0, r1);
    assert!(
        v.timeline
            .task_arrows()
            .iter()
            .any(|a| a.label.starts_with("child task ") && a.label.ends_with("backend")),
        "an arrow to its child backend task: {:?}",
        v.timeline.task_arrows()
    );
    // Esc clears the range and the arrows.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(view(&h).timeline.task_arrows().is_empty());
}

/// The view shows `[r0, r1)` and not much more (the zoom of a link).
fn assert_task_in_view(v: &TraceView, r0: i64, r1: i64) {
    let m = &v.timeline.map();
    assert!(
        m.start_ns <= r0 && m.end_ns() >= r1,
        "view {}..{} misses {r0}..{r1}",
        m.start_ns,
        m.end_ns()
    );
    assert!(m.duration_ns() < (r1 - r0) * 2, "view zoomed to the span");
}

#[test]
fn a_task_shown_before_the_timeline_was_ever_drawn_is_zoomed_to() {
    let mut app = GoTraceApp::new(
        &[super::trace_path("annotations_go127.trace")],
        crate::ui::recent::RecentFiles::default(),
    );
    app.initial_tab = Some(ViewTab::Tasks);
    let mut h = super::harness(app);
    super::settle(&mut h);
    assert_eq!(view(&h).tab, ViewTab::Tasks);
    h.get_by_label("request").click();
    h.run();
    let first = {
        let v = view(&h);
        let i = *v.views.tasks.instances.first().expect("instances listed");
        format!("task {}", v.data.whole().tasks[i as usize].id)
    };
    h.get_by_role_and_label(egui::accesskit::Role::Button, &first)
        .click();
    h.run();
    h.get_by_label("Show on timeline").click();
    h.run();
    let v = view(&h);
    let (r0, r1) = v.timeline.range().expect("the task's span");
    assert_task_in_view(v, r0, r1);
}

#[test]
fn the_cpu_tab_shows_the_main_functions_of_the_samples() {
    let mut h = open_trace("cpuprofile_go127.trace");
    open_tab(&mut h, ViewTab::Cpu);
    let mains = labels_matching(&h, r"^main\.");
    assert!(!mains.is_empty(), "main.* functions in the top table");
    h.get_by_label_contains("CPU samples");
}

#[test]
fn the_cpu_tab_says_when_the_trace_has_no_samples() {
    let mut h = open_trace("stall_go127.trace");
    open_tab(&mut h, ViewTab::Cpu);
    h.get_by_label("This trace has no CPU samples");
}

#[test]
fn clicking_a_frame_zooms_into_it_and_the_breadcrumb_climbs_back() {
    let mut h = open_trace("cpuprofile_go127.trace");
    open_tab(&mut h, ViewTab::Cpu);
    // The graph starts under the breadcrumb; row 1 is the frame under "all".
    let below = h.get_by_label("Reset zoom").rect().bottom();
    let p = egui::pos2(300.0, below + 8.0 + crate::ui::views::flame::ROW_H * 1.5);
    h.event(egui::Event::PointerMoved(p));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run();
    let zoom = view(&h).views.cpu.flame.zoom;
    assert_ne!(zoom, 0, "zoomed into a frame");
    h.get_by_label("all").click();
    h.run();
    assert_eq!(view(&h).views.cpu.flame.zoom, 0);
}

#[test]
fn save_as_pprof_writes_the_profile_go_tool_pprof_reads() {
    // Saved straight into a folder of our own, dialog or not.
    let dir = std::env::temp_dir().join(format!("gotraceview-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut h = open_trace("blocking_go127.trace");
    open_tab(&mut h, ViewTab::Profiles);
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        v.views.profiles.save_to = crate::ui::views::save::SaveTo::Folder(dir.clone());
    }
    h.get_by_label("Save as pprof…").click();
    // A spinner turns while the file is written: step, do not settle.
    h.run_steps(2);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while view(&h).views.profiles.saving() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run();
    h.get_by_label_contains("Saved ");
    let bytes = std::fs::read(dir.join("sync.pb.gz")).expect("profile written");
    let p = crate::analysis::pprof::decode(&bytes).expect("a pprof profile");
    let delay: i64 = p
        .sample
        .iter()
        .map(|s| s.value.get(1).copied().unwrap_or(0))
        .sum();
    let expect = view(&h)
        .data
        .loaded
        .blocking_profile(
            crate::analysis::profiles::ProfileKind::Sync,
            &crate::analysis::profiles::ProfileScope::All,
            &std::sync::atomic::AtomicBool::new(false),
            &|_, _| {},
        )
        .expect("profile")
        .profile
        .total_delay_ns();
    assert_eq!(delay, expect);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn profiles_scope_to_a_group_a_region_type_and_the_range() {
    use crate::ui::views::profiles::ScopeSel;
    let mut h = open_trace("stall_go127.trace");
    let (gi, range) = {
        let t = view(&h).data.whole();
        let gi = t
            .groups
            .iter()
            .position(|g| t.str(g.name) == "main.handleStream")
            .expect("group") as u32;
        (gi, (t.meta.start, t.meta.end))
    };
    open_tab(&mut h, ViewTab::Profiles);
    for scope in [ScopeSel::Group(gi), ScopeSel::Range] {
        if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
            v.timeline.set_range(Some(range));
            v.views.profiles.scope = scope;
        }
        h.run();
        h.get_by_label("main.wait");
    }
    // Inside "db.lock" regions the workers wait on a sync.Mutex.
    let mut h = open_trace("annotations_go127.trace");
    let region = {
        let t = view(&h).data.whole();
        t.regions
            .iter()
            .map(|r| r.name)
            .find(|&n| t.str(n) == "db.lock")
            .expect("region type")
    };
    open_tab(&mut h, ViewTab::Profiles);
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        v.views.profiles.scope = ScopeSel::Region(region);
    }
    h.run();
    h.get_by_label("sync.(*Mutex).Lock");
    assert!(
        h.query_by_label("main.shard").is_none(),
        "shards wait outside db.lock regions"
    );
}

#[test]
fn the_mmu_percentile_curves_lie_above_the_minimum() {
    let mut h = open_trace("gc_go127.trace");
    open_tab(&mut h, ViewTab::Mmu);
    h.get_by_label("percentiles (95, 99, 99.9)").click();
    h.run();
    assert!(view(&h).views.mmu.percentiles);
    let md = view(&h).views.mmu.curve().expect("the curves");
    assert_eq!(md.percentiles.len(), 3);
    for p in &md.percentiles {
        assert!(!p.is_empty());
        for q in p {
            let mmu = md
                .points
                .iter()
                .min_by(|a, b| (a[0] - q[0]).abs().total_cmp(&(b[0] - q[0]).abs()))
                .map_or(0.0, |m| m[1]);
            // Sampled at other windows than the MMU: allow the curve's slope.
            assert!(q[1] + 0.05 >= mmu, "{q:?} under the MMU {mmu}");
        }
    }
    // Options recompute the curve: without STW, background and assist
    // nothing counts as GC and utilization is 1 everywhere.
    for label in ["stop-the-world", "background mark workers", "mark assist"] {
        h.get_by_label(label).click();
        h.run();
    }
    let md = view(&h).views.mmu.curve().expect("the curves");
    assert!(md.points.iter().all(|p| (p[1] - 1.0).abs() < 1e-9));
}

#[test]
fn a_region_type_lists_its_regions_and_one_jumps_to_its_goroutine() {
    let mut h = open_trace("annotations_go127.trace");
    open_tab(&mut h, ViewTab::Tasks);
    h.get_by_label("db.lock").click();
    h.run();
    let n = view(&h).views.tasks.instances.len();
    assert_eq!(n, 80, "80 db.lock regions");
    let i = view(&h).views.tasks.instances[0];
    let r = view(&h).data.whole().regions[i as usize];
    let label = view(&h).data.whole().goroutine_label(r.g);
    // The instance list's goroutine link (logs may link the same goroutine).
    let link = h
        .query_all(By::new().label(&label).role(egui::accesskit::Role::Link))
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("region's goroutine link");
    link.click();
    h.run();
    let v = view(&h);
    assert_eq!(v.tab, ViewTab::Timeline);
    assert_eq!(v.timeline.selected().map(|s| s.g), Some(r.g));
    assert_eq!(v.timeline.range(), Some((r.start, r.end)));
}
