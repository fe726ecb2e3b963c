//! The ranked changes and the goroutine groups of both traces side by
//! side: each a link to its place in both traces, and a button to its
//! place in A's own timeline.

use super::align::Align;
use super::DistPick;
use crate::analysis::compare::side::GroupFigures;
use crate::analysis::compare::{ChangeKind, Comparison};
use crate::analysis::frames::is_runtime_function;
use crate::analysis::profiles::ProfileKind;
use crate::format;
use crate::model::Trace;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use egui::{RichText, Ui};

/// Groups the table lists at most (the largest changes first).
const MAX_GROUPS: usize = 40;

/// The colour of a change of time: growth red, shrink blue.
fn delta_color(d: i64) -> egui::Color32 {
    match d.signum() {
        1 => palette::DIFF_GROWTH,
        -1 => palette::DIFF_SHRINK,
        _ => palette::TEXT_DIM,
    }
}

/// The ranked changes. Clicking one aligns the stacked timelines on its
/// first instance in both traces (a group's first goroutine, a region's
/// or task's first instance, the first GC) and shows its type's
/// histograms or its profile's flame graph below; its "A" button goes to
/// its place in A's own timeline (a group's lanes, a region's or task's
/// slowest instance, the longest pause).
pub(super) fn changes_ui(
    ui: &mut Ui,
    data: &TraceData,
    c: &Comparison,
    flame_kind: &mut Option<ProfileKind>,
    dist: &mut Option<DistPick>,
) -> (Option<Nav>, Option<Align>) {
    if c.changes.is_empty() {
        ui.label("No change above the floors.");
        return (None, None);
    }
    let t = data.whole();
    let (mut nav, mut align) = (None, None);
    egui::Grid::new("compare-changes")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (i, ch) in c.changes.iter().enumerate() {
                ui.label(format!("{}.", i + 1));
                ui.label(
                    RichText::new(format::duration_delta(ch.effect_ns))
                        .color(delta_color(ch.effect_ns))
                        .monospace(),
                );
                let r = ui
                    .link(ch.text())
                    .on_hover_text("Show it in both timelines, below");
                if r.clicked() {
                    match ch.kind {
                        ChangeKind::Group => align = Some(Align::Group(ch.name.clone())),
                        ChangeKind::Region => {
                            *dist = Some(DistPick::Region(ch.name.clone()));
                            align = Some(Align::Instance {
                                of: DistPick::Region(ch.name.clone()),
                                n: 0,
                            });
                        }
                        ChangeKind::Task => {
                            *dist = Some(DistPick::Task(ch.name.clone()));
                            align = Some(Align::Instance {
                                of: DistPick::Task(ch.name.clone()),
                                n: 0,
                            });
                        }
                        ChangeKind::Profile(k) => *flame_kind = Some(k),
                        ChangeKind::Gc => align = Some(Align::Gc),
                    }
                }
                let in_a = match ch.kind {
                    ChangeKind::Group => group_nav(t, &ch.name),
                    ChangeKind::Region => region_nav(t, &ch.name),
                    ChangeKind::Task => task_nav(t, &ch.name),
                    ChangeKind::Profile(_) => None,
                    ChangeKind::Gc => stw_nav(t),
                };
                if let Some(n) = in_a {
                    let b = ui
                        .small_button("in A")
                        .on_hover_text("Go to it in this trace's timeline");
                    if b.clicked() {
                        nav = Some(n);
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    (nav, align)
}

/// The lanes of group `name` in A.
fn group_nav(t: &Trace, name: &str) -> Option<Nav> {
    t.groups
        .iter()
        .position(|g| t.str(g.name) == name)
        .map(|i| Nav::Group(i as u32))
}

/// The slowest complete region of type `name` in A.
fn region_nav(t: &Trace, name: &str) -> Option<Nav> {
    t.regions
        .iter()
        .filter(|r| r.has_start && r.has_end && t.str(r.name) == name)
        .max_by_key(|r| r.end - r.start)
        .map(|r| Nav::GoroutineRange {
            g: r.g,
            t0: r.start,
            t1: r.end,
        })
}

/// The slowest complete task of type `name` in A.
fn task_nav(t: &Trace, name: &str) -> Option<Nav> {
    t.tasks
        .iter()
        .filter(|k| t.str(k.name) == name)
        .filter_map(|k| Some((k.start?, k.end?)))
        .max_by_key(|(a, b)| b - a)
        .map(|(t0, t1)| Nav::Range { t0, t1 })
}

/// The longest stop-the-world pause in A.
fn stw_nav(t: &Trace) -> Option<Nav> {
    t.stw
        .iter()
        .max_by_key(|r| r.end - r.start)
        .map(|r| Nav::Range {
            t0: r.start,
            t1: r.end,
        })
}

/// The time a group spent blocked, for every reason.
fn blocked(g: &GroupFigures) -> i64 {
    g.block_ns.values().fold(0i64, |a, &v| a.saturating_add(v))
}

/// Three cells: A, B and B minus A (coloured), of one figure.
fn figure_cells(ui: &mut Ui, a: Option<i64>, b: Option<i64>) {
    let cell = |v: Option<i64>| v.map_or_else(|| "—".to_string(), format::duration);
    ui.label(cell(a));
    ui.label(cell(b));
    let d = b.unwrap_or(0).saturating_sub(a.unwrap_or(0));
    ui.label(RichText::new(format::duration_delta(d)).color(delta_color(d)));
}

/// The goroutine groups of both traces: count, running, waiting for a P,
/// in syscalls and blocked, each in A, in B and the change; the program's
/// groups with the largest changes first, then the runtime's. Clicking a
/// group aligns the stacked timelines on its first goroutine in both; its
/// "in A" button goes to its lanes in A's own timeline.
pub(super) fn groups_ui(
    ui: &mut Ui,
    data: &TraceData,
    c: &Comparison,
) -> (Option<Nav>, Option<Align>) {
    type Figure = fn(&GroupFigures) -> i64;
    let figures: [(&str, Figure); 4] = [
        ("Running", |g| g.exec_ns),
        ("Sched wait", |g| g.sched_wait_ns),
        ("Syscall", |g| g.syscall_ns),
        ("Blocked", blocked),
    ];
    let mut rows: Vec<_> = c
        .groups
        .iter()
        .map(|p| (p, p.a.map(|i| &c.a.groups[i]), p.b.map(|i| &c.b.groups[i])))
        .collect();
    let change = |a: Option<&GroupFigures>, b: Option<&GroupFigures>| -> i64 {
        figures
            .iter()
            .map(|(_, f)| (b.map_or(0, f) - a.map_or(0, f)).abs())
            .sum()
    };
    rows.sort_by_key(|(p, a, b)| (is_runtime_function(&p.name), -change(*a, *b)));
    let (mut nav, mut align) = (None, None);
    egui::ScrollArea::horizontal()
        .id_salt("compare-groups-scroll")
        .show(ui, |ui| {
            egui::Grid::new("compare-groups")
                .striped(true)
                .spacing([10.0, 3.0])
                .show(ui, |ui| {
                    ui.strong("Start function");
                    ui.label("");
                    ui.strong("Goroutines");
                    for (name, _) in &figures {
                        ui.strong(format!("{name} A"));
                        ui.strong("B");
                        ui.strong("B - A");
                    }
                    ui.end_row();
                    for (p, a, b) in rows.iter().take(MAX_GROUPS) {
                        let name = if p.name.is_empty() {
                            "(unnamed)"
                        } else {
                            &p.name
                        };
                        let r = ui
                            .link(format::truncate(name, 48))
                            .on_hover_text("Show its first goroutine in both timelines, below");
                        if r.clicked() {
                            align = Some(Align::Group(p.name.clone()));
                        }
                        match group_nav(data.whole(), &p.name) {
                            Some(n) => {
                                let b = ui
                                    .small_button("in A")
                                    .on_hover_text("Go to its lanes in this trace's timeline");
                                if b.clicked() {
                                    nav = Some(n);
                                }
                            }
                            None => {
                                ui.label("");
                            }
                        }
                        let count = |g: Option<&GroupFigures>| {
                            g.map_or_else(|| "—".into(), |g| format::count(g.count))
                        };
                        ui.label(format!("{} -> {}", count(*a), count(*b)));
                        for (_, f) in &figures {
                            figure_cells(ui, a.map(f), b.map(f));
                        }
                        ui.end_row();
                    }
                });
        });
    if rows.len() > MAX_GROUPS {
        ui.weak(format!(
            "{} more groups",
            format::count((rows.len() - MAX_GROUPS) as u64)
        ));
    }
    (nav, align)
}
