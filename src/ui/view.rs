//! One open trace: its view tabs (the timeline now; the analyses of
//! issue 4 go beside it), toolbar and legend, the find bar, the details
//! panel, the range panel and the timeline canvas.

use super::derived::TraceData;
use super::details::{self, Nav};
use super::find::{self, FindState};
use super::format;
use super::palette;
use super::range_stats::{self, RangeStatsCache};
use super::timeline::{input, Timeline};
use crate::model::GoLaneState;
use egui::{Color32, RichText, Ui};

/// The views of a trace (analysis tabs are added beside the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTab {
    /// The timeline.
    Timeline,
}

impl ViewTab {
    /// All views, in tab order.
    pub const ALL: [ViewTab; 1] = [ViewTab::Timeline];

    /// Tab title.
    pub fn title(self) -> &'static str {
        match self {
            ViewTab::Timeline => "Timeline",
        }
    }
}

/// A loaded trace and the state of its views.
pub struct TraceView {
    /// The trace and its UI indexes.
    pub data: TraceData,
    /// The timeline.
    pub timeline: Timeline,
    /// Current view.
    pub tab: ViewTab,
    /// Find bar.
    pub find: FindState,
    /// Range statistics.
    pub range_stats: RangeStatsCache,
}

impl TraceView {
    /// A view of a loaded trace.
    pub fn new(data: TraceData) -> TraceView {
        let timeline = Timeline::new(&data);
        TraceView {
            data,
            timeline,
            tab: ViewTab::Timeline,
            find: FindState::default(),
            range_stats: RangeStatsCache::default(),
        }
    }

    /// Opens the find bar and focuses it.
    pub fn open_find(&mut self) {
        self.find.open = true;
        self.find.focus = true;
    }

    /// Shows the view.
    pub fn ui(&mut self, ui: &mut Ui, help_open: &mut bool) {
        self.toolbar_ui(ui, help_open);
        if let Some(loss) = &self.data.trace().meta.loss {
            let m = &self.data.trace().meta;
            ui.colored_label(
                palette::WARNING,
                format!(
                    "Warning: this trace is incomplete: {}. Kept {} generations; lost {} of {}.",
                    loss.message,
                    m.generations,
                    format::bytes(loss.bytes_lost as f64),
                    format::bytes(m.file_bytes as f64)
                ),
            );
        }
        let mut nav: Option<Nav> = None;
        if self.find.open {
            nav = find::find_ui(ui, &self.data, &mut self.timeline, &mut self.find);
        }
        match self.tab {
            ViewTab::Timeline => {
                let data = &self.data;
                egui::Panel::right("details")
                    .resizable(true)
                    .default_size(360.0)
                    .min_size(220.0)
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        if let Some(n) = details::details_ui(ui, data, &self.timeline) {
                            nav = Some(n);
                        }
                    });
                self.range_stats.update(data, &self.timeline);
                if let Some(st) = self.range_stats.stats.clone() {
                    egui::Panel::bottom("range").show(ui, |ui| {
                        ui.add_space(3.0);
                        if range_stats::range_ui(ui, &st, self.timeline.origin_ns) {
                            self.timeline.range = None;
                        }
                        ui.add_space(3.0);
                    });
                }
                egui::CentralPanel::default().show(ui, |ui| {
                    input::canvas_ui(ui, data, &mut self.timeline);
                });
            }
        }
        if let Some(n) = nav {
            details::apply(&self.data, &mut self.timeline, n);
            ui.ctx().request_repaint();
        }
    }

    fn toolbar_ui(&mut self, ui: &mut Ui, help_open: &mut bool) {
        ui.horizontal(|ui| {
            for t in ViewTab::ALL {
                ui.selectable_value(&mut self.tab, t, t.title());
            }
            ui.separator();
            if ui
                .button("Fit")
                .on_hover_text("Fit the selection; again: the whole trace (F)")
                .clicked()
            {
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
            let t = self.data.trace();
            ui.weak(format!(
                "Go {} · {} events · {} goroutines · {} · loaded in {:.0} ms",
                t.meta.version,
                format::count(t.meta.events),
                format::count(t.goroutines.len() as u64),
                format::duration(t.duration()),
                self.data.loaded.load_ms
            ));
        });
    }
}

fn chip(ui: &mut Ui, c: Color32, text: &str) {
    let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(r, 2.0, c);
    ui.label(RichText::new(text).size(12.0));
}

/// The colour legend: goroutine states, GC, STW, assist, sweep.
pub fn legend_ui(ui: &mut Ui) {
    for s in GoLaneState::ALL {
        chip(ui, palette::state(s), s.name());
    }
    chip(ui, palette::GC, "GC");
    chip(ui, palette::STW, "STW");
    chip(ui, palette::MARK_ASSIST, "assist");
    chip(ui, palette::SWEEP, "sweep");
}
