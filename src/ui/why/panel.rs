//! The "Why?" part of the details panel: buttons that compute the critical
//! path of the selected span, of its goroutine's whole life or of the
//! region it is in; then the breakdown bar, each cause a link to its
//! segments, and the goroutines on the path.

use super::{PathView, WhyView};
use crate::analysis::critical_path::{Cause, Target};
use crate::format;
use crate::model::{GIdx, Trace};
use crate::trace::Time;
use crate::ui::chip::chip_ui;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use crate::ui::timeline::Timeline;
use crate::ui::views::table::stacked_bar_ui;
use egui::{RichText, Ui};

/// Most causes and goroutines listed (the rest are summed in the bar).
const MAX_ROWS: usize = 12;

/// The innermost region of goroutine `g` around time `t`: its index into
/// `Trace::regions` and its name.
fn region_at(tr: &Trace, g: GIdx, t: Time) -> Option<(u32, &str)> {
    tr.region_range(g)
        .filter(|&i| tr.regions[i].start <= t && t < tr.regions[i].end)
        .max_by_key(|&i| tr.regions[i].depth)
        .map(|i| (i as u32, tr.str(tr.regions[i].name)))
}

/// The buttons that ask "why?" about the selection; the target asked.
fn ask_ui(ui: &mut Ui, data: &TraceData, tl: &Timeline) -> Option<Target> {
    let sel = tl.selected()?;
    // Targets are the whole trace's (a tile's lanes are a window of it).
    let tr = data.whole();
    // The overview of a big trace draws buckets, not spans.
    let coarse = data.lanes().bucket_ns().is_some();
    let span = tl.span_of(data, sel);
    let mut target = None;
    ui.horizontal_wrapped(|ui| {
        if !coarse
            && ui
                .button("Why?")
                .on_hover_text("The critical path of this span: what it waited on, and on whom")
                .clicked()
        {
            target = Target::goroutine(tr, sel.g, Some(span.start), Some(span.end));
        }
        if ui
            .button("Why? whole life")
            .on_hover_text("The critical path of this goroutine from its start to its end")
            .clicked()
        {
            target = Target::goroutine(tr, sel.g, None, None);
        }
        if let Some((i, name)) = region_at(tr, sel.g, span.start) {
            if ui
                .button(format!("Why? region {name}"))
                .on_hover_text("The critical path of the region this span is in")
                .clicked()
            {
                target = Target::region(tr, i);
            }
        }
    });
    target
}

/// A stacked bar of time by cause, in the causes' colours (hover: a list).
pub fn breakdown_bar_ui(ui: &mut Ui, tr: &Trace, by_cause: &[(Cause, Time)], width: f32) {
    let total: Time = by_cause.iter().map(|c| c.1).sum();
    let segs: Vec<(Time, egui::Color32)> = by_cause
        .iter()
        .map(|&(c, d)| (d, palette::path_cause(c)))
        .collect();
    let resp = stacked_bar_ui(ui, &segs, total, width);
    resp.on_hover_ui(|ui| {
        for &(c, d) in by_cause.iter().take(MAX_ROWS) {
            ui.label(format!("{}: {}", c.label(tr), format::duration(d)));
        }
    });
}

fn path_ui(ui: &mut Ui, tr: &Trace, pv: &PathView, only_path_lanes: bool) -> Option<Nav> {
    let mut act = None;
    let total = pv.path.target.duration_ns();
    ui.horizontal(|ui| {
        ui.strong("Critical path");
        let lanes = if only_path_lanes {
            "All lanes"
        } else {
            "Only path lanes"
        };
        if ui
            .small_button(lanes)
            .on_hover_text("Show only the lanes of the goroutines on the path, or every lane")
            .clicked()
        {
            act = Some(Nav::PathLanes);
        }
        if ui.small_button("Clear path").clicked() {
            act = Some(Nav::ClearPath);
        }
    });
    ui.label(&pv.title);
    ui.weak(format!(
        "{} segments, {} hops between goroutines, computed in {}",
        format::count(pv.path.segments.len() as u64),
        format::count(pv.path.hops.len() as u64),
        format::duration_of(pv.compute)
    ));
    breakdown_bar_ui(ui, tr, &pv.by_cause, ui.available_width().min(420.0));
    for &(c, d) in pv.by_cause.iter().take(MAX_ROWS) {
        ui.horizontal(|ui| {
            chip_ui(ui, palette::path_cause(c));
            let pct = if total > 0 {
                d as f64 * 100.0 / total as f64
            } else {
                0.0
            };
            let text = format!("{} {} ({pct:.0}%)", c.label(tr), format::duration(d));
            if ui
                .link(text)
                .on_hover_text("Show its segments on the timeline (click again for the next)")
                .clicked()
            {
                act = Some(Nav::PathSegment(c));
            }
        });
    }
    ui.add_space(4.0);
    ui.strong(RichText::new("Goroutines on the path").size(12.5));
    for &(g, d) in pv.by_goroutine.iter().take(MAX_ROWS) {
        let text = format!(
            "{}: {} on the path",
            tr.goroutine_label(g),
            format::duration(d)
        );
        if ui.link(text).clicked() {
            act = Some(Nav::PathGoroutine(g));
        }
    }
    if pv.by_goroutine.len() > MAX_ROWS {
        ui.weak(format!("… and {} more", pv.by_goroutine.len() - MAX_ROWS));
    }
    act
}

/// "Why?" for the selection and the path shown: buttons, breakdown bar,
/// cause and goroutine links; the navigation asked for.
pub fn why_ui(ui: &mut Ui, data: &TraceData, tl: &Timeline, why: &WhyView) -> Option<Nav> {
    let asked = ask_ui(ui, data, tl).map(Nav::Why);
    if why.computing() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Computing the critical path (reading the generations it goes through)…");
        });
    }
    let Some(pv) = why.path.as_ref() else {
        return asked;
    };
    ui.separator();
    let act = path_ui(ui, data.whole(), pv, why.only_path_lanes);
    ui.separator();
    asked.or(act)
}
