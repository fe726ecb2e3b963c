//! One open trace: its view tabs (the timeline and, beside it, the
//! analyses), toolbar and legend, the find bar, the details panel, the
//! range panel and the timeline canvas; links from the analyses move the
//! timeline.

use super::bookmarks::Bookmarks;
use super::chip::labelled_chip_ui;
use super::derived::TraceData;
use super::detail::DetailState;
use super::details;
use super::export::ExportWindow;
use super::find::{self, FindState};
use super::history::{self, History, Visit};
use super::nav::Nav;
use super::palette;
use super::range_stats::{self, RangeStatsCache};
use super::reload::ViewSnapshot;
use super::source::{self, SourcePanel};
use super::tab::ViewTab;
use super::timeline::{input, Timeline};
use super::views::Views;
use super::why::{paint_path, why_ui, WhyView};
use crate::format;
use crate::model::GoLaneState;
use crate::trace::Time;
use egui::{Color32, RichText, Ui};
use std::sync::Arc;

/// A loaded trace and the state of its views.
pub struct TraceView {
    /// The trace and its UI indexes (shared with analysis workers).
    pub data: Arc<TraceData>,
    /// The timeline.
    pub timeline: Timeline,
    /// Current view.
    pub tab: ViewTab,
    /// Find bar.
    pub find: FindState,
    /// Range statistics.
    pub range_stats: RangeStatsCache,
    /// The analysis views.
    pub views: Views,
    /// Detail tiles and changes of the file on disk.
    pub detail: DetailState,
    /// Set when the user asked to read the file again.
    pub reload_requested: bool,
    /// The critical path shown ("Why?").
    pub why: WhyView,
    /// Where the user was before each jump (Alt+Left / Alt+Right).
    pub history: History,
    /// Bookmarks (`M`), kept per trace.
    pub bookmarks: Bookmarks,
    /// The source of the frame clicked last.
    pub source: SourcePanel,
    /// "Export to Perfetto…".
    pub export: ExportWindow,
    /// Where exports of a trace without a folder (a URL) go.
    pub export_dir: std::path::PathBuf,
}

impl TraceView {
    /// A view of a loaded trace.
    pub fn new(data: TraceData) -> TraceView {
        let timeline = Timeline::new(&data);
        TraceView {
            data: Arc::new(data),
            timeline,
            tab: ViewTab::Timeline,
            find: FindState::default(),
            range_stats: RangeStatsCache::default(),
            views: Views::default(),
            detail: DetailState::default(),
            reload_requested: false,
            why: WhyView::default(),
            history: History::default(),
            bookmarks: Bookmarks::default(),
            source: SourcePanel::default(),
            export: ExportWindow::default(),
            export_dir: std::env::temp_dir(),
        }
    }

    /// Keeps bookmarks and source roots in `config`; `key` is the trace's
    /// content hash, set by the loader once known.
    pub fn attach(
        &mut self,
        config: Option<std::path::PathBuf>,
        key: Arc<std::sync::OnceLock<String>>,
    ) {
        let t = self.data.whole();
        self.source = SourcePanel::new(&self.data.loaded.name, &t.meta.version, config.as_deref());
        self.bookmarks.attach(config, key);
    }

    /// What the view shows now, to show again after a reload.
    pub fn snapshot(&self) -> ViewSnapshot {
        ViewSnapshot::of(self.tab, &self.data, &self.timeline)
    }

    /// Shows what `s` showed, as far as this load has it.
    pub fn restore(&mut self, s: &ViewSnapshot) {
        self.tab = s.restore(&self.data, &mut self.timeline);
    }

    /// What is shown now (for the history).
    pub fn visit(&self) -> Visit {
        Visit::capture(self.tab, &self.data, &self.timeline, &self.find)
    }

    /// Records the current place before a jump.
    pub fn record_jump(&mut self) {
        let here = self.visit();
        self.history.record(here);
    }

    /// Goes back or forward in the history; false if there was nowhere to go.
    pub fn step(&mut self, step: history::Step) -> bool {
        let here = self.visit();
        match self.history.step(step, here) {
            Some(p) => {
                self.tab = p.restore(&self.data, &mut self.timeline, &mut self.find);
                true
            }
            None => false,
        }
    }

    /// Shows bookmark `i` (a jump: recorded in the history).
    pub fn show_bookmark(&mut self, i: usize) {
        let Some(b) = self.bookmarks.items.get(i).cloned() else {
            return;
        };
        self.record_jump();
        self.tab = ViewTab::Timeline;
        b.show(&self.data, &mut self.timeline);
    }

    /// Opens the find bar and focuses it.
    pub fn open_find(&mut self) {
        self.tab = ViewTab::Timeline;
        self.find.open = true;
        self.find.focus = true;
    }

    /// Goes where a link or button asked: on the timeline, recording the
    /// place left in the history when it is a jump.
    pub fn go(&mut self, nav: Nav) {
        if nav.is_jump() {
            self.record_jump();
        }
        self.tab = ViewTab::Timeline;
        let (data, tl) = (&self.data, &mut self.timeline);
        let whole_range = |t0: Time, t1: Time| (t0, t1.max(t0 + 1));
        match nav {
            Nav::Goto { g, t } => tl.go_to(data, g, t),
            Nav::Goroutine { g, t } => {
                tl.go_to(data, g, t);
                // Show its whole life when it is out of view or a speck in it.
                let tr = data.whole();
                if let Some(lane) = tr.lanes.get(g).filter(|l| l.len > 0) {
                    let (a, b) = (tr.spans.start(lane.first as usize), lane.end);
                    let (v0, v1) = (tl.map().start_ns, tl.map().end_ns());
                    if a < v0 || b > v1 || (b - a) < (v1 - v0) / 20 {
                        tl.zoom_to(a, b);
                    }
                }
            }
            Nav::Select(s) => {
                let span = tl.span_of(data, s);
                tl.go_to(data, s.g, span.start + (span.end - span.start) / 2);
            }
            Nav::Origin(t) => tl.set_origin(t),
            Nav::Group(gi) => {
                let tr = data.whole();
                let Some(group) = tr.groups.get(gi as usize) else {
                    return;
                };
                let label = format!("group {}", tr.str(group.name));
                self.find.restrict(data, tl, Some(gi), None, label);
            }
            Nav::GoroutineRange { g, t0, t1 } => {
                tl.go_to(data, g, t0);
                let (a, b) = whole_range(t0, t1);
                tl.set_range(Some((a, b)));
                tl.zoom_to(a, b);
            }
            Nav::Range { t0, t1 } => {
                let (a, b) = whole_range(t0, t1);
                tl.set_range(Some((a, b)));
                tl.zoom_to(a, b);
            }
            Nav::Lanes {
                goroutines,
                t0,
                t1,
                label,
                arrows,
            } => {
                self.find.restrict(data, tl, None, Some(goroutines), label);
                tl.set_task_arrows(arrows);
                let (a, b) = whole_range(t0, t1);
                tl.set_range(Some((a, b)));
                tl.zoom_to(a, b);
            }
            Nav::Why(target) => self.why.show(data, tl, target),
            Nav::PathSegment(cause) => self.why.next_segment(data, tl, cause),
            Nav::PathGoroutine(g) => self.why.show_goroutine(data, tl, g),
            Nav::PathLanes => self.why.toggle_lanes(data, tl, &mut self.find),
            Nav::ClearPath => self.why.clear(data, tl, &mut self.find),
        }
    }

    /// Switches views with the keys 1 to 8 (when no text field has focus).
    fn tab_keys(&mut self, ui: &Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let pressed = ui.input(|i| {
            ViewTab::ALL
                .into_iter()
                .find(|t| i.key_pressed(t.key()) && i.modifiers.is_none())
        });
        if let Some(t) = pressed {
            self.tab = t;
        }
    }

    /// The history and bookmark keys and windows, and recording a view
    /// switch with a selection as a jump (`tab_before`: the view shown
    /// before this frame's switch).
    fn loop_ui(&mut self, ui: &mut Ui, tab_before: ViewTab) {
        let ctx = ui.ctx().clone();
        if self.tab != tab_before
            && (self.timeline.selected().is_some() || self.timeline.range().is_some())
        {
            let mut before = self.visit();
            before.tab = tab_before;
            self.history.record(before);
        }
        if let Some(step) = history::step_input(&ctx) {
            if self.step(step) {
                ctx.request_repaint();
            }
        }
        self.bookmarks.poll_key();
        if self.tab == ViewTab::Timeline {
            self.bookmarks.key_ui(ui, &self.data, &self.timeline);
        }
        self.bookmarks.note_ui(&ctx, self.timeline.origin_ns());
        if self.export.open {
            self.export
                .window_ui(&ctx, &self.data, self.timeline.range());
        }
        if self.bookmarks.list_open {
            if let Some(i) = self.bookmarks.list_ui(&ctx, self.timeline.origin_ns()) {
                self.show_bookmark(i);
                ctx.request_repaint();
            }
        }
    }

    /// Shows the view.
    pub fn ui(&mut self, ui: &mut Ui, help_open: &mut bool) {
        let tab_before = self.tab;
        self.tab_keys(ui);
        self.detail
            .update(ui.ctx(), &mut self.data, &mut self.timeline);
        if self.why.poll(&self.data, &mut self.timeline) {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.toolbar_ui(ui, help_open);
        self.file_changed_ui(ui);
        self.loop_ui(ui, tab_before);
        self.loss_ui(ui);
        self.first_part_ui(ui);
        let mut nav: Option<Nav> = None;
        self.find.poll(ui.ctx(), &self.data, &mut self.timeline);
        if self.find.open && self.tab == ViewTab::Timeline {
            nav = find::find_ui(ui, &self.data, &mut self.timeline, &mut self.find);
        }
        let clicked = match self.tab {
            ViewTab::Timeline => self.timeline_tab_ui(ui),
            tab => self.analysis_tab_ui(ui, tab),
        };
        if let Some(n) = clicked.or(nav) {
            self.go(n);
            ui.ctx().request_repaint();
        }
    }

    /// "The file changed on disk", with Reload.
    fn file_changed_ui(&mut self, ui: &mut Ui) {
        let Some(m) = &self.detail.changed else {
            return;
        };
        ui.horizontal(|ui| {
            ui.colored_label(
                palette::WARNING,
                format!("{m} — what is drawn is what was loaded."),
            );
            if ui
                .button("Reload")
                .on_hover_text("Read the file again, keeping the view")
                .clicked()
            {
                self.reload_requested = true;
            }
        });
    }

    /// How much of a truncated trace was lost.
    fn loss_ui(&self, ui: &mut Ui) {
        let m = &self.data.whole().meta;
        if let Some(loss) = &m.loss {
            ui.colored_label(
                palette::WARNING,
                format!(
                    "Warning: this trace is incomplete: {}. Kept {} generations; lost {} of {}.",
                    loss.message,
                    m.generations,
                    format::bytes(loss.bytes_lost),
                    format::bytes(m.file_bytes)
                ),
            );
        }
    }

    /// That this shows the first generations of a trace still loading, and
    /// how much of it they are: every view covers only them.
    fn first_part_ui(&self, ui: &mut Ui) {
        let Some(part) = self.data.loaded.first_part else {
            return;
        };
        let shown = self.data.whole().meta.end;
        ui.colored_label(
            palette::WARNING,
            format!(
                "Partial: the first {} of the trace ({} of {}, up to {}), while the rest loads. \
                 Every view here covers only them; the whole trace replaces them, in place, when it is loaded.",
                if part.generations == 1 {
                    "generation".to_string()
                } else {
                    format!("{} generations", part.generations)
                },
                format::bytes(part.bytes),
                format::bytes(part.file_bytes),
                format::duration(shown - self.data.whole().meta.start),
            ),
        );
    }

    /// The timeline with its panels: details and Why? on the right, the
    /// source and the range's statistics below; the navigation a link asked for.
    fn timeline_tab_ui(&mut self, ui: &mut Ui) -> Option<Nav> {
        let mut nav = None;
        let data = &self.data;
        egui::Panel::right("details")
            .resizable(true)
            .default_size(360.0)
            .min_size(220.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                if let Some(n) = why_ui(ui, data, &self.timeline, &self.why) {
                    nav = Some(n);
                }
                if let Some(n) = details::details_ui(ui, data, &self.timeline) {
                    nav = Some(n);
                }
            });
        if let Some(f) = source::take_request(ui.ctx()) {
            self.source.show(f);
        }
        if self.source.frame.is_some() {
            egui::Panel::bottom("source")
                .resizable(true)
                .default_size(300.0)
                .min_size(240.0)
                .show(ui, |ui| self.source.panel_ui(ui));
        }
        self.range_panel_ui(ui);
        let fit_key = !ui.ctx().egui_wants_keyboard_input()
            && ui.input(|i| i.key_pressed(egui::Key::F) && !i.modifiers.command);
        if fit_key {
            self.record_jump();
        }
        self.canvas_ui(ui);
        nav
    }

    /// The statistics of the selected time range, below the timeline.
    fn range_panel_ui(&mut self, ui: &mut Ui) {
        self.range_stats.update(&self.data, &self.timeline);
        if let Some(st) = self.range_stats.stats.clone() {
            egui::Panel::bottom("range").show(ui, |ui| {
                ui.add_space(3.0);
                if range_stats::range_ui(ui, &st, self.timeline.origin_ns()) {
                    self.timeline.set_range(None);
                }
                ui.add_space(3.0);
            });
        }
    }

    /// The timeline canvas, with what is drawn over it: the detail tile's
    /// state, the critical path, the bookmark flags.
    fn canvas_ui(&mut self, ui: &mut Ui) {
        let data = &self.data;
        let flag = egui::CentralPanel::default()
            .show(ui, |ui| {
                input::canvas_ui(ui, data, &mut self.timeline);
                if let Some(a) = self.timeline.last_frame().areas {
                    self.detail.paint(ui.painter(), data, &self.timeline, &a);
                }
                if let Some(pv) = &self.why.path {
                    paint_path(ui.painter(), &self.timeline, pv);
                }
                self.bookmarks.flags_ui(ui, &self.timeline)
            })
            .inner;
        if let Some(i) = flag {
            self.show_bookmark(i);
        }
    }

    /// An analysis view; the navigation a link asked for.
    fn analysis_tab_ui(&mut self, ui: &mut Ui, tab: ViewTab) -> Option<Nav> {
        let range = self.timeline.range();
        let selected = self.timeline.selected().map(|s| s.g);
        let data = &self.data;
        let v = &mut self.views;
        egui::CentralPanel::default()
            .show(ui, |ui| match tab {
                ViewTab::Goroutines => v.goroutines.ui(ui, data, range),
                ViewTab::Profiles => v.profiles.ui(ui, data, range),
                ViewTab::Mmu => v.mmu.ui(ui, data),
                ViewTab::Tasks => v.tasks.ui(ui, data),
                ViewTab::Cpu => v.cpu.ui(ui, data, range, selected),
                ViewTab::Findings => v.findings.ui(ui, data),
                ViewTab::Compare => v.compare.ui(ui, data),
                ViewTab::Timeline => None,
            })
            .inner
    }

    fn timeline_buttons_ui(&mut self, ui: &mut Ui) {
        if ui
            .button("Fit")
            .on_hover_text("Fit the selection; again: the whole trace (F)")
            .clicked()
        {
            self.record_jump();
            self.timeline.fit_selection(&self.data);
        }
        if ui
            .button("Find")
            .on_hover_text("Find a goroutine, filter lanes (Ctrl+F)")
            .clicked()
        {
            if self.find.open {
                self.find.open = false;
            } else {
                self.open_find();
            }
        }
    }

    /// Back, forward, "Export to Perfetto…" and the bookmarks list, drawn
    /// right to left at the end of the app's tab bar.
    pub fn loop_buttons_ui(&mut self, ui: &mut Ui) {
        if ui
            .button(format!("Bookmarks ({})", self.bookmarks.items.len()))
            .on_hover_text("M keeps the selection or the view; this lists them")
            .clicked()
        {
            self.bookmarks.list_open = !self.bookmarks.list_open;
        }
        // Not of the first generations alone, while the whole trace loads.
        let whole = self.data.loaded.first_part.is_none();
        if ui
            .add_enabled(whole, egui::Button::new("Export to Perfetto…"))
            .on_hover_text("Write the whole trace or the selected range for ui.perfetto.dev")
            .on_disabled_hover_text("When the whole trace is loaded")
            .clicked()
        {
            let has_range = self.timeline.range().is_some();
            self.export.show(&self.data, &self.export_dir, has_range);
        }
        let fwd = ui.add_enabled(self.history.forward_len() > 0, egui::Button::new("»"));
        if fwd.on_hover_text("Forward (Alt+Right)").clicked() {
            self.step(history::Step::Forward);
        }
        let back = ui.add_enabled(self.history.back_len() > 0, egui::Button::new("«"));
        if back.on_hover_text("Back (Alt+Left)").clicked() {
            self.step(history::Step::Back);
        }
    }

    fn toolbar_ui(&mut self, ui: &mut Ui, help_open: &mut bool) {
        ui.horizontal(|ui| {
            for (i, t) in ViewTab::ALL.into_iter().enumerate() {
                ui.selectable_value(&mut self.tab, t, t.title())
                    .on_hover_text(format!("key {}", i + 1));
            }
            ui.separator();
            if ui
                .button("Compare with…")
                .on_hover_text("Compare this trace with another trace of the same program")
                .clicked()
            {
                self.tab = ViewTab::Compare;
                self.views.compare.start(ui.ctx());
            }
            if self.tab == ViewTab::Timeline {
                self.timeline_buttons_ui(ui);
            }
            if ui
                .button("?")
                .on_hover_text("Keyboard and mouse (?)")
                .clicked()
            {
                *help_open = !*help_open;
            }
            ui.separator();
            legend_ui(ui);
            ui.separator();
            let t = self.data.whole();
            let facts = format!(
                "Go {} · {} events · {} goroutines · {} · loaded in {}",
                t.meta.version,
                format::count(t.meta.events),
                format::count(t.goroutines.len() as u64),
                format::duration(t.duration()),
                format::duration((self.data.loaded.load_ms * 1e6) as i64)
            );
            // Truncated: a toolbar wider than the window would push the
            // details panel off its right edge.
            ui.add(egui::Label::new(RichText::new(facts).weak()).truncate());
        });
    }
}

/// The colour legend: goroutine states, GC, STW, assist, sweep.
pub fn legend_ui(ui: &mut Ui) {
    let mut entry =
        |c: Color32, text: &str| labelled_chip_ui(ui, c, RichText::new(text).size(12.0));
    for s in GoLaneState::ALL {
        entry(palette::state(s), s.name());
    }
    entry(palette::GC, "GC");
    entry(palette::STW, "STW");
    entry(palette::MARK_ASSIST, "assist");
    entry(palette::SWEEP, "sweep");
}
