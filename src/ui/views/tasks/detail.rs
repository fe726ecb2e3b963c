//! A task in detail: its regions, logs and child tasks in time order, its
//! goroutines and parent as links, and the link that shows it on the
//! timeline with arrows from its parent and to its children.

use super::{duration_text, TasksView};
use crate::analysis::annotations::{task_timeline, TaskItem, TaskTimeline};
use crate::analysis::critical_path::Target;
use crate::format;
use crate::model::{Task, Trace};
use crate::ui::nav::Nav;
use crate::ui::timeline::task_arrows::{TaskArrow, MAX_TASK_ARROWS};
use egui::{RichText, Ui};

impl TasksView {
    /// The link that shows task `i` on the timeline: its goroutines, its
    /// span, and arrows from its parent and to its children.
    pub fn task_link(&self, tr: &Trace, i: u32) -> Option<Nav> {
        let t = tr.tasks.get(i as usize)?;
        let computed;
        let (ttl, parent) = match &self.task {
            Some((j, tl, p)) if *j == i => (tl, *p),
            _ => {
                computed = task_timeline(tr, i as usize);
                (&computed, None)
            }
        };
        let start = t.start.unwrap_or(tr.meta.start);
        let mut arrows = Vec::new();
        if let Some(pt) = parent.and_then(|p| tr.tasks.get(p as usize)) {
            if let Some(ps) = pt.start {
                arrows.push(TaskArrow {
                    from_g: pt.start_g,
                    from_t: ps,
                    to_g: t.start_g,
                    to_t: start,
                    label: format!("parent task {} {}", pt.id, tr.str(pt.name)),
                });
            }
        }
        for (ct, item) in &ttl.items {
            if let TaskItem::Child(c) = item {
                let Some(child) = tr.tasks.get(*c as usize) else {
                    continue;
                };
                if arrows.len() < MAX_TASK_ARROWS {
                    arrows.push(TaskArrow {
                        from_g: t.start_g,
                        from_t: start,
                        to_g: child.start_g,
                        to_t: *ct,
                        label: format!("child task {} {}", child.id, tr.str(child.name)),
                    });
                }
            }
        }
        // The arrows' ends are shown too: where the parent and the children began.
        let mut goroutines = ttl.goroutines.clone();
        goroutines.extend(arrows.iter().flat_map(|a| [a.from_g, a.to_g]).flatten());
        goroutines.sort_unstable();
        goroutines.dedup();
        Some(Nav::Lanes {
            goroutines: goroutines.into(),
            t0: start,
            t1: t.end.unwrap_or(tr.meta.end),
            label: format!("task {} {}", t.id, tr.str(t.name)),
            arrows,
        })
    }

    pub(super) fn task_ui(&mut self, ui: &mut Ui, tr: &Trace) -> Option<Nav> {
        let Some(i) = self.selected_task else {
            ui.add_space(12.0);
            ui.weak(
                "Select a task to see its regions, logs, child tasks and goroutines in time order.",
            );
            return None;
        };
        let task = tr.tasks.get(i as usize)?;
        let mut clicked = Clicked::default();
        self.title_ui(ui, tr, i, &mut clicked);
        self.parent_ui(ui, tr, task, &mut clicked);
        if let Some((_, ttl, _)) = &self.task {
            goroutines_ui(ui, tr, task, ttl, &mut clicked);
            ui.separator();
            items_ui(ui, tr, task, ttl, &mut clicked);
        }
        if let Some(c) = clicked.task {
            self.select_task(tr, c);
        }
        clicked.nav
    }

    /// The task's name and duration, "Show on timeline" and "Why?".
    fn title_ui(&self, ui: &mut Ui, tr: &Trace, i: u32, clicked: &mut Clicked) {
        let Some(task) = tr.tasks.get(i as usize) else {
            return;
        };
        ui.heading(format!("Task {} {}", task.id, tr.str(task.name)));
        ui.horizontal_wrapped(|ui| {
            ui.label(duration_text(task.start, task.end));
            if ui
                .button("Show on timeline")
                .on_hover_text("Only its goroutines, its span as the time range")
                .clicked()
            {
                clicked.nav = self.task_link(tr, i);
            }
            if let Some(target) = Target::task(tr, i) {
                if ui
                    .button("Why?")
                    .on_hover_text("The critical path of this task: what it waited on")
                    .clicked()
                {
                    clicked.nav = Some(Nav::Why(target));
                }
            }
        });
    }

    /// Its parent task: a link to it, or its ID when it is not in the trace.
    fn parent_ui(&self, ui: &mut Ui, tr: &Trace, task: &Task, clicked: &mut Clicked) {
        let Some(parent) = task.parent else {
            return;
        };
        let Some(pi) = self.task.as_ref().and_then(|t| t.2).map(|p| p as usize) else {
            ui.label(format!("parent: task {parent} (not in the trace)"));
            return;
        };
        ui.horizontal(|ui| {
            ui.label("parent:");
            let text = format!("task {parent} {}", tr.str(tr.tasks[pi].name));
            if ui.link(text).clicked() {
                clicked.task = Some(pi as u32);
            }
        });
    }
}

/// What a click in the task's panel asked for: a move of the timeline, or
/// another task shown here.
#[derive(Default)]
struct Clicked {
    nav: Option<Nav>,
    task: Option<u32>,
}

/// The goroutines the task ran on, each a link.
fn goroutines_ui(ui: &mut Ui, tr: &Trace, task: &Task, ttl: &TaskTimeline, clicked: &mut Clicked) {
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{} goroutines:", ttl.goroutines.len()));
        for &g in ttl.goroutines.iter().take(40) {
            if ui.link(tr.goroutine_label(g)).clicked() {
                let t = task.start.unwrap_or(tr.meta.start);
                clicked.nav = Some(Nav::Goroutine { g, t });
            }
        }
    });
}

/// What happened in the task, in time order from its start.
fn items_ui(ui: &mut Ui, tr: &Trace, task: &Task, ttl: &TaskTimeline, clicked: &mut Clicked) {
    let origin = task.start.unwrap_or(tr.meta.start);
    egui::ScrollArea::vertical()
        .id_salt("task-items")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("task-items-grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (t, item) in &ttl.items {
                        let at = format!("+{}", format::duration(t - origin));
                        ui.label(RichText::new(at).monospace());
                        item_ui(ui, tr, task, item, clicked);
                        ui.end_row();
                    }
                });
        });
}

/// One thing that happened in a task: its begin or end, a region, a log,
/// a child task (links where they lead somewhere).
fn item_ui(ui: &mut Ui, tr: &Trace, task: &Task, item: &TaskItem, clicked: &mut Clicked) {
    match item {
        TaskItem::Begin => {
            let on = task
                .start_g
                .map_or_else(|| "?".into(), |g| tr.goroutine_label(g));
            ui.label(format!("begin (on {on})"));
        }
        TaskItem::End => {
            let on = task
                .end_g
                .map_or_else(|| "?".into(), |g| tr.goroutine_label(g));
            ui.label(format!("end (on {on})"));
        }
        TaskItem::Region(r) => {
            let Some(r) = tr.regions.get(*r as usize) else {
                return;
            };
            let text = format!(
                "region {} on {} ({})",
                tr.str(r.name),
                tr.goroutine_label(r.g),
                duration_text(r.has_start.then_some(r.start), r.has_end.then_some(r.end))
            );
            if ui.link(text).clicked() {
                clicked.nav = Some(Nav::GoroutineRange {
                    g: r.g,
                    t0: r.start,
                    t1: r.end,
                });
            }
        }
        TaskItem::Log(l) => {
            let Some(l) = tr.logs.get(*l as usize) else {
                return;
            };
            let text = format!("log {}={}", tr.str(l.category), tr.str(l.message));
            if ui
                .link(format::truncate(&text, 90))
                .on_hover_text(text)
                .clicked()
            {
                if let Some(g) = l.g {
                    clicked.nav = Some(Nav::Goroutine { g, t: l.time });
                }
            }
        }
        TaskItem::Child(c) => {
            if let Some(ct) = tr.tasks.get(*c as usize) {
                let text = format!("child task {} {}", ct.id, tr.str(ct.name));
                if ui.link(text).clicked() {
                    clicked.task = Some(*c);
                }
            }
        }
    }
}
