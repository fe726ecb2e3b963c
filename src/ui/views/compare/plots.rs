//! The plots of two traces on one axis: the latency histograms of a
//! region or task type (go tool trace's logarithmic buckets, A and B side
//! by side in each), and the MMU curves.

use super::DistPick;
use crate::analysis::compare::side::{DistFigures, MMU_WINDOWS_NS};
use crate::analysis::compare::Comparison;
use crate::analysis::histogram::{bucket_min, TimeHistogram};
use crate::format;
use crate::ui::palette;
use egui::Ui;
use egui_plot::{Bar, BarChart, Legend, Line, Plot};

/// The region or task types both traces have, regions first.
fn types(c: &Comparison) -> Vec<DistPick> {
    let both = |p: &&crate::analysis::compare::Pair| p.a.is_some() && p.b.is_some();
    c.regions
        .iter()
        .filter(both)
        .map(|p| DistPick::Region(p.name.clone()))
        .chain(
            c.tasks
                .iter()
                .filter(both)
                .map(|p| DistPick::Task(p.name.clone())),
        )
        .collect()
}

fn pick_text(p: &DistPick) -> String {
    match p {
        DistPick::Region(n) => format!("region {n}"),
        DistPick::Task(n) => format!("task {n}"),
    }
}

/// The figures of `pick` in A and B.
fn sides<'a>(c: &'a Comparison, pick: &DistPick) -> Option<(&'a DistFigures, &'a DistFigures)> {
    let (pairs, a, b) = match pick {
        DistPick::Region(_) => (&c.regions, &c.a.regions, &c.b.regions),
        DistPick::Task(_) => (&c.tasks, &c.a.tasks, &c.b.tasks),
    };
    let name = match pick {
        DistPick::Region(n) | DistPick::Task(n) => n,
    };
    let p = pairs.iter().find(|p| &p.name == name)?;
    Some((&a[p.a?], &b[p.b?]))
}

fn histogram(d: &DistFigures) -> TimeHistogram {
    let mut h = TimeHistogram::default();
    for &x in &d.durations_ns {
        h.add(x);
    }
    h
}

fn bars(h: &TimeHistogram, offset: f64) -> Vec<Bar> {
    h.buckets
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(b, &n)| Bar::new(b as f64 + offset, n as f64).width(0.4))
        .collect()
}

/// A type picker and the histograms of the picked type in A and B.
pub(super) fn histograms_ui(ui: &mut Ui, c: &Comparison, dist: &mut Option<DistPick>) {
    let all = types(c);
    if all.is_empty() {
        ui.weak("No region or task type is in both traces.");
        return;
    }
    if dist.as_ref().is_none_or(|d| !all.contains(d)) {
        // The type of the largest region or task change, else the first.
        let changed = c.changes.iter().find_map(|ch| match ch.kind {
            crate::analysis::compare::ChangeKind::Region => Some(DistPick::Region(ch.name.clone())),
            crate::analysis::compare::ChangeKind::Task => Some(DistPick::Task(ch.name.clone())),
            _ => None,
        });
        *dist = changed
            .filter(|d| all.contains(d))
            .or_else(|| all.first().cloned());
    }
    let Some(pick) = dist.clone() else { return };
    egui::ComboBox::from_id_salt("compare-dist")
        .selected_text(pick_text(&pick))
        .show_ui(ui, |ui| {
            for p in &all {
                ui.selectable_value(dist, Some(p.clone()), pick_text(p));
            }
        });
    let Some((a, b)) = sides(c, &pick) else {
        return;
    };
    ui.label(format!(
        "p50 {} -> {}, p90 {} -> {}, p99 {} -> {}; {} -> {} instances",
        format::duration(a.quantile_ns(0.5)),
        format::duration(b.quantile_ns(0.5)),
        format::duration(a.quantile_ns(0.9)),
        format::duration(b.quantile_ns(0.9)),
        format::duration(a.quantile_ns(0.99)),
        format::duration(b.quantile_ns(0.99)),
        format::count(a.count),
        format::count(b.count),
    ));
    let (ha, hb) = (histogram(a), histogram(b));
    Plot::new("compare-histogram")
        .height(180.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .y_axis_label("instances")
        .x_axis_formatter(|m, _| {
            if (m.value - m.value.round()).abs() < 1e-9 && m.value >= 0.0 {
                format::axis_duration(bucket_min(m.value as usize) as f64)
            } else {
                String::new()
            }
        })
        .label_formatter(|h| {
            let egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position: p,
                ..
            } = h
            else {
                return None;
            };
            let b = p.x.round().max(0.0) as usize;
            Some(format!(
                "{plot_name}\n{} – {}: {:.0}",
                format::axis_duration(bucket_min(b) as f64),
                format::axis_duration(bucket_min(b + 1) as f64),
                p.y
            ))
        })
        .legend(Legend::default())
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new("A", bars(&ha, -0.2)).color(palette::COMPARE_A));
            pui.bar_chart(BarChart::new("B", bars(&hb, 0.2)).color(palette::COMPARE_B));
        });
}

/// The GC figures of both traces and their MMU curves on one plot.
pub(super) fn gc_ui(ui: &mut Ui, c: &Comparison) {
    let (a, b) = (&c.a.gc, &c.b.gc);
    egui::Grid::new("compare-gc").striped(true).show(ui, |ui| {
        ui.strong("");
        ui.strong("A");
        ui.strong("B");
        ui.end_row();
        let mut row = |name: &str, x: String, y: String| {
            ui.label(name);
            ui.label(x);
            ui.label(y);
            ui.end_row();
        };
        row("GC cycles", format::count(a.count), format::count(b.count));
        row(
            "Mark phases",
            format::duration(a.mark_ns),
            format::duration(b.mark_ns),
        );
        row(
            "Stop-the-world",
            format!(
                "{} ({})",
                format::duration(a.stw_ns),
                format::count(a.stw_count)
            ),
            format!(
                "{} ({})",
                format::duration(b.stw_ns),
                format::count(b.stw_count)
            ),
        );
        row(
            "Mark assist",
            format::duration(a.mark_assist_ns),
            format::duration(b.mark_assist_ns),
        );
        for (i, w) in MMU_WINDOWS_NS.iter().enumerate() {
            row(
                &format!("MMU {}", format::axis_duration(*w as f64)),
                format::percent(a.mmu[i]),
                format::percent(b.mmu[i]),
            );
        }
    });
    mmu_plot_ui(ui, &a.mmu_curve, &b.mmu_curve);
}

/// Both MMU curves on one plot, the window size on a log axis.
fn mmu_plot_ui(ui: &mut Ui, a: &[(i64, f64)], b: &[(i64, f64)]) {
    let line = |curve: &[(i64, f64)]| -> Vec<[f64; 2]> {
        curve
            .iter()
            .map(|&(w, u)| [(w as f64).log10(), u])
            .collect()
    };
    Plot::new("compare-mmu")
        .height(200.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label("window size")
        .y_axis_label("minimum mutator utilization")
        .x_axis_formatter(|m, _| {
            if (m.value - m.value.round()).abs() < 1e-9 {
                format::axis_duration(10f64.powf(m.value))
            } else {
                String::new()
            }
        })
        .y_axis_formatter(|m, _| format::percent(m.value))
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .show(ui, |pui| {
            pui.line(Line::new("A", line(a)).color(palette::COMPARE_A).width(2.0));
            pui.line(Line::new("B", line(b)).color(palette::COMPARE_B).width(2.0));
        });
}
