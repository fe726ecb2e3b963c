//! The Compare view: this trace (A, the baseline) against another one (B)
//! picked with "Compare with…". B is loaded and both traces' figures are
//! computed on a worker thread (see [`crate::analysis::compare`]); the
//! view shows the ranked changes (each a link to its place in A), the
//! goroutine groups side by side, the latency histograms of a region or
//! task type of both, a differential flame graph and both MMU curves;
//! below them, both timelines stacked, moved together (see [`stacked`]).
//! A change's link aligns the timelines on its first instance in both.

pub mod align;
mod flame;
mod plots;
pub mod stacked;
mod tables;

use super::compute::{ready_or_ui, Cached};
use crate::analysis::compare::{compare, Comparison};
use crate::analysis::profiles::ProfileKind;
use crate::format;
use crate::load::compare::{load_compared, load_figures};
use crate::load::{LoadOptions, LoadedTrace, Progress};
use crate::ui::derived::TraceData;
use crate::ui::dialog::{FileDialog, Picked};
use crate::ui::nav::Nav;
use egui::Ui;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Where "Compare with…" takes the other trace from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PickFrom {
    /// The native file dialog.
    #[default]
    Dialog,
    /// This file, without asking (tests, scripts).
    Path(PathBuf),
}

/// A region or task type (of the histograms, of the alignment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DistPick {
    /// A region type.
    Region(String),
    /// A task type.
    Task(String),
}

/// A comparison, and B loaded to be viewed (its timeline).
pub struct Compared {
    /// The figures of both traces and what changed.
    pub comparison: Comparison,
    /// B, as an open trace (a big one as its overview and tiles).
    pub b: Arc<TraceData>,
}

/// The state of the Compare view of one trace.
#[derive(Default)]
pub struct CompareView {
    /// Where the other trace comes from.
    pub pick: PickFrom,
    dialog: Option<FileDialog>,
    /// The trace compared with this one.
    other: Option<PathBuf>,
    result: Cached<PathBuf, Result<Compared, String>>,
    /// The profile of the differential flame graph.
    flame_kind: Option<ProfileKind>,
    /// The region or task type of the histograms.
    dist: Option<DistPick>,
    /// A message about the last pick (no dialog, cancelled).
    message: Option<String>,
    /// The path typed in the box (where no dialog can be shown).
    typed: String,
    /// Both timelines, stacked.
    pub stacked: stacked::Stacked,
}

impl CompareView {
    /// Asks for the other trace (the dialog, or [`PickFrom::Path`] at once).
    pub fn start(&mut self, ctx: &egui::Context) {
        match &self.pick {
            PickFrom::Path(p) => self.set_other(p.clone()),
            PickFrom::Dialog => {
                if self.dialog.is_none() {
                    self.dialog = Some(FileDialog::open(ctx.clone()));
                }
            }
        }
    }

    /// The trace compared with this one, if one was picked.
    pub fn other(&self) -> Option<&PathBuf> {
        self.other.as_ref()
    }

    /// The last comparison computed, if any.
    pub fn comparison(&self) -> Option<Arc<Result<Compared, String>>> {
        self.result.peek()
    }

    fn set_other(&mut self, p: PathBuf) {
        self.other = Some(p);
        self.message = None;
        self.dist = None;
    }

    fn poll_dialog(&mut self) {
        let Some(picked) = self.dialog.as_ref().and_then(FileDialog::poll) else {
            return;
        };
        self.dialog = None;
        match picked {
            Picked::Files(f) => {
                if let Some(p) = f.into_iter().next() {
                    self.set_other(p);
                }
            }
            Picked::Cancelled => {}
            Picked::Unavailable(m) => self.message = Some(m),
        }
    }

    /// Shows the view; a link answers with where to go in this trace.
    pub fn ui(&mut self, ui: &mut Ui, data: &TraceData) -> Option<Nav> {
        self.poll_dialog();
        let mut nav = None;
        ui.horizontal(|ui| {
            let label = if self.other.is_some() {
                "Compare with another…"
            } else {
                "Compare with…"
            };
            if ui
                .button(label)
                .on_hover_text("Pick a trace of the same program to compare with this one")
                .clicked()
            {
                self.start(ui.ctx());
            }
            if self.dialog.is_some() {
                ui.spinner();
            }
            ui.label("or its path:");
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.typed)
                    .hint_text("/path/to/other.trace")
                    .desired_width(360.0),
            );
            let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (entered || ui.button("Compare").clicked()) && !self.typed.trim().is_empty() {
                let p = PathBuf::from(self.typed.trim());
                self.set_other(p);
            }
        });
        if let Some(m) = &self.message {
            ui.colored_label(crate::ui::palette::WARNING, m);
        }
        let Some(other) = self.other.clone() else {
            ui.label(
                "Compare this trace (A, the baseline) with another trace of the same program (B): \
                 what changed, by how much, how sure, and where.",
            );
            return None;
        };
        let (loaded, b) = (Arc::clone(&data.loaded), other.clone());
        let status = self
            .result
            .get(&other, false, ui.ctx(), move || compute(&loaded, b));
        let res = ready_or_ui(ui, status, "the comparison")?;
        let (c, b) = match res.as_ref() {
            Ok(r) => (&r.comparison, &r.b),
            Err(e) => {
                ui.colored_label(crate::ui::palette::ERROR, e);
                return None;
            }
        };
        for (label, s) in [("A", &c.a), ("B", &c.b)] {
            ui.label(format!(
                "{label}: {} (go {}, {})",
                s.info.file,
                s.info.go_version,
                format::duration(s.info.duration_ns)
            ));
        }
        let avail = ui.available_height();
        // Closed, another panel: the open one's size is kept for later.
        let panel = if self.stacked.open {
            egui::Panel::bottom("compare-stacked")
                .resizable(true)
                .default_size(avail * 0.55)
                .min_size(200.0)
                .max_size((avail - 120.0).max(200.0))
        } else {
            egui::Panel::bottom("compare-stacked-closed").resizable(false)
        };
        panel.show(ui, |ui| self.stacked.ui(ui, data, b, c));
        let mut align = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                nav = self.comparison_ui(ui, data, c, &mut align);
            });
        if let Some(a) = align {
            self.stacked.open = true;
            self.stacked.set_align(a, true);
            ui.ctx().request_repaint();
        }
        nav
    }

    fn comparison_ui(
        &mut self,
        ui: &mut Ui,
        data: &TraceData,
        c: &Comparison,
        align: &mut Option<align::Align>,
    ) -> Option<Nav> {
        ui.add_space(6.0);
        ui.heading("What changed");
        let (mut nav, asked) =
            tables::changes_ui(ui, data, c, &mut self.flame_kind, &mut self.dist);
        *align = asked;
        ui.add_space(10.0);
        ui.heading("Goroutine groups");
        let (group_nav, group_align) = tables::groups_ui(ui, data, c);
        nav = nav.or(group_nav);
        *align = align.take().or(group_align);
        ui.add_space(10.0);
        ui.heading("Latency of regions and tasks");
        plots::histograms_ui(ui, c, &mut self.dist);
        ui.add_space(10.0);
        ui.heading("Where the blocking changed");
        flame::flame_ui(ui, c, &mut self.flame_kind);
        ui.add_space(10.0);
        ui.heading("GC and MMU");
        plots::gc_ui(ui, c);
        nav
    }
}

/// The comparison of the trace loaded as `a` with the file `b`, and B
/// loaded to be viewed, under A's memory budget. A's figures come from its
/// load when it kept every goroutine's figures; else (a big trace) it is
/// read again as a comparison reads it.
fn compute(a: &LoadedTrace, b: PathBuf) -> Result<Compared, String> {
    let cancel = AtomicBool::new(false);
    let options = a.options.unwrap_or_else(LoadOptions::configured);
    let fa = match a.compare_figures(&cancel, &|_, _| {}) {
        Ok(f) => f,
        Err(e) => match &a.file {
            Some((path, _)) => load_figures(path, options, &Progress::default(), &cancel)
                .map_err(|e| e.to_string())?,
            None => return Err(e),
        },
    };
    let (mut lb, fb) =
        load_compared(&b, options, &Progress::default(), &cancel).map_err(|e| e.to_string())?;
    if lb.tiles.is_some() {
        // Viewed as any big trace opened under the memory budget is.
        lb.keep_only_groups();
    }
    Ok(Compared {
        comparison: compare(fa, fb),
        b: Arc::new(TraceData::new(lb)),
    })
}
