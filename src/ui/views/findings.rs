//! The Findings tab (key 7): the worst moments of the trace, ranked —
//! leaks, scheduler latency, stop-the-world pauses, mark assists, long
//! system calls, contention — each a link that selects its time range and
//! shows its goroutines on the timeline.

use super::compute::{is_big, ready_or_ui, Cached};
use crate::analysis::findings::{Finding, FindingKind, Findings};
use crate::format;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::rereading::ReadingSlot;
use egui::{RichText, Ui};
use egui_extras::{Column as TCol, TableBuilder};
use std::sync::Arc;

/// State of the Findings tab.
pub struct FindingsView {
    /// Kinds shown (in [`FindingKind::ALL`] order).
    pub shown: [bool; 6],
    /// Keyed by the loaded trace they were computed on.
    cache: Cached<usize, Result<Findings, String>>,
    /// How far a big trace's generations were read again for them.
    reading: ReadingSlot,
}

impl Default for FindingsView {
    fn default() -> Self {
        FindingsView {
            shown: [true; 6],
            cache: Cached::default(),
            reading: ReadingSlot::default(),
        }
    }
}

/// The link of a finding: its goroutines' lanes (if any) and its range.
pub fn finding_link(f: &Finding) -> Nav {
    if f.goroutines.is_empty() {
        return Nav::Range {
            t0: f.start_ns,
            t1: f.end_ns,
        };
    }
    let mut gs = f.goroutines.clone();
    gs.sort_unstable();
    Nav::Lanes {
        goroutines: gs.into(),
        t0: f.start_ns,
        t1: f.end_ns,
        label: format!("{} finding", f.kind.name()),
        arrows: Vec::new(),
    }
}

impl FindingsView {
    /// The findings, once computed.
    pub fn findings(&self) -> Option<Arc<Findings>> {
        let r = self.cache.peek()?;
        r.as_ref().as_ref().ok().map(|f| Arc::new(f.clone()))
    }

    /// The tab; returns a link into the timeline when one was clicked.
    pub fn ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>) -> Option<Nav> {
        // A big trace's findings read its generations again (on a worker
        // thread and rayon's), once.
        let key = Arc::as_ptr(&data.loaded) as usize;
        let reading = if self.cache.has(&key) {
            self.reading.current()
        } else {
            self.reading.renew()
        };
        let d = Arc::clone(data);
        let status = self.cache.get(&key, !is_big(data), ui.ctx(), move || {
            d.loaded
                .findings(&reading.cancel, &|k, n| reading.set(k, n))
        });
        let all = ready_or_ui(ui, status, &self.reading.text("the findings"))?;
        let all = match all.as_ref() {
            Ok(f) => f,
            Err(e) => {
                ui.colored_label(crate::ui::palette::ERROR, format!("the findings: {e}"));
                return None;
            }
        };
        ui.horizontal_wrapped(|ui| {
            ui.strong("Show");
            for (i, k) in FindingKind::ALL.into_iter().enumerate() {
                let n = all.of(k).count();
                ui.checkbox(&mut self.shown[i], format!("{} ({n})", k.name()));
            }
        });
        ui.weak("Worst first, by the goroutine time each cost. Click a finding to see it on the timeline.");
        for (k, text) in &all.notes {
            ui.weak(format!("{}: {text}", k.name()));
        }
        ui.add_space(4.0);
        let rows: Vec<&Finding> = all
            .findings
            .iter()
            .filter(|f| {
                let i = FindingKind::ALL
                    .iter()
                    .position(|&k| k == f.kind)
                    .unwrap_or(0);
                self.shown[i]
            })
            .collect();
        table_ui(ui, &rows)
    }
}

/// The findings shown, one per row; the link of the one clicked.
fn table_ui(ui: &mut Ui, rows: &[&Finding]) -> Option<Nav> {
    let mut link = None;
    TableBuilder::new(ui)
        .id_salt("findings")
        .striped(true)
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(TCol::initial(100.0).at_least(60.0))
        .columns(TCol::initial(90.0).at_least(50.0), 2)
        .column(TCol::initial(200.0).at_least(80.0).clip(true))
        .column(TCol::remainder().clip(true))
        .header(20.0, |mut h| {
            for t in ["Kind", "Duration", "Count", "Function", "What"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(20.0, rows.len(), |mut row| {
                let Some(f) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(f.kind.name());
                });
                row.col(|ui| super::table::right_ui(ui, format::duration(f.duration_ns)));
                row.col(|ui| super::table::right_ui(ui, format::count(f.count)));
                row.col(|ui| {
                    ui.label(RichText::new(&f.function).monospace());
                });
                row.col(|ui| {
                    if ui
                        .link(&f.text)
                        .on_hover_text("Select its time range and show its goroutines")
                        .clicked()
                    {
                        link = Some(finding_link(f));
                    }
                });
            });
        });
    link
}
