//! `gotraceview bench FILE --frames`: replays a scripted sweep through the
//! real app on a headless egui context (layout, painting and
//! tessellation, no GPU) and reports frame times.

use super::app::{GoTraceApp, Tab};
use super::derived::TraceData;
use super::recent::RecentFiles;
use super::timeline::rows::RowKind;
use super::view::TraceView;
use egui::{Event, Pos2, RawInput, Rect, Vec2};
use std::time::Instant;

/// Frame-time figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrameStats {
    /// Frames measured.
    pub frames: usize,
    /// Median frame time.
    pub frame_ms_p50: f64,
    /// 99th percentile frame time.
    pub frame_ms_p99: f64,
    /// Slowest frame.
    pub frame_ms_max: f64,
    /// Screen size used.
    pub screen: [f32; 2],
}

/// The headless driver: one egui context, one app, a fixed screen.
pub struct Driver {
    /// The app.
    pub app: GoTraceApp,
    ctx: egui::Context,
    screen: Rect,
    time: f64,
    times_ms: Vec<f64>,
    /// Current phase of the sweep (reported for slow frames).
    pub phase: &'static str,
    slow: Vec<(f64, &'static str, usize)>,
}

impl Driver {
    /// A driver showing a loaded trace at `size`.
    pub fn new(data: TraceData, size: Vec2) -> Driver {
        let mut app = GoTraceApp::new(&[], RecentFiles::default());
        app.tabs.push(Tab::Ready(Box::new(TraceView::new(data))));
        app.active = Some(0);
        Driver {
            app,
            ctx: egui::Context::default(),
            screen: Rect::from_min_size(Pos2::ZERO, size),
            time: 0.0,
            times_ms: Vec::new(),
            phase: "warm-up",
            slow: Vec::new(),
        }
    }

    /// Runs one frame with `events`; records its time when `measure`.
    pub fn frame(&mut self, events: Vec<Event>, measure: bool) {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(self.screen),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let t0 = Instant::now();
        let app = &mut self.app;
        let mut out = self.ctx.run_ui(input, |ui| app.ui_root(ui));
        // No painter takes the font texture: say so (epaint checks it in
        // debug builds).
        out.textures_delta.clear();
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims.len());
        if measure {
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            if ms > 4.0 {
                self.slow.push((ms, self.phase, self.times_ms.len()));
            }
            self.times_ms.push(ms);
        }
    }

    /// A frame with the pointer at (x, y).
    pub fn hover(&mut self, x: f32, y: f32) {
        self.frame(vec![Event::PointerMoved(Pos2::new(x, y))], true);
    }

    fn view(&mut self) -> Option<&mut TraceView> {
        self.app.active_view()
    }

    /// Frames slower than 4 ms: (ms, phase, frame number).
    pub fn slow_frames(&self) -> &[(f64, &'static str, usize)] {
        &self.slow
    }

    /// Percentiles of the measured frames.
    pub fn stats(&self) -> FrameStats {
        let mut v = self.times_ms.clone();
        v.sort_by(f64::total_cmp);
        let pct = |p: f64| -> f64 {
            if v.is_empty() {
                return 0.0;
            }
            let i = ((v.len() as f64 - 1.0) * p).round() as usize;
            (v[i.min(v.len() - 1)] * 1000.0).round() / 1000.0
        };
        FrameStats {
            frames: v.len(),
            frame_ms_p50: pct(0.5),
            frame_ms_p99: pct(0.99),
            frame_ms_max: pct(1.0),
            screen: [self.screen.width(), self.screen.height()],
        }
    }
}

/// Time of one headless frame drawing the preview of a load (the
/// window's first frame with data: see `gotraceview bench`).
pub fn preview_frame_ms(
    axis: (crate::trace::Time, crate::trace::Time),
    preview: Option<&crate::model::preview::Preview>,
) -> f64 {
    let ctx = egui::Context::default();
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1600.0, 1000.0))),
        ..RawInput::default()
    };
    let t0 = Instant::now();
    let mut out = ctx.run_ui(input, |ui| {
        egui::CentralPanel::default().show(ui, |ui| super::preview::preview_ui(ui, axis, preview));
    });
    // No painter takes the font texture: say so (epaint checks it in
    // debug builds).
    out.textures_delta.clear();
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims.len());
    t0.elapsed().as_secs_f64() * 1e3
}

/// The scripted sweep: zoomed out, lanes expanded and scrolled, zoom to
/// 1 µs, pan there, pan at 1 ms, hover everywhere, a selection with flows.
pub fn run(data: TraceData) -> FrameStats {
    let size = Vec2::new(1600.0, 1000.0);
    let mut d = Driver::new(data, size);
    for _ in 0..5 {
        d.frame(Vec::new(), false);
    }
    d.phase = "zoomed out";
    // Zoomed out, hovering across the proc lanes and counters.
    for i in 0..60 {
        d.hover(300.0 + i as f32 * 20.0, 120.0 + (i % 30) as f32 * 20.0);
    }
    open_and_scroll(&mut d);
    let (mid, full) = match d.view() {
        Some(v) => {
            let t = v.data.whole();
            ((t.meta.start + t.meta.end) / 2, t.duration().max(1))
        }
        None => (0, 1),
    };
    zoom_and_pan(&mut d, mid, full);
    select_zoomed_out(&mut d, mid);
    jump_into_undecoded_generations(&mut d);
    if std::env::var_os("GOTRACEVIEW_BENCH_VERBOSE").is_some() {
        for (ms, phase, n) in d.slow_frames() {
            let took = crate::format::duration((ms * 1e6) as i64);
            eprintln!("slow frame {n}: {took} ({phase})");
        }
    }
    d.stats()
}

/// Opens threads and the largest goroutine groups; scrolls through the lanes.
fn open_and_scroll(d: &mut Driver) {
    d.phase = "open groups, scroll";
    if let Some(v) = d.view() {
        v.timeline
            .toggle(RowKind::Section(super::timeline::rows::Section::Threads));
        let groups = v.data.whole().groups.len().min(3);
        for g in 0..groups {
            v.timeline.toggle(RowKind::Group(g as u32));
        }
    }
    for i in 0..60 {
        if let Some(v) = d.view() {
            v.timeline.set_scroll_y(f64::from(i) * 180.0);
        }
        d.hover(
            500.0 + (i % 40) as f32 * 25.0,
            300.0 + (i % 20) as f32 * 25.0,
        );
    }
}

/// Zooms in to 1 µs around `mid` in steps (from `full`, the trace's
/// length), pans there, then pans a 1 ms window across goroutine lanes.
fn zoom_and_pan(d: &mut Driver, mid: crate::trace::Time, full: crate::trace::Time) {
    d.phase = "zoom to 1 µs";
    let steps = 80;
    for i in 0..=steps {
        let window =
            (full as f64 * (1000.0 / full as f64).powf(i as f64 / steps as f64)).max(1000.0) as i64;
        if let Some(v) = d.view() {
            v.timeline.zoom_to(mid - window / 2, mid + window / 2);
        }
        d.hover(800.0, 400.0 + (i % 10) as f32 * 30.0);
    }
    d.phase = "pan at 1 µs";
    for i in 0..60 {
        if let Some(v) = d.view() {
            v.timeline.pan_px(-40.0);
        }
        d.hover(600.0 + (i % 30) as f32 * 30.0, 350.0);
    }
    d.phase = "pan at 1 ms";
    if let Some(v) = d.view() {
        v.timeline.zoom_to(mid - 500_000, mid + 500_000);
        v.timeline.set_scroll_y(0.0);
    }
    for i in 0..80 {
        if let Some(v) = d.view() {
            v.timeline.pan_px(-25.0);
        }
        d.hover(
            400.0 + (i % 40) as f32 * 28.0,
            100.0 + (i % 35) as f32 * 24.0,
        );
    }
}

/// Zoomed out again with a selected span: flows and overlaps drawn.
fn select_zoomed_out(d: &mut Driver, mid: crate::trace::Time) {
    d.phase = "select, zoomed out";
    if let Some(v) = d.view() {
        let tl = &mut v.timeline;
        tl.fit_all(&v.data);
        let g = v
            .data
            .whole()
            .groups
            .first()
            .and_then(|g| g.members.first().copied());
        if let Some(g) = g {
            tl.go_to(&v.data, g, mid);
        }
    }
    for i in 0..60 {
        d.hover(300.0 + i as f32 * 20.0, 200.0 + (i % 25) as f32 * 28.0);
    }
}

/// A big trace: jumps at 1 ms into generations whose detail is not read
/// yet (the frames draw the overview, hatched, and swap in each tile when
/// it is built).
fn jump_into_undecoded_generations(d: &mut Driver) {
    let gens: Vec<(crate::trace::Time, crate::trace::Time)> = d
        .view()
        .and_then(|v| v.data.tiles.clone())
        .map(|t| {
            let n = t.source().gens.len();
            (0..n)
                .step_by((n / 6).max(1))
                .map(|k| t.source().time_range(&(k..k + 1)))
                .collect()
        })
        .unwrap_or_default();
    d.phase = "jump into undecoded generations";
    for (a, b) in gens {
        let mid = a + (b - a) / 2;
        if let Some(v) = d.view() {
            v.timeline.zoom_to(mid - 500_000, mid + 500_000);
        }
        for i in 0..30 {
            d.hover(
                500.0 + (i % 30) as f32 * 30.0,
                150.0 + (i % 20) as f32 * 30.0,
            );
            if i % 10 == 9 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}

/// Clicks a goroutine's span on the timeline of `data` as a user would:
/// the whole trace in view, the lane of the goroutine with the longest
/// span scrolled into view (its group opened), a click in the middle of
/// that span. Ok once the click selected it (what `bench`'s
/// `first_interactive_ms` waits for), else why not.
pub fn click_a_goroutine_span(data: TraceData) -> Result<(), String> {
    let (g, idx) = longest_span(data.lanes()).ok_or("no goroutine span to click")?;
    let mut d = Driver::new(data, Vec2::new(1600.0, 1000.0));
    d.frame(Vec::new(), false);
    let v = d.view().ok_or("no view")?;
    let span = v
        .timeline
        .span_of(&v.data, super::timeline::SelectedSpan { g, idx });
    v.timeline.go_to(&v.data, g, span.start);
    v.timeline.fit_all(&v.data);
    v.timeline.deselect();
    d.frame(Vec::new(), false);
    let v = d.view().ok_or("no view")?;
    let at = v
        .timeline
        .span_screen_pos(&v.data, g, idx)
        .ok_or("the span's lane is not in view")?;
    d.frame(vec![Event::PointerMoved(at)], false);
    for pressed in [true, false] {
        let click = Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        d.frame(vec![click], false);
    }
    let selected = d.view().and_then(|v| v.timeline.selected());
    match selected {
        Some(s) if s.g == g && s.idx == idx => Ok(()),
        other => Err(format!(
            "the click selected {other:?}, not span {idx} of G{g}"
        )),
    }
}

/// The goroutine with the longest span, and that span's arena index.
pub fn longest_span(t: &super::derived::ShownLanes) -> Option<(crate::model::GIdx, u32)> {
    t.lanes()
        .iter()
        .filter(|(_, lane)| lane.len > 0)
        .flat_map(|(g, lane)| lane.indexes().map(move |i| (g, lane, i)))
        .map(|(g, lane, i)| {
            let s = t.spans().span(&lane, i);
            (s.end - s.start, g, s.idx)
        })
        .max_by_key(|&(len, g, idx)| (len, std::cmp::Reverse((g, idx))))
        .map(|(_, g, idx)| (g, idx))
}
