//! The tasks and regions tab: tables by task type and by region type
//! (count, latency histogram whose buckets filter the instances, p50, p90,
//! max), the instances of the chosen type, a task's regions, logs, child
//! tasks and goroutines in time order (with parent and children as links),
//! and a search over log messages. Selecting a task shows it on the
//! timeline: its goroutines only, its span as the time range, and arrows
//! from its parent's beginning and to its children's. "Why?" shows the
//! critical path of a region or task, or sums those of a type's instances.

mod detail;
mod why;

use super::compute::{is_big, ready_or_ui, Cached};
use super::histogram::{histogram_ui, labelled_histogram_ui};
use super::logs::LogSearch;
use super::table::{right_ui, sort_header_ui, SortBy};
use crate::analysis::annotations::{region_types, task_timeline, TaskTimeline, TypeStats};
use crate::analysis::critical_path::Target;
use crate::analysis::histogram::{bucket_of, quantile};
use crate::format;
use crate::model::Trace;
use crate::trace::ids::TaskId;
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use egui::{RichText, Ui};
use egui_extras::{Column as TCol, TableBuilder, TableRow};
use std::sync::Arc;

/// Tasks or regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Tasks (`trace.NewTask`).
    Task,
    /// Regions (`trace.WithRegion`, `StartRegion`).
    Region,
}

/// Both type tables.
pub struct TypeTables {
    /// Task types.
    pub tasks: Vec<TypeStats>,
    /// Region types.
    pub regions: Vec<TypeStats>,
}

impl TypeTables {
    fn of(&self, k: Kind) -> &[TypeStats] {
        match k {
            Kind::Task => &self.tasks,
            Kind::Region => &self.regions,
        }
    }
}

/// What the instance list depends on: type, bucket, sort.
type InstancesKey = (Option<(Kind, usize)>, Option<usize>, SortBy);

/// State of the tasks and regions tab.
pub struct TasksView {
    /// The type whose instances are listed.
    pub selected_type: Option<(Kind, usize)>,
    /// Only instances in this histogram bucket.
    pub bucket: Option<usize>,
    /// The task shown in detail (index into `Trace::tasks`).
    pub selected_task: Option<u32>,
    /// The log search.
    pub logs: LogSearch,
    /// Sort of the instance list (1 start, 2 duration).
    pub sort: SortBy,
    /// The instances listed (indexes into `Trace::tasks` or `Trace::regions`).
    pub instances: Vec<u32>,
    types: Cached<(), TypeTables>,
    /// The summed critical paths of a type's instances ("Why?").
    pub why: why::TypeWhy,
    /// The detailed task: index, contents, parent's index.
    task: Option<(u32, TaskTimeline, Option<u32>)>,
    instances_key: Option<InstancesKey>,
}

impl Default for TasksView {
    fn default() -> Self {
        TasksView {
            selected_type: None,
            bucket: None,
            selected_task: None,
            logs: LogSearch::default(),
            sort: SortBy::desc(2),
            instances: Vec::new(),
            types: Cached::default(),
            why: why::TypeWhy::default(),
            task: None,
            instances_key: None,
        }
    }
}

/// Span of an instance: (start, end) when both ends are in the trace.
fn span_of(tr: &Trace, k: Kind, i: u32) -> (Option<Time>, Option<Time>) {
    match k {
        Kind::Task => tr
            .tasks
            .get(i as usize)
            .map_or((None, None), |t| (t.start, t.end)),
        Kind::Region => tr.regions.get(i as usize).map_or((None, None), |r| {
            (r.has_start.then_some(r.start), r.has_end.then_some(r.end))
        }),
    }
}

fn duration_of(tr: &Trace, k: Kind, i: u32) -> Option<Time> {
    match span_of(tr, k, i) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    }
}

impl TasksView {
    fn refresh_instances(&mut self, tr: &Trace, types: &TypeTables) {
        let key = (self.selected_type, self.bucket, self.sort);
        if self.instances_key == Some(key) {
            return;
        }
        self.instances_key = Some(key);
        self.instances.clear();
        let Some((k, ti)) = self.selected_type else {
            return;
        };
        let Some(t) = types.of(k).get(ti) else {
            return;
        };
        let bucket = self.bucket;
        self.instances = t
            .members
            .iter()
            .copied()
            .filter(|&i| {
                bucket.is_none_or(|b| duration_of(tr, k, i).is_some_and(|d| bucket_of(d) == b))
            })
            .collect();
        let s = self.sort;
        self.instances.sort_by(|&a, &b| match s.column {
            1 => s.order(&span_of(tr, k, a).0, &span_of(tr, k, b).0),
            _ => s.order(&duration_of(tr, k, a), &duration_of(tr, k, b)),
        });
    }

    /// Chooses a type (and optionally a bucket) whose instances are listed.
    pub fn select_type(&mut self, k: Kind, ti: usize, bucket: Option<usize>) {
        self.selected_type = Some((k, ti));
        self.bucket = bucket;
    }

    /// Selects task `i` for the detail panel.
    pub fn select_task(&mut self, tr: &Trace, i: u32) {
        self.selected_task = Some(i);
        if self.task.as_ref().is_none_or(|t| t.0 != i) {
            let parent = tr
                .tasks
                .get(i as usize)
                .and_then(|t| t.parent)
                .and_then(|parent| tr.tasks.iter().position(|p| p.id == parent))
                .map(|p| p as u32);
            self.task = Some((i, task_timeline(tr, i as usize), parent));
        }
    }

    /// The selected task's contents in time order.
    pub fn task_timeline(&self) -> Option<&TaskTimeline> {
        self.task.as_ref().map(|t| &t.1)
    }

    /// The tab; returns a link into the timeline when one was clicked.
    pub fn ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>) -> Option<Nav> {
        let tr = data.whole();
        if tr.tasks.is_empty() && tr.regions.is_empty() && tr.logs.is_empty() {
            ui.add_space(30.0);
            ui.vertical_centered(|ui| {
                ui.heading("This trace has no tasks, regions or logs");
                ui.label("They come from runtime/trace's NewTask, WithRegion/StartRegion and Log in the traced program.");
            });
            return None;
        }
        let d = Arc::clone(data);
        let status = self
            .types
            .get(&(), !is_big(data), ui.ctx(), move || TypeTables {
                tasks: crate::analysis::annotations::task_types(d.whole()),
                regions: region_types(d.whole()),
            });
        let types = ready_or_ui(ui, status, "the task and region types")?;
        self.refresh_instances(tr, &types);
        let mut link = None;
        let avail = ui.available_height();
        egui::Panel::top("task-types")
            .resizable(true)
            .default_size((avail * 0.36).max(160.0))
            .min_size(100.0)
            .show(ui, |ui| {
                ui.columns(2, |cols| {
                    cols[0].strong("Task types");
                    self.types_ui(&mut cols[0], tr, &types, Kind::Task);
                    cols[1].strong("Region types");
                    self.types_ui(&mut cols[1], tr, &types, Kind::Region);
                });
            });
        egui::Panel::bottom("log-search")
            .resizable(true)
            .default_size((avail * 0.26).max(120.0))
            .min_size(80.0)
            .show(ui, |ui| {
                let (l, task) = self.logs.ui(ui, data);
                if let Some(t) = task {
                    self.select_task(tr, t);
                }
                if let Some(l) = l {
                    link = Some(l);
                }
            });
        egui::Panel::right("task-detail")
            .resizable(true)
            .default_size(460.0)
            .min_size(280.0)
            .show(ui, |ui| {
                if let Some(l) = self.task_ui(ui, tr) {
                    link = Some(l);
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(l) = self.instances_ui(ui, data, &types) {
                link = Some(l);
            }
        });
        link
    }

    fn types_ui(&mut self, ui: &mut Ui, tr: &Trace, types: &TypeTables, k: Kind) {
        let list = types.of(k);
        if list.is_empty() {
            ui.weak(match k {
                Kind::Task => "no tasks",
                Kind::Region => "no regions",
            });
            return;
        }
        let mut pick = None;
        ui.push_id(k, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .auto_shrink([false, true])
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(TCol::initial(130.0).at_least(60.0).clip(true))
                .column(TCol::initial(56.0))
                .column(TCol::initial(170.0).at_least(80.0))
                .columns(TCol::initial(74.0).at_least(40.0), 3)
                .header(20.0, |mut h| {
                    for t in ["Type", "Count", "Latency histogram", "p50", "p90", "max"] {
                        h.col(|ui| {
                            ui.strong(t);
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, list.len(), |mut row| {
                        let i = row.index();
                        let Some(t) = list.get(i) else { return };
                        let sel = self.selected_type == Some((k, i));
                        row.col(|ui| {
                            if ui
                                .selectable_label(sel, RichText::new(tr.str(t.name)).monospace())
                                .clicked()
                            {
                                pick = Some((i, None));
                            }
                        });
                        row.col(|ui| right_ui(ui, format::count(t.count as u64)));
                        row.col(|ui| {
                            let w = ui.available_width() - 4.0;
                            let b = if sel { self.bucket } else { None };
                            if let Some(b) = histogram_ui(ui, &t.histogram, b, w, 16.0, (k, i)) {
                                pick = Some((i, Some(b)));
                            }
                        });
                        for q in [0.5, 0.9, 1.0] {
                            row.col(|ui| {
                                if t.durations.is_empty() {
                                    right_ui(ui, "-");
                                } else {
                                    right_ui(ui, format::duration(quantile(&t.durations, q)));
                                }
                            });
                        }
                    });
                });
        });
        if let Some((i, b)) = pick {
            self.select_type(k, i, b);
        }
    }

    fn instances_ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        types: &TypeTables,
    ) -> Option<Nav> {
        let Some((k, ti)) = self.selected_type else {
            ui.add_space(12.0);
            ui.weak("Pick a task or region type above (or a bucket of its histogram) to list its instances.");
            return None;
        };
        let t = types.of(k).get(ti)?;
        self.instances_title_ui(ui, data.whole(), k, t);
        let w = ui.available_width().min(720.0);
        if let Some(b) =
            labelled_histogram_ui(ui, &t.histogram, self.bucket, w, 56.0, ("big", k, ti))
        {
            self.bucket = if self.bucket == Some(b) {
                None
            } else {
                Some(b)
            };
        }
        self.why.ui(ui, data, k, ti, t, self.bucket);
        ui.add_space(4.0);
        self.instances_table_ui(ui, data.whole(), k)
    }

    /// "12 tasks of type request", and the duration bucket picked.
    fn instances_title_ui(&mut self, ui: &mut Ui, tr: &Trace, k: Kind, t: &TypeStats) {
        let what = match k {
            Kind::Task => "task",
            Kind::Region => "region",
        };
        ui.horizontal(|ui| {
            ui.strong(format!(
                "{} {what}s of type {}",
                format::count(self.instances.len() as u64),
                tr.str(t.name)
            ));
            if let Some(b) = self.bucket {
                ui.weak(format!(
                    "lasting {} – {}",
                    format::duration(crate::analysis::histogram::bucket_min(b)),
                    format::duration(crate::analysis::histogram::bucket_min(b + 1))
                ));
                if ui.small_button("all durations").clicked() {
                    self.bucket = None;
                }
            }
        });
    }

    /// The instances of the type picked, sortable by start and duration;
    /// picking a task shows it below.
    fn instances_table_ui(&mut self, ui: &mut Ui, tr: &Trace, k: Kind) -> Option<Nav> {
        let mut sort = self.sort;
        let (mut link, mut pick_task) = (None, None);
        let headers: [&str; 5] = match k {
            Kind::Task => ["Task", "Start", "Duration", "Parent", "Started by"],
            Kind::Region => ["Goroutine", "Start", "Duration", "Task", "Nesting"],
        };
        TableBuilder::new(ui)
            .id_salt(("instances", k))
            .striped(true)
            .resizable(true)
            .auto_shrink([false, false])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(TCol::initial(140.0).at_least(60.0).clip(true))
            .columns(TCol::initial(110.0).at_least(50.0), 3)
            .column(TCol::remainder().clip(true))
            .header(20.0, |mut h| {
                for (i, t) in headers.iter().enumerate() {
                    h.col(|ui| {
                        if i == 1 || i == 2 {
                            sort_header_ui(ui, t, i, &mut sort);
                        } else {
                            ui.strong(*t);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(19.0, self.instances.len(), |mut row| {
                    let Some(&i) = self.instances.get(row.index()) else {
                        return;
                    };
                    match k {
                        Kind::Task => {
                            let selected = self.selected_task == Some(i);
                            if task_row(&mut row, tr, i, selected) {
                                pick_task = Some(i);
                            }
                        }
                        Kind::Region => {
                            if let Some(l) = region_row(&mut row, tr, i) {
                                link = Some(l);
                            }
                        }
                    }
                });
            });
        self.sort = sort;
        if let Some(i) = pick_task {
            self.select_task(tr, i);
        }
        link
    }
}

/// "task 12", or "-" for no task (the background task, none).
fn task_text(id: Option<TaskId>) -> String {
    id.filter(|id| id.is_user_task())
        .map_or_else(|| "-".to_string(), |id| format!("task {id}"))
}

/// The cells of task `i`'s row; true if it was picked.
fn task_row(row: &mut TableRow<'_, '_>, tr: &Trace, i: u32, selected: bool) -> bool {
    let Some(task) = tr.tasks.get(i as usize) else {
        return false;
    };
    let (s, e) = span_of(tr, Kind::Task, i);
    let mut picked = false;
    row.col(|ui| {
        picked = ui
            .selectable_label(selected, format!("task {}", task.id))
            .clicked();
    });
    row.col(|ui| {
        right_ui(
            ui,
            s.map_or("before the trace".into(), |s| {
                format::duration(s - tr.meta.start)
            }),
        )
    });
    row.col(|ui| right_ui(ui, duration_text(s, e)));
    row.col(|ui| right_ui(ui, task_text(task.parent)));
    row.col(|ui| {
        ui.label(
            task.start_g
                .map_or_else(|| "-".into(), |g| tr.goroutine_label(g)),
        );
    });
    picked
}

/// The cells of region `i`'s row; the navigation its links asked for.
fn region_row(row: &mut TableRow<'_, '_>, tr: &Trace, i: u32) -> Option<Nav> {
    let r = tr.regions.get(i as usize)?;
    let (s, e) = span_of(tr, Kind::Region, i);
    let mut link = None;
    row.col(|ui| {
        if ui
            .small_button("Why?")
            .on_hover_text("The critical path of this region")
            .clicked()
        {
            link = Target::region(tr, i).map(Nav::Why);
        }
        if ui
            .link(tr.goroutine_label(r.g))
            .on_hover_text("Show on the timeline")
            .clicked()
        {
            link = Some(Nav::GoroutineRange {
                g: r.g,
                t0: r.start,
                t1: r.end,
            });
        }
    });
    row.col(|ui| right_ui(ui, format::duration(r.start - tr.meta.start)));
    row.col(|ui| right_ui(ui, duration_text(s, e)));
    row.col(|ui| right_ui(ui, task_text(Some(r.task))));
    row.col(|ui| {
        ui.label(format!("depth {}", r.depth));
    });
    link
}

pub(super) fn duration_text(s: Option<Time>, e: Option<Time>) -> String {
    match (s, e) {
        (Some(s), Some(e)) => format::duration(e.saturating_sub(s)),
        (Some(_), None) => "not ended".into(),
        (None, Some(_)) => "began before the trace".into(),
        (None, None) => "-".into(),
    }
}
