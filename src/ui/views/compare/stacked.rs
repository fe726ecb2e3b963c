//! The two timelines of the Compare view, A above B, drawn by the
//! timeline widget itself (a big trace as its overview and tiles), with
//! one zoom and pan for both: what moves one moves the other by the same
//! amount. They line up on each trace's start or on the same instance of
//! a region or task type (see [`super::align`]); the axis of each reads 0
//! there. Clicking a span shows its details, for A or for B.

use super::align::{self, Align, Instance};
use super::DistPick;
use crate::analysis::compare::Comparison;
use crate::format;
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::detail::DetailState;
use crate::ui::details;
use crate::ui::nav::Nav;
use crate::ui::palette;
use crate::ui::timeline::rows::{RowKind, Section};
use crate::ui::timeline::{input, Timeline};
use egui::{Rect, RichText, Ui, UiBuilder};
use std::sync::Arc;

/// Which of the two traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The baseline (the open trace).
    A,
    /// The trace compared with it.
    B,
}

/// One of the two timelines: its trace, where the user is on it, and
/// its detail tiles (a big trace).
pub struct Pane {
    /// The trace drawn (its lanes swapped to a detail tile as needed).
    pub data: Arc<TraceData>,
    /// Where the user is on it.
    pub timeline: Timeline,
    detail: DetailState,
}

impl Pane {
    fn new(data: Arc<TraceData>) -> Pane {
        let mut timeline = Timeline::new(&data);
        // The goroutines are what is compared: the procs' lanes closed.
        timeline.toggle(RowKind::Section(Section::Procs));
        Pane {
            timeline,
            data,
            detail: DetailState::default(),
        }
    }

    /// The scale and start shown: what moving one pane changes.
    fn scale(&self) -> (Time, f64) {
        let m = self.timeline.map();
        (m.start_ns, m.ns_per_px)
    }
}

/// The two panes and what they were made from.
struct Panes {
    /// The loaded traces (by address) the panes show.
    key: (usize, usize),
    a: Pane,
    b: Pane,
    /// The region and task types of both traces.
    types: Vec<DistPick>,
}

/// The stacked timelines of the Compare view.
pub struct Stacked {
    /// Shown (else only the header line).
    pub open: bool,
    panes: Option<Panes>,
    align: Align,
    /// The times of A and of B drawn at the same x.
    anchors: (Time, Time),
    /// The instance aligned on in A and in B (none: the starts).
    pair: Option<(Instance, Instance)>,
    /// How many instances of the type aligned on A and B have.
    counts: (usize, usize),
    /// Why the last alignment asked for was not made.
    message: Option<String>,
    /// The pane the pointer was over last: it gets the keys.
    keys: Which,
    /// Whose selection the details show.
    details: Option<Which>,
}

impl Default for Stacked {
    fn default() -> Self {
        Stacked {
            open: true,
            panes: None,
            align: Align::Starts,
            anchors: (0, 0),
            pair: None,
            counts: (0, 0),
            message: None,
            keys: Which::A,
            details: None,
        }
    }
}

/// Height of a pane's title line.
const TITLE_H: f32 = 20.0;
/// Least height of a pane's canvas.
const MIN_CANVAS_H: f32 = 60.0;

impl Stacked {
    /// The pane of A or B, once both are shown.
    pub fn pane(&self, w: Which) -> Option<&Pane> {
        self.panes.as_ref().map(|p| match w {
            Which::A => &p.a,
            Which::B => &p.b,
        })
    }

    /// What the timelines are aligned on.
    pub fn align(&self) -> &Align {
        &self.align
    }

    /// The times of A and of B drawn at the same x.
    pub fn anchors(&self) -> (Time, Time) {
        self.anchors
    }

    /// Makes the panes for A (`a`, the open trace) and B, unless they
    /// show these traces already.
    fn ensure(&mut self, a: &TraceData, b: &Arc<TraceData>) {
        let key = (
            Arc::as_ptr(&a.loaded) as usize,
            Arc::as_ptr(&b.loaded) as usize,
        );
        if self.panes.as_ref().is_some_and(|p| p.key == key) {
            return;
        }
        // A's own pane: the open trace's overview, its tiles shared.
        let a = Arc::new(a.with_view(a.loaded_view()));
        self.panes = Some(Panes {
            key,
            types: align::common_types(a.whole(), b.whole()),
            a: Pane::new(a),
            b: Pane::new(Arc::clone(b)),
        });
        self.details = None;
        let asked = std::mem::take(&mut self.align);
        if !self.set_align(asked.clone(), true) && asked != Align::Starts {
            self.set_align(Align::Starts, true);
        }
    }

    /// Lines the timelines up on `align` and, with `show`, shows its
    /// instance in both (its goroutine's lane selected). False (with a
    /// message) when a trace lacks it.
    pub fn set_align(&mut self, align: Align, show: bool) -> bool {
        let Some(p) = self.panes.as_mut() else {
            self.align = align;
            return true;
        };
        let (ta, tb) = (p.a.data.whole(), p.b.data.whole());
        let (ia, ib) = (align::instance(ta, &align), align::instance(tb, &align));
        let anchors = match (&align, ia, ib) {
            (Align::Starts, _, _) => (ta.meta.start, tb.meta.start),
            (_, Some(a), Some(b)) => (a.start, b.start),
            (_, a, _) => {
                let side = if a.is_none() { "A" } else { "B" };
                self.message = Some(format!("{side} has no {}", describe(&align)));
                return false;
            }
        };
        self.message = None;
        self.counts = match &align {
            Align::Instance { of, .. } => (
                align::instances(ta, of).len(),
                align::instances(tb, of).len(),
            ),
            _ => (0, 0),
        };
        self.pair = ia.zip(ib);
        self.align = align;
        self.anchors = anchors;
        let off = anchors.1 - anchors.0;
        let (ma, mb) = (&ta.meta, &tb.meta);
        let bounds = (ma.start.min(mb.start - off), ma.end.max(mb.end - off));
        p.a.timeline.set_bounds(Some(bounds));
        p.b.timeline
            .set_bounds(Some((bounds.0 + off, bounds.1 + off)));
        p.a.timeline.set_origin(anchors.0);
        p.b.timeline.set_origin(anchors.1);
        if show {
            match (ia, ib) {
                (Some(a), Some(b)) => show_pair(p, a, b),
                _ => p.a.timeline.fit_whole(&p.a.data),
            }
            let (s, n) = p.a.scale();
            p.b.timeline.set_scale(s + off, n);
        }
        true
    }

    /// Makes `from`'s scale and start the other pane's (the same time
    /// after the anchors).
    fn follow(&mut self, from: Which) {
        let off = self.anchors.1 - self.anchors.0;
        let Some(p) = self.panes.as_mut() else {
            return;
        };
        match from {
            Which::A => {
                let (s, n) = p.a.scale();
                p.b.timeline.set_scale(s + off, n);
            }
            Which::B => {
                let (s, n) = p.b.scale();
                p.a.timeline.set_scale(s - off, n);
            }
        }
    }

    /// The header line (show or hide, the alignment, Fit) and, when open,
    /// the two timelines with the details of the span clicked last.
    pub fn ui(&mut self, ui: &mut Ui, a: &TraceData, b: &Arc<TraceData>, c: &Comparison) {
        self.ensure(a, b);
        // Closed by this frame's click: drawn open once more, since a
        // panel keeps the size of what it held last.
        let was_open = self.open;
        ui.horizontal(|ui| {
            ui.toggle_value(&mut self.open, RichText::new("Timelines").strong())
                .on_hover_text(
                    "Show or hide both traces' timelines, A above B, zoomed and panned together",
                );
            if self.open {
                self.align_ui(ui);
            }
        });
        if let Some(m) = &self.message {
            ui.colored_label(palette::WARNING, m);
        }
        if !was_open {
            return;
        }
        let shown = self.details;
        let mut nav = None;
        if let (Some(w), Some(p)) = (shown, self.panes.as_ref()) {
            egui::Panel::right("compare-stacked-details")
                .resizable(true)
                .default_size(320.0)
                .min_size(200.0)
                .show(ui, |ui| {
                    let pane = if w == Which::A { &p.a } else { &p.b };
                    let side = if w == Which::A { "A" } else { "B" };
                    ui.strong(format!("Selected in {side}"));
                    nav = details::details_ui(ui, &pane.data, &pane.timeline).map(|n| (w, n));
                });
        }
        if let Some((w, n)) = nav {
            self.go(w, n);
        }
        self.panes_ui(ui, c);
    }

    /// Applies a link of the details panel to the pane it came from.
    fn go(&mut self, w: Which, nav: Nav) {
        let Some(p) = self.panes.as_mut() else {
            return;
        };
        let pane = if w == Which::A { &mut p.a } else { &mut p.b };
        let (data, tl) = (&pane.data, &mut pane.timeline);
        match nav {
            Nav::Goto { g, t } | Nav::Goroutine { g, t } => tl.go_to(data, g, t),
            Nav::Select(s) => {
                let span = tl.span_of(data, s);
                tl.go_to(data, s.g, span.start + (span.end - span.start) / 2);
            }
            Nav::Origin(t) => tl.set_origin(t),
            _ => return,
        }
        self.follow(w);
    }

    /// The alignment: each from its start, or an instance of a region or
    /// task type; and Fit.
    fn align_ui(&mut self, ui: &mut Ui) {
        let Some(p) = self.panes.as_ref() else {
            return;
        };
        ui.separator();
        ui.label("Aligned on");
        let mut asked = None;
        let current = match &self.align {
            Align::Instance { of, .. } => type_name(of),
            a => describe(a),
        };
        egui::ComboBox::from_id_salt("compare-align")
            .selected_text(current)
            .width(220.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(self.align == Align::Starts, "each trace's start")
                    .clicked()
                {
                    asked = Some(Align::Starts);
                }
                for t in &p.types {
                    let on = matches!(&self.align, Align::Instance { of, .. } if of == t);
                    if ui.selectable_label(on, type_name(t)).clicked() {
                        asked = Some(Align::Instance {
                            of: t.clone(),
                            n: 0,
                        });
                    }
                }
            });
        if let Align::Instance { of, n } = &self.align {
            let (na, nb) = self.counts;
            let mut k = n + 1;
            ui.label("instance");
            let r = ui.add(
                egui::DragValue::new(&mut k)
                    .range(1..=na.min(nb).max(1))
                    .speed(0.2),
            );
            ui.weak(format!(
                "of {} in A, {} in B",
                format::count(na as u64),
                format::count(nb as u64)
            ));
            if r.changed() {
                asked = Some(Align::Instance {
                    of: of.clone(),
                    n: k - 1,
                });
            }
        }
        if let Some(al) = asked {
            self.set_align(al, true);
        }
        if ui
            .button("Fit")
            .on_hover_text("Show both traces whole")
            .clicked()
        {
            if let Some(p) = self.panes.as_mut() {
                p.a.timeline.fit_whole(&p.a.data);
            }
            self.follow(Which::A);
        }
    }

    /// The two panes, one above the other, each under its title.
    fn panes_ui(&mut self, ui: &mut Ui, c: &Comparison) {
        let full = ui.available_rect_before_wrap();
        ui.advance_cursor_after_rect(full);
        let h = ((full.height() - 2.0 * TITLE_H) / 2.0).max(MIN_CANVAS_H);
        let hover = ui.input(|i| i.pointer.hover_pos());
        let mut top = full.top();
        for (w, info) in [(Which::A, &c.a.info), (Which::B, &c.b.info)] {
            let title = Rect::from_min_size(
                egui::pos2(full.left(), top),
                egui::vec2(full.width(), TITLE_H),
            );
            let canvas = Rect::from_min_size(
                egui::pos2(full.left(), title.bottom()),
                egui::vec2(full.width(), h),
            );
            top = canvas.bottom();
            if hover.is_some_and(|p| canvas.contains(p)) {
                self.keys = w;
            }
            let (side, colour) = match w {
                Which::A => ("A (baseline)", palette::COMPARE_A),
                Which::B => ("B", palette::COMPARE_B),
            };
            let mut tui = ui.new_child(UiBuilder::new().max_rect(title));
            tui.horizontal(|ui| {
                ui.label(RichText::new(side).strong().color(colour));
                ui.label(format!(
                    "{} · go {} · {}",
                    info.file,
                    info.go_version,
                    format::duration(info.duration_ns)
                ));
                if let Some(i) = self.pair.map(|(a, b)| if w == Which::A { a } else { b }) {
                    ui.weak(format!(
                        "· 0 on the axis: its start, {} in; it lasts {}",
                        format::duration(i.start - self.start_of(w)),
                        format::duration(i.end - i.start)
                    ));
                }
            });
            self.pane_ui(ui, w, canvas);
        }
    }

    /// When trace `w` starts.
    fn start_of(&self, w: Which) -> Time {
        self.pane(w).map_or(0, |p| p.data.whole().meta.start)
    }

    /// One pane's canvas in `rect`; what moved it moves the other.
    fn pane_ui(&mut self, ui: &mut Ui, w: Which, rect: Rect) {
        let keys = self.keys == w;
        let Some(p) = self.panes.as_mut() else {
            return;
        };
        let pane = if w == Which::A { &mut p.a } else { &mut p.b };
        let before = (pane.scale(), pane.timeline.selected());
        pane.detail
            .update(ui.ctx(), &mut pane.data, &mut pane.timeline);
        let salt = if w == Which::A {
            "compare-a"
        } else {
            "compare-b"
        };
        let mut cui = ui.new_child(UiBuilder::new().max_rect(rect).id_salt(salt));
        cui.set_clip_rect(rect.intersect(ui.clip_rect()));
        input::canvas_keys_ui(&mut cui, &pane.data, &mut pane.timeline, keys);
        if let Some(a) = pane.timeline.last_frame().areas {
            pane.detail
                .paint(cui.painter(), &pane.data, &pane.timeline, &a);
        }
        let selected = pane.timeline.selected();
        let moved = pane.scale() != before.0;
        let clicked = ui.input(|i| {
            i.pointer.primary_clicked()
                && i.pointer.interact_pos().is_some_and(|p| rect.contains(p))
        });
        if selected.is_some() && (selected != before.1 || clicked) {
            self.details = Some(w);
        }
        if moved {
            self.follow(w);
            ui.ctx().request_repaint();
        }
    }
}

/// Shows instance `a` in A's pane and `b` in B's: their goroutines'
/// lanes, and from their start as long as the longer lasts.
fn show_pair(p: &mut Panes, a: Instance, b: Instance) {
    for (pane, i) in [(&mut p.a, a), (&mut p.b, b)] {
        if let Some(g) = i.g {
            pane.timeline.go_to(&pane.data, g, i.start);
        }
    }
    let len = (a.end - a.start).max(b.end - b.start).max(1);
    p.a.timeline.zoom_to(a.start, a.start + len);
}

/// "region lockedUpdate", "task request".
fn type_name(t: &DistPick) -> String {
    match t {
        DistPick::Region(n) => format!("region {n}"),
        DistPick::Task(n) => format!("task {n}"),
    }
}

/// What an alignment is on, in words.
fn describe(a: &Align) -> String {
    match a {
        Align::Starts => "each trace's start".into(),
        Align::Instance { of, n } => format!("{} #{}", type_name(of), n + 1),
        Align::Group(name) => format!("goroutine of group {name}"),
        Align::Gc => "GC".into(),
    }
}
