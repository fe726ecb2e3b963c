//! The log search of the tasks tab: every log message (time, goroutine,
//! task, category, message) whose text or category contains the query,
//! computed once per query; goroutines and tasks are links.

use super::compute::{is_big, ready_or_ui, Cached};
use super::table::right_ui;
use crate::analysis::annotations::search_logs;
use crate::format;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use egui::Ui;
use egui_extras::{Column as TCol, TableBuilder};
use std::sync::Arc;

/// State of the log search.
#[derive(Default)]
pub struct LogSearch {
    /// Text searched in log messages and categories.
    pub query: String,
    hits: Cached<String, Vec<u32>>,
}

impl LogSearch {
    /// The search box and its results; returns a link into the timeline,
    /// or a task (index into `Trace::tasks`) to show in the tasks tab.
    pub fn ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>) -> (Option<Nav>, Option<u32>) {
        let tr = data.whole();
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong("Logs");
            ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("search log messages and categories")
                    .desired_width(320.0),
            );
        });
        let q = self.query.trim().to_string();
        let d = Arc::clone(data);
        let q2 = q.clone();
        let status = self.hits.get(&q, !is_big(data), ui.ctx(), move || {
            search_logs(d.whole(), &q2)
        });
        let Some(hits) = ready_or_ui(ui, status, "the log search") else {
            return (None, None);
        };
        ui.weak(format!(
            "{} of {} log messages",
            format::count(hits.len() as u64),
            format::count(tr.logs.len() as u64)
        ));
        let origin = tr.meta.start;
        let mut link = None;
        let mut pick_task = None;
        TableBuilder::new(ui)
            .id_salt("log-table")
            .striped(true)
            .resizable(true)
            .auto_shrink([false, false])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(TCol::initial(100.0))
            .column(TCol::initial(170.0).clip(true))
            .column(TCol::initial(80.0))
            .column(TCol::initial(90.0).clip(true))
            .column(TCol::remainder().clip(true))
            .header(20.0, |mut h| {
                for t in ["Time", "Goroutine", "Task", "Category", "Message"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, hits.len(), |mut row| {
                    let Some(l) = hits.get(row.index()).and_then(|&i| tr.logs.get(i as usize))
                    else {
                        return;
                    };
                    row.col(|ui| right_ui(ui, format::duration(l.time - origin)));
                    row.col(|ui| {
                        if let Some(g) = l.g {
                            if ui.link(tr.goroutine_label(g)).clicked() {
                                link = Some(Nav::Goroutine { g, t: l.time });
                            }
                        }
                    });
                    row.col(|ui| {
                        if l.task.is_user_task() && ui.link(format!("task {}", l.task)).clicked() {
                            pick_task = tr
                                .tasks
                                .iter()
                                .position(|t| t.id == l.task)
                                .map(|i| i as u32);
                        }
                    });
                    row.col(|ui| {
                        ui.label(tr.str(l.category));
                    });
                    row.col(|ui| {
                        let m = tr.str(l.message);
                        ui.label(format::truncate(m, 160)).on_hover_text(m);
                    });
                });
            });
        (link, pick_task)
    }
}
