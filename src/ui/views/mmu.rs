//! The MMU tab: minimum mutator utilization against window size on a log
//! axis (1 µs to the trace length), with go tool trace's options (count
//! STW, background mark workers, mark assists, sweeping; system-wide or
//! per goroutine) and optional percentile curves. Clicking the chart or
//! choosing a window lists the worst windows of that size; each one jumps
//! to the timeline with the window selected. Curves are computed once per
//! option set (on a worker thread for big traces), never per frame.

use super::compute::{is_big, ready_or_ui, Cached};
use crate::analysis::mmu::{mutator_utilization, MmuCurve, UtilFlags, UtilWindow};
use crate::format;
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use egui::{RichText, Ui};
use egui_plot::{GridInput, GridMark, Line, LineStyle, Plot, Points, VLine};
use std::sync::Arc;

/// Points of the MMU curve.
pub const CURVE_POINTS: usize = 120;
/// Points of each percentile curve (the distribution costs more).
pub const PERCENTILE_POINTS: usize = 40;
/// Worst windows listed.
pub const WORST_WINDOWS: usize = 10;
/// Percentiles drawn: (label, quantile of the utilization distribution).
pub const PERCENTILES: [(&str, f64); 3] = [("95%", 0.05), ("99%", 0.01), ("99.9%", 0.001)];
/// Smallest window.
pub const MIN_WINDOW_NS: i64 = 1_000;

/// A computed MMU curve and its sampled points.
pub struct MmuData {
    /// The curve (for worst windows).
    pub curve: Arc<MmuCurve>,
    /// (log10 window ns, MMU).
    pub points: Vec<[f64; 2]>,
    /// Per percentile: (log10 window ns, utilization).
    pub percentiles: Vec<Vec<[f64; 2]>>,
    /// Largest window (the trace length).
    pub max_window_ns: i64,
}

/// `n` window sizes evenly spaced on a log scale from 1 µs to `max`.
pub fn windows(max: i64, n: usize) -> Vec<i64> {
    let (lo, hi) = (
        (MIN_WINDOW_NS as f64).log10(),
        (max.max(MIN_WINDOW_NS + 1) as f64).log10(),
    );
    let n = n.max(2);
    let mut v: Vec<i64> = (0..n)
        .map(|i| {
            10f64
                .powf(lo + (hi - lo) * i as f64 / (n - 1) as f64)
                .round() as i64
        })
        .collect();
    v.dedup();
    v
}

/// Computes the curve for some options.
pub fn compute(data: &TraceData, flags: UtilFlags, percentiles: bool) -> MmuData {
    let curve = MmuCurve::new(mutator_utilization(&data.loaded.gc_log, flags));
    let max = data.whole().duration().max(MIN_WINDOW_NS + 1);
    let points = if curve.is_empty() {
        Vec::new()
    } else {
        windows(max, CURVE_POINTS)
            .into_iter()
            .map(|w| [(w as f64).log10(), curve.mmu(w)])
            .collect()
    };
    let mut pct = vec![Vec::new(); PERCENTILES.len()];
    if percentiles && !curve.is_empty() {
        let qs: Vec<f64> = PERCENTILES.iter().map(|p| p.1).collect();
        for w in windows(max, PERCENTILE_POINTS) {
            for (i, u) in curve.mud(w, &qs).into_iter().enumerate() {
                pct[i].push([(w as f64).log10(), u]);
            }
        }
    }
    MmuData {
        curve: Arc::new(curve),
        points,
        percentiles: pct,
        max_window_ns: max,
    }
}

/// A window size rounded to two significant digits (a clicked point).
pub fn round_window(ns: f64) -> i64 {
    if ns <= 0.0 || !ns.is_finite() {
        return MIN_WINDOW_NS;
    }
    let mag = 10f64.powf(ns.log10().floor() - 1.0);
    ((ns / mag).round() * mag) as i64
}

type WorstKey = (UtilFlags, i64);

/// State of the MMU tab.
pub struct MmuView {
    /// What counts as GC time.
    pub flags: UtilFlags,
    /// Draw the percentile curves.
    pub percentiles: bool,
    /// The window whose worst cases are listed.
    pub window_ns: Option<i64>,
    curve: Cached<(UtilFlags, bool), MmuData>,
    worst: Cached<WorstKey, (f64, Vec<UtilWindow>, Vec<f64>)>,
}

impl Default for MmuView {
    fn default() -> Self {
        MmuView {
            flags: UtilFlags::DEFAULT,
            percentiles: false,
            window_ns: None,
            curve: Cached::default(),
            worst: Cached::default(),
        }
    }
}

fn options_ui(ui: &mut Ui, flags: &mut UtilFlags, percentiles: &mut bool) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Count as GC:");
        ui.checkbox(&mut flags.stw, "stop-the-world");
        ui.checkbox(&mut flags.background, "background mark workers");
        ui.checkbox(&mut flags.assist, "mark assist");
        ui.checkbox(&mut flags.sweep, "sweeping");
        ui.separator();
        ui.radio_value(&mut flags.per_proc, false, "system-wide");
        ui.radio_value(&mut flags.per_proc, true, "per-goroutine")
            .on_hover_text("One utilization function per P: what a single goroutine sees");
        ui.separator();
        ui.checkbox(percentiles, "percentiles (95, 99, 99.9)")
            .on_hover_text("Mutator utilization that 95%, 99% and 99.9% of windows reach");
    });
}

impl MmuView {
    /// The tab; returns a link when a worst window was clicked.
    pub fn ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>) -> Option<Nav> {
        options_ui(ui, &mut self.flags, &mut self.percentiles);
        let (flags, pct) = (self.flags, self.percentiles);
        let d = Arc::clone(data);
        let inline = !is_big(data);
        let status = self.curve.get(&(flags, pct), inline, ui.ctx(), move || {
            compute(&d, flags, pct)
        });
        let md = ready_or_ui(ui, status, "the MMU curve")?;
        if md.points.is_empty() {
            ui.add_space(20.0);
            ui.label("No garbage collection in this trace: the mutator had the CPU all the time (utilization 100%).");
            return None;
        }
        let mut link = None;
        egui::Panel::right("mmu-worst")
            .resizable(true)
            .default_size(430.0)
            .min_size(300.0)
            .show(ui, |ui| {
                link = self.worst_ui(ui, data, &md);
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.plot_ui(ui, &md);
        });
        link
    }

    /// The curve last computed (tests).
    pub fn curve(&self) -> Option<Arc<MmuData>> {
        self.curve.peek()
    }

    /// The worst windows last listed (tests).
    pub fn worst_windows(&self) -> Vec<UtilWindow> {
        self.worst.peek().map(|w| w.1.clone()).unwrap_or_default()
    }

    fn plot_ui(&mut self, ui: &mut Ui, md: &MmuData) {
        let plot = mmu_plot(md);
        let window = self.window_ns;
        let resp = plot.show(ui, |pui| {
            pui.line(
                Line::new("MMU", md.points.clone())
                    .color(palette::MMU)
                    .width(2.0),
            );
            for (i, p) in md.percentiles.iter().enumerate() {
                if !p.is_empty() {
                    pui.line(
                        Line::new(format!("{} of windows", PERCENTILES[i].0), p.clone())
                            .color(palette::MMU_PERCENTILES[i])
                            .style(LineStyle::Dashed { length: 8.0 }),
                    );
                }
            }
            if let Some(w) = window {
                let x = (w as f64).log10();
                pui.vline(VLine::new("", x).color(palette::MMU_WINDOW).width(1.0));
                let y = nearest(&md.points, x);
                pui.points(
                    Points::new("", vec![[x, y]])
                        .color(palette::MMU_WINDOW)
                        .radius(4.0),
                );
            }
            pui.pointer_coordinate()
        });
        if resp.response.clicked() {
            if let Some(p) = resp.inner {
                let w = round_window(10f64.powf(p.x)).clamp(MIN_WINDOW_NS, md.max_window_ns);
                self.window_ns = Some(w);
            }
        }
    }

    fn worst_ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>, md: &Arc<MmuData>) -> Option<Nav> {
        ui.add_space(4.0);
        ui.strong("Worst windows");
        ui.weak("Click the chart or pick a window size:");
        ui.horizontal_wrapped(|ui| {
            let mut w = MIN_WINDOW_NS;
            while w <= md.max_window_ns {
                let label = format::axis_duration(w as f64);
                if ui
                    .selectable_label(self.window_ns == Some(w), label)
                    .clicked()
                {
                    self.window_ns = Some(w);
                }
                w *= 10;
            }
        });
        let w = self.window_ns?;
        let key = (self.flags, w);
        let curve = Arc::clone(&md.curve);
        let pct = self.percentiles;
        let status = self.worst.get(&key, !is_big(data), ui.ctx(), move || {
            let qs: Vec<f64> = if pct {
                PERCENTILES.iter().map(|p| p.1).collect()
            } else {
                Vec::new()
            };
            (
                curve.mmu(w),
                curve.examples(w, WORST_WINDOWS),
                curve.mud(w, &qs),
            )
        });
        let res = ready_or_ui(ui, status, "the worst windows")?;
        let (mmu, worst, mud) = (&res.0, &res.1, &res.2);
        ui.separator();
        ui.label(
            RichText::new(format!(
                "Window {}: MMU {:.1}%",
                format::duration(w),
                mmu * 100.0
            ))
            .strong(),
        );
        for (i, u) in mud.iter().enumerate() {
            ui.weak(format!(
                "{} of windows reach {:.1}%",
                PERCENTILES[i].0,
                u * 100.0
            ));
        }
        ui.weak("Each jumps to the timeline with the window selected:");
        worst_list_ui(ui, worst, w, data.whole().meta.start)
    }
}

/// The curve's value at the sampled point nearest to `x`.
/// The worst windows of `w` ns, each a link to it on the timeline (times
/// from `origin`).
fn worst_list_ui(ui: &mut Ui, worst: &[UtilWindow], w: Time, origin: Time) -> Option<Nav> {
    let mut link = None;
    egui::ScrollArea::vertical()
        .id_salt("mmu-worst-list")
        .show(ui, |ui| {
            egui::Grid::new("mmu-worst-grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.strong("utilization");
                    ui.strong("window");
                    ui.end_row();
                    for ex in worst {
                        ui.label(format!("{:.1}%", ex.util * 100.0));
                        let t0: Time = ex.time;
                        let t1 = t0.saturating_add(w);
                        let text = format!(
                            "{} – {}",
                            format::duration(t0 - origin),
                            format::duration(t1 - origin)
                        );
                        if ui
                            .link(text)
                            .on_hover_text("Show this window on the timeline")
                            .clicked()
                        {
                            link = Some(Nav::Range { t0, t1 });
                        }
                        ui.end_row();
                    }
                });
            if worst.is_empty() {
                ui.weak("No window of this size.");
            }
        });
    link
}

/// The plot of the MMU curve: windows on a log axis from 1 µs, labels
/// as durations and percents, hover text.
fn mmu_plot(md: &MmuData) -> Plot<'_> {
    let max_x = (md.max_window_ns as f64).log10();
    Plot::new("mmu-plot")
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(3.0)
        .include_x(max_x)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label("window size")
        .y_axis_label("minimum mutator utilization")
        .x_grid_spacer(log_marks)
        .x_axis_formatter(|m, _| {
            if (m.value - m.value.round()).abs() < 1e-9 {
                format::axis_duration(10f64.powf(m.value))
            } else {
                String::new()
            }
        })
        .y_axis_formatter(|m, _| format!("{:.0}%", m.value * 100.0))
        .label_formatter(|h| {
            let (name, p) = match h {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => {
                    let x = position.x;
                    ("MMU", egui_plot::PlotPoint::new(x, nearest(&md.points, x)))
                }
            };
            Some(format!(
                "{}window {}: {:.1}%\nclick to list the worst windows",
                if name.is_empty() {
                    String::new()
                } else {
                    format!("{name}\n")
                },
                format::axis_duration(10f64.powf(p.x)),
                p.y * 100.0
            ))
        })
        .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
}

fn nearest(points: &[[f64; 2]], x: f64) -> f64 {
    points
        .iter()
        .min_by(|a, b| (a[0] - x).abs().total_cmp(&(b[0] - x).abs()))
        .map_or(0.0, |p| p[1])
}

/// Grid marks at each decade (labelled) and at 2× and 5× (thin).
fn log_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let mut v = Vec::new();
    let (a, b) = (lo.floor() as i64, hi.ceil() as i64);
    for k in a..=b.min(a + 40) {
        let k = k as f64;
        v.push(GridMark {
            value: k,
            step_size: 1.0,
        });
        for m in [2f64, 5f64] {
            v.push(GridMark {
                value: k + m.log10(),
                step_size: 0.1,
            });
        }
    }
    v.retain(|m| m.value >= lo && m.value <= hi);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_span_one_microsecond_to_the_trace_length() {
        let w = windows(2_000_000_000, 120);
        assert_eq!(w.first(), Some(&1_000));
        assert_eq!(w.last(), Some(&2_000_000_000));
        assert!(w.windows(2).all(|p| p[0] < p[1]));
    }

    #[test]
    fn clicked_windows_round_to_two_digits() {
        assert_eq!(round_window(1_234_567.0), 1_200_000);
        assert_eq!(round_window(9_960.0), 10_000);
    }
}
