//! The details panel of the selected span: its goroutine (id, start
//! function, creation and creator), the span (state, times, reason), the
//! stack where it happened (file:line, copyable), and links that move the
//! timeline: unblocked by, unblocked others, created by, previous/next
//! span, and the goroutines that ran while it lasted.

use super::chip::labelled_chip_ui;
use super::derived::TraceData;
use super::nav::Nav;
use super::palette;
use super::source;
use super::timeline::{SelectedSpan, Timeline};
use crate::format;
use crate::model::{FlowKind, GoLaneState, StackId, NO_G};
use crate::trace::Time;
use egui::{RichText, Ui};

/// The stack as text, one frame per two lines (function, then file:line).
pub fn stack_text(data: &TraceData, stack: StackId) -> String {
    let tr = data.trace();
    let mut out = String::new();
    for f in tr.stacks.frames_of(stack) {
        out.push_str(tr.str(f.func));
        out.push_str("\n    ");
        out.push_str(tr.str(f.file));
        out.push(':');
        out.push_str(&f.line.to_string());
        out.push('\n');
    }
    out
}

fn stack_ui(ui: &mut Ui, data: &TraceData, stack: StackId, title: &str, id: &str) {
    let text = stack_text(data, stack);
    if text.is_empty() {
        ui.weak(format!("{title}: no stack"));
        return;
    }
    ui.horizontal(|ui| {
        ui.strong(title);
        if ui
            .small_button("Copy")
            .on_hover_text("Copy the stack as text")
            .clicked()
        {
            ui.ctx().copy_text(text.clone());
        }
    });
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(220.0)
        .show(ui, |ui| frames_ui(ui, data, stack));
}

/// The frames of a stack: function, then file:line as a link that shows
/// the source.
fn frames_ui(ui: &mut Ui, data: &TraceData, stack: StackId) {
    let tr = data.trace();
    ui.spacing_mut().item_spacing.y = 1.0;
    for f in tr.stacks.frames_of(stack) {
        let (func, file) = (tr.str(f.func), tr.str(f.file));
        ui.add(egui::Label::new(RichText::new(func).monospace().size(11.5)).selectable(true));
        let loc = RichText::new(format!("    {file}:{}", f.line))
            .monospace()
            .size(11.5);
        if ui.link(loc).on_hover_text("Show the source").clicked() {
            source::request(
                ui.ctx(),
                source::FrameRef {
                    func: func.to_string(),
                    file: file.to_string(),
                    line: f.line,
                },
            );
        }
    }
}

fn link(ui: &mut Ui, text: String, nav: Nav, out: &mut Option<Nav>) {
    if ui.link(text).clicked() {
        *out = Some(nav);
    }
}

/// Shows the details of the selection; returns a navigation if a link was clicked.
pub fn details_ui(ui: &mut Ui, data: &TraceData, tl: &Timeline) -> Option<Nav> {
    let mut nav = None;
    let Some(sel) = tl.selected() else {
        ui.weak("Click a span to see its goroutine, state, stack and who unblocked it.");
        ui.weak("Shift+drag on the timeline to measure a time range.");
        return None;
    };
    let tr = data.trace();
    let g = sel.g as usize;
    let span = tl.span_of(data, sel);
    let lane = tr.lane(g as u32);
    let rel = |t: Time| format::duration(t - tl.origin_ns());
    egui::ScrollArea::vertical()
        .id_salt("details-scroll")
        .show(ui, |ui| {
            ui.heading(format::goroutine(Some(tr.goroutines.id(g))));
            let name = tr.str(tr.goroutines.name(g));
            ui.add(
                egui::Label::new(
                    RichText::new(if name.is_empty() {
                        "(unknown start function)"
                    } else {
                        name
                    })
                    .monospace(),
                )
                .selectable(true),
            );
            ui.label(format!("created at {}", rel(tr.goroutines.created(g))));
            let creator = tr.goroutines.creator[g];
            if creator != NO_G {
                link(
                    ui,
                    format!("created by {}", tr.goroutine_label(creator)),
                    Nav::Goto {
                        g: creator,
                        t: tr.goroutines.created(g),
                    },
                    &mut nav,
                );
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong("State");
                labelled_chip_ui(ui, palette::state(span.state), span.state.name());
            });
            // A tile holds some generations of a big trace: a span that goes
            // on past them is cut at its edges; the overview's spans are
            // whole buckets.
            let coarse = tr.meta.coarse_ns > 0;
            let tile = data.shows_tile();
            let cut_start = tile && span.start <= tr.meta.start;
            let cut_end = tile && span.end >= tr.meta.end && !tr.goroutines.ended(g);
            egui::Grid::new("span-grid").num_columns(2).show(ui, |ui| {
                ui.label("start");
                ui.label(if cut_start {
                    format!("{} or earlier", rel(span.start))
                } else {
                    rel(span.start)
                });
                ui.end_row();
                ui.label("end");
                ui.label(if cut_end {
                    format!("{} or later", rel(span.end))
                } else {
                    rel(span.end)
                });
                ui.end_row();
                ui.label("duration");
                let d = format::duration(span.end - span.start);
                ui.strong(if cut_start || cut_end { format!("≥ {d}") } else { d });
                ui.end_row();
                if span.reason != 0 {
                    ui.label("reason");
                    ui.strong(tr.reason(span.reason));
                    ui.end_row();
                }
            });
            if coarse {
                ui.weak(format!(
                    "Overview of a big trace: this is what the goroutine mostly did in {} buckets. Zoom in for its spans, stack and flows.",
                    format::duration(tr.meta.coarse_ns)
                ));
            } else if cut_start || cut_end {
                ui.weak("The span goes on past the generations loaded in detail.");
            }
            ui.horizontal(|ui| {
                let i = span.idx;
                if i > lane.first && ui.button("« previous span").clicked() {
                    nav = Some(Nav::Select(SelectedSpan {
                        g: sel.g,
                        idx: i - 1,
                    }));
                }
                if i + 1 < lane.first + lane.len && ui.button("next span »").clicked() {
                    nav = Some(Nav::Select(SelectedSpan {
                        g: sel.g,
                        idx: i + 1,
                    }));
                }
            });
            ui.horizontal(|ui| {
                if ui
                    .button("Show lane")
                    .on_hover_text("Scroll to this goroutine's lane")
                    .clicked()
                {
                    nav = Some(Nav::Select(sel));
                }
                if ui.button("Set time origin here").clicked() {
                    nav = Some(Nav::Origin(span.start));
                }
            });
            // Who made it runnable: the unblock at the end of a wait, or at the start of a runnable span.
            let wake_t = if span.state == GoLaneState::Waiting {
                span.end
            } else {
                span.start
            };
            if let Some(f) = tr
                .unblocked_by(sel.g, wake_t)
                .filter(|_| matches!(span.state, GoLaneState::Waiting | GoLaneState::Runnable))
            {
                ui.separator();
                if f.from == NO_G {
                    ui.label(format!("unblocked by the runtime at {}", rel(f.from_time)));
                } else {
                    link(
                        ui,
                        format!(
                            "unblocked by {} at {}",
                            tr.goroutine_label(f.from),
                            rel(f.from_time)
                        ),
                        Nav::Goto {
                            g: f.from,
                            t: f.from_time,
                        },
                        &mut nav,
                    );
                }
                if f.stack != 0 {
                    stack_ui(ui, data, f.stack, "Unblocking stack", "unblock-stack");
                }
            }
            let woken: Vec<_> = tr
                .flows_from(sel.g)
                .filter(|f| {
                    f.kind == FlowKind::Unblock
                        && f.from_time >= span.start
                        && f.from_time <= span.end
                        && f.to != sel.g
                })
                .take(20)
                .collect();
            if !woken.is_empty() {
                ui.separator();
                ui.strong("Unblocked during this span");
                for f in woken {
                    let r = tr.reason(f.reason);
                    link(
                        ui,
                        format!("{} ({r}) at {}", tr.goroutine_label(f.to), rel(f.from_time)),
                        Nav::Goto {
                            g: f.to,
                            t: f.to_time,
                        },
                        &mut nav,
                    );
                }
            }
            ui.separator();
            stack_ui(ui, data, span.stack, "Stack", "span-stack");
            let cs = tr.goroutines.create_stack(g);
            if cs != 0 {
                ui.collapsing("Creation stack", |ui| {
                    stack_ui(ui, data, cs, "Created at", "create-stack")
                });
            }
            if !tl.overlaps().is_empty() {
                ui.separator();
                ui.strong(format!("Ran at the same time ({})", tl.overlaps().len()));
                ui.weak("Goroutines running on other Ps during this span, by overlap:");
                for o in tl.overlaps().iter().take(30) {
                    link(
                        ui,
                        format!(
                            "{} — overlap {}",
                            tr.goroutine_label(o.g),
                            format::duration(o.overlap_ns)
                        ),
                        Nav::Goto {
                            g: o.g,
                            t: o.first_ns,
                        },
                        &mut nav,
                    );
                }
            }
        });
    nav
}
