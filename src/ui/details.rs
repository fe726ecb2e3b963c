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
use crate::model::{FlowKind, GoLaneState, Span, StackId};
use crate::trace::Time;
use egui::{RichText, Ui};

/// The stack as text, one frame per two lines (function, then file:line).
pub fn stack_text(data: &TraceData, stack: StackId) -> String {
    let tr = data.lanes();
    let mut out = String::new();
    for f in tr.stacks().frames_of(stack) {
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
    let tr = data.lanes();
    ui.spacing_mut().item_spacing.y = 1.0;
    for f in tr.stacks().frames_of(stack) {
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
    let Some(sel) = tl.selected() else {
        ui.weak("Click a span to see its goroutine, state, stack and who unblocked it.");
        ui.weak("Shift+drag on the timeline to measure a time range.");
        return None;
    };
    let s = Shown {
        data,
        tl,
        sel,
        span: tl.span_of(data, sel),
    };
    let mut nav = None;
    egui::ScrollArea::vertical()
        .id_salt("details-scroll")
        .show(ui, |ui| {
            s.goroutine_ui(ui, &mut nav);
            ui.separator();
            s.span_ui(ui);
            s.buttons_ui(ui, &mut nav);
            s.unblocked_by_ui(ui, &mut nav);
            s.unblocked_others_ui(ui, &mut nav);
            ui.separator();
            s.stacks_ui(ui);
            s.overlaps_ui(ui, &mut nav);
        });
    nav
}

/// The selected span and what the sections of the panel read.
struct Shown<'a> {
    data: &'a TraceData,
    tl: &'a Timeline,
    sel: SelectedSpan,
    span: Span,
}

impl Shown<'_> {
    /// A time as the axis shows it (from the origin).
    fn rel(&self, t: Time) -> String {
        format::duration(t - self.tl.origin_ns())
    }

    /// Its goroutine: ID, start function, creation and creator.
    fn goroutine_ui(&self, ui: &mut Ui, nav: &mut Option<Nav>) {
        let (tr, gs) = (self.data.lanes(), &self.data.whole().goroutines);
        let g = self.sel.g;
        ui.heading(format::goroutine(Some(gs.id(g).0)));
        let name = tr.str(gs.name(g));
        let name = if name.is_empty() {
            "(unknown start function)"
        } else {
            name
        };
        ui.add(egui::Label::new(RichText::new(name).monospace()).selectable(true));
        ui.label(format!("created at {}", self.rel(gs.created(g))));
        if let Some(creator) = gs.creator[g.ix()] {
            link(
                ui,
                format!("created by {}", tr.goroutine_label(creator)),
                Nav::Goto {
                    g: creator,
                    t: gs.created(g),
                },
                nav,
            );
        }
    }

    /// The span: state, start, end, duration, reason (an overview's span
    /// is a bucket, and says so).
    fn span_ui(&self, ui: &mut Ui) {
        let (tr, span) = (self.data.lanes(), &self.span);
        ui.horizontal(|ui| {
            ui.strong("State");
            labelled_chip_ui(ui, palette::state(span.state), span.state.name());
        });
        // A tile's spans are whole (those crossing its edges begin and
        // end where they do); the overview's are whole buckets.
        egui::Grid::new("span-grid").num_columns(2).show(ui, |ui| {
            ui.label("start");
            ui.label(self.rel(span.start));
            ui.end_row();
            ui.label("end");
            ui.label(self.rel(span.end));
            ui.end_row();
            ui.label("duration");
            ui.strong(format::duration(span.end - span.start));
            ui.end_row();
            if span.reason != 0 {
                ui.label("reason");
                ui.strong(tr.reason(span.reason));
                ui.end_row();
            }
        });
        if let Some(bucket) = tr.bucket_ns() {
            ui.weak(format!(
                "Overview of a big trace: this is what the goroutine mostly did in {} buckets. Zoom in for its spans, stack and flows.",
                format::duration(bucket)
            ));
        }
    }

    /// Previous and next span, show its lane, set the time origin.
    fn buttons_ui(&self, ui: &mut Ui, nav: &mut Option<Nav>) {
        let lane = self.data.lanes().lane(self.sel.g);
        let (g, i) = (self.sel.g, self.span.idx);
        ui.horizontal(|ui| {
            if i > lane.first && ui.button("« previous span").clicked() {
                *nav = Some(Nav::Select(SelectedSpan { g, idx: i - 1 }));
            }
            if i + 1 < lane.first + lane.len && ui.button("next span »").clicked() {
                *nav = Some(Nav::Select(SelectedSpan { g, idx: i + 1 }));
            }
        });
        ui.horizontal(|ui| {
            if ui
                .button("Show lane")
                .on_hover_text("Scroll to this goroutine's lane")
                .clicked()
            {
                *nav = Some(Nav::Select(self.sel));
            }
            if ui.button("Set time origin here").clicked() {
                *nav = Some(Nav::Origin(self.span.start));
            }
        });
    }

    /// Who made it runnable: the unblock at the end of a wait, or at the
    /// start of a runnable span, and the unblocking stack.
    fn unblocked_by_ui(&self, ui: &mut Ui, nav: &mut Option<Nav>) {
        let (tr, span) = (self.data.lanes(), &self.span);
        let wake_t = if span.state == GoLaneState::Waiting {
            span.end
        } else {
            span.start
        };
        let Some(f) = tr
            .unblocked_by(self.sel.g, wake_t)
            .filter(|_| matches!(span.state, GoLaneState::Waiting | GoLaneState::Runnable))
        else {
            return;
        };
        ui.separator();
        if let Some(from) = f.from {
            link(
                ui,
                format!(
                    "unblocked by {} at {}",
                    tr.goroutine_label(from),
                    self.rel(f.from_time)
                ),
                Nav::Goto {
                    g: from,
                    t: f.from_time,
                },
                nav,
            );
        } else {
            ui.label(format!(
                "unblocked by the runtime at {}",
                self.rel(f.from_time)
            ));
        }
        if f.stack != 0 {
            stack_ui(ui, self.data, f.stack, "Unblocking stack", "unblock-stack");
        }
    }

    /// The goroutines it unblocked while the span lasted.
    fn unblocked_others_ui(&self, ui: &mut Ui, nav: &mut Option<Nav>) {
        let (tr, span, g) = (self.data.lanes(), &self.span, self.sel.g);
        let woken: Vec<_> = tr
            .flows_from(g)
            .filter(|f| {
                f.kind == FlowKind::Unblock
                    && f.from_time >= span.start
                    && f.from_time <= span.end
                    && f.to != g
            })
            .take(20)
            .collect();
        if woken.is_empty() {
            return;
        }
        ui.separator();
        ui.strong("Unblocked during this span");
        for f in woken {
            let r = tr.reason(f.reason);
            link(
                ui,
                format!(
                    "{} ({r}) at {}",
                    tr.goroutine_label(f.to),
                    self.rel(f.from_time)
                ),
                Nav::Goto {
                    g: f.to,
                    t: f.to_time,
                },
                nav,
            );
        }
    }

    /// The span's stack, and its goroutine's creation stack.
    fn stacks_ui(&self, ui: &mut Ui) {
        stack_ui(ui, self.data, self.span.stack, "Stack", "span-stack");
        let cs = self.data.whole().goroutines.create_stack(self.sel.g);
        if cs != 0 {
            ui.collapsing("Creation stack", |ui| {
                stack_ui(ui, self.data, cs, "Created at", "create-stack")
            });
        }
    }

    /// The goroutines that ran on other Ps while the span lasted.
    fn overlaps_ui(&self, ui: &mut Ui, nav: &mut Option<Nav>) {
        let overlaps = self.tl.overlaps();
        if overlaps.is_empty() {
            return;
        }
        let tr = self.data.lanes();
        ui.separator();
        ui.strong(format!("Ran at the same time ({})", overlaps.len()));
        ui.weak("Goroutines running on other Ps during this span, by overlap:");
        for o in overlaps.iter().take(30) {
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
                nav,
            );
        }
    }
}
