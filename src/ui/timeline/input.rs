//! The timeline canvas: allocates the widget, handles the mouse and the
//! keyboard (drag pans, shift+drag selects a range, ctrl+wheel zooms at the
//! cursor, wheel scrolls lanes, W/S/A/D, F, Home/End, Esc), hit-tests,
//! shows the tooltip, then paints.

use super::hit::{self, Hit};
use super::paint::{self, Areas};
use super::{flows, Drag, Timeline};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use egui::{Key, PointerButton, Rect, Sense, Ui};

/// Shows the timeline canvas in the remaining space of `ui`.
pub fn canvas_ui(ui: &mut Ui, data: &TraceData, tl: &mut Timeline) {
    canvas_keys_ui(ui, data, tl, true);
}

/// [`canvas_ui`], reading the keyboard only when `keys` (of two canvases
/// shown together, the one the pointer was over last).
pub fn canvas_keys_ui(ui: &mut Ui, data: &TraceData, tl: &mut Timeline, keys: bool) {
    let full = ui.available_rect_before_wrap();
    // A fixed id: panels appearing around the canvas must not restart a drag.
    let resp = ui.interact(
        full,
        ui.make_persistent_id("timeline-canvas"),
        Sense::click_and_drag(),
    );
    ui.advance_cursor_after_rect(full);
    // Interacted after the canvas, so it wins the drag at the column edge.
    let splitter = label_splitter(ui, full, tl);
    let areas = Areas::new(full, tl.label_w);
    tl.frame.lanes_h = areas.tracks.height();
    tl.frame.areas = Some(areas);
    tl.prepare(
        data,
        f64::from(areas.tracks.left()),
        f64::from(areas.tracks.width()),
    );
    let before = (tl.map.start_ns, tl.map.ns_per_px, tl.selected, tl.range);
    if keys {
        keyboard(ui, data, tl, &areas, &resp);
    }
    mouse(ui, data, tl, &areas, &resp);
    if before != (tl.map.start_ns, tl.map.ns_per_px, tl.selected, tl.range) {
        tl.untouched = false;
    }
    label_widgets(ui, data, tl, &areas);
    tl.refresh_rows(data);
    let (t0, t1) = tl.bounds(data);
    tl.map.clamp_to(t0, t1);
    let max_scroll = (tl.rows.total_h - f64::from(areas.tracks.height()) * 0.5).max(0.0);
    tl.scroll_y = tl.scroll_y.clamp(0.0, max_scroll);
    // Hit-test after navigation so the tooltip matches what is painted.
    tl.frame.hovered = resp.hover_pos().and_then(|p| hit_at(data, tl, &areas, p));
    paint::paint(ui.painter(), data, tl, &areas);
    let flow_g = match tl.frame.hovered {
        Some(Hit::Span { g, .. } | Hit::GoLabel(g) | Hit::GcWork { g, .. }) => Some(g),
        _ => tl.selected.map(|s| s.g),
    };
    if let Some(g) = flow_g {
        flows::paint(ui.painter(), data, tl, &areas, g);
    }
    super::task_arrows::paint(ui.painter(), tl, &areas);
    if splitter.hovered() || splitter.dragged() {
        let x = areas.labels.right();
        ui.painter().vline(
            x,
            full.y_range(),
            egui::Stroke::new(2.0, ui.visuals().selection.stroke.color),
        );
    }
    if let Some(h) = tl.frame.hovered {
        if tl.drag == Drag::None {
            let lines = hit::tooltip(data, tl, &h);
            if !lines.is_empty() {
                resp.clone().on_hover_ui_at_pointer(|ui| {
                    for (i, l) in lines.iter().enumerate() {
                        if i == 0 {
                            ui.strong(l);
                        } else {
                            ui.label(l);
                        }
                    }
                });
            }
        }
    }
    context_menu(data, tl, &resp);
}

/// The right edge of the label column: dragging it resizes the column
/// (long start functions can be read in full).
fn label_splitter(ui: &mut Ui, full: Rect, tl: &mut Timeline) -> egui::Response {
    let x = Areas::new(full, tl.label_w).labels.right();
    let rect = Rect::from_x_y_ranges(x - SPLITTER_HALF_W..=x + SPLITTER_HALF_W, full.y_range());
    let r = ui
        .interact(rect, ui.make_persistent_id("label-splitter"), Sense::drag())
        .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
    if r.dragged() {
        // The scale and the time at the tracks' left edge stay.
        tl.label_w = Areas::new(full, tl.label_w + r.drag_delta().x)
            .labels
            .width();
    }
    r
}

/// Half the width of the grip on the label column's edge.
const SPLITTER_HALF_W: f32 = 3.0;

/// One accessible, clickable widget per lane label in view (screen readers
/// and UI tests find lanes by their labels); clicking a header toggles it,
/// clicking a goroutine label selects its span at the centre of the view.
fn label_widgets(ui: &mut Ui, data: &TraceData, tl: &mut Timeline, a: &Areas) {
    let vis = tl
        .rows
        .visible(tl.scroll_y, tl.scroll_y + f64::from(a.tracks.height()));
    let mut clicked = None;
    for ri in vis {
        let row = tl.rows.row(ri);
        let y0 = a.screen_y(tl, row.y).max(a.labels.top());
        let y1 = (a.screen_y(tl, row.y) + row.h).min(a.labels.bottom());
        if y1 - y0 < 2.0 {
            continue;
        }
        // Clear of the column's resize grip.
        let rect = Rect::from_min_max(
            egui::pos2(a.labels.left(), y0),
            egui::pos2(a.labels.right() - SPLITTER_HALF_W, y1),
        );
        let r = ui.interact(
            rect,
            ui.scope_id().with(("lane-label", row.kind)),
            Sense::click(),
        );
        let text = paint::row_label(data, tl, &row).trim().to_string();
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &text));
        if r.clicked() {
            clicked = Some(row.kind);
        }
    }
    match clicked {
        Some(k @ (super::rows::RowKind::Section(_) | super::rows::RowKind::Group(_))) => {
            tl.toggle(k)
        }
        Some(super::rows::RowKind::Goroutine(g)) => {
            let t = tl.map.time_from_x(f64::from(a.tracks.center().x));
            tl.select_at(data, g, t);
        }
        _ => {}
    }
}

/// What is at screen position `p`.
pub fn hit_at(data: &TraceData, tl: &Timeline, a: &Areas, p: egui::Pos2) -> Option<Hit> {
    if p.y < a.tracks.top() || p.y > a.tracks.bottom() {
        return None;
    }
    let y = f64::from(p.y - a.tracks.top()) + tl.scroll_y;
    let ri = tl.rows.at(y)?;
    let row = tl.rows.row(ri);
    let in_labels = a.labels.contains(p);
    let y_in_row = (y - row.y) as f32;
    hit::hit_row(data, tl, &row, f64::from(p.x), y_in_row, in_labels)
}

fn keyboard(ui: &Ui, data: &TraceData, tl: &mut Timeline, a: &Areas, resp: &egui::Response) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let pointer_x = resp
        .hover_pos()
        .map(|p| f64::from(p.x))
        .filter(|&x| x >= f64::from(a.tracks.left()));
    let centre = pointer_x.unwrap_or(f64::from(a.tracks.center().x));
    let (dt, w, s, ad, f, home, end, esc) = ui.input(|i| {
        let dt = f64::from(i.stable_dt.clamp(0.001, 0.1));
        let ad = f64::from(u8::from(i.key_down(Key::D))) - f64::from(u8::from(i.key_down(Key::A)));
        (
            dt,
            i.key_down(Key::W) && !i.modifiers.command,
            i.key_down(Key::S) && !i.modifiers.command,
            ad,
            i.key_pressed(Key::F) && !i.modifiers.command,
            i.key_pressed(Key::Home),
            i.key_pressed(Key::End),
            i.key_pressed(Key::Escape),
        )
    });
    if w {
        tl.map.zoom_at(centre, 8f64.powf(dt));
    }
    if s {
        tl.map.zoom_at(centre, 8f64.powf(-dt));
    }
    if ad != 0.0 {
        tl.map.pan_px(-ad * tl.map.width_px * dt);
    }
    if w || s || ad != 0.0 {
        ui.ctx().request_repaint();
    }
    if f {
        tl.fit_selection(data);
    }
    // The trace's ends, not those of the tile in view.
    let meta = &data.whole().meta;
    if home {
        let d = tl.map.duration_ns();
        tl.map.start_ns = meta.start - d / 40;
    }
    if end {
        let d = tl.map.duration_ns();
        tl.map.start_ns = meta.end - d + d / 40;
    }
    if esc {
        tl.clear();
    }
}

fn mouse(ui: &Ui, data: &TraceData, tl: &mut Timeline, a: &Areas, resp: &egui::Response) {
    let (zoom, scroll, shift) =
        ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta, i.modifiers.shift));
    if let Some(p) = resp.hover_pos() {
        if zoom != 1.0 {
            let x = f64::from(p.x.max(a.tracks.left()));
            tl.map.zoom_at(x, f64::from(zoom));
        } else {
            if scroll.y != 0.0 {
                tl.scroll_y -= f64::from(scroll.y);
            }
            if scroll.x != 0.0 {
                tl.map.pan_px(f64::from(scroll.x));
            }
        }
    }
    if resp.drag_started_by(PointerButton::Primary) || resp.drag_started_by(PointerButton::Middle) {
        let start = ui
            .input(|i| i.pointer.press_origin())
            .or(resp.interact_pointer_pos())
            .unwrap_or_default();
        tl.drag = if shift {
            Drag::Range {
                anchor: tl.map.time_from_x(f64::from(start.x.max(a.tracks.left()))),
            }
        } else {
            Drag::Pan
        };
    }
    if resp.dragged() {
        let d = resp.drag_delta();
        match tl.drag {
            Drag::Pan => {
                tl.map.pan_px(f64::from(d.x));
                tl.scroll_y -= f64::from(d.y);
            }
            Drag::Range { anchor } => {
                if let Some(p) = resp.interact_pointer_pos() {
                    let t = tl
                        .map
                        .time_from_x(f64::from(p.x.clamp(a.tracks.left(), a.tracks.right())));
                    tl.range = Some((anchor.min(t), anchor.max(t).max(anchor.min(t) + 1)));
                }
            }
            Drag::None => {}
        }
    }
    if resp.drag_stopped() {
        tl.drag = Drag::None;
    }
    if resp.clicked() {
        if let Some(p) = resp.interact_pointer_pos() {
            click(data, tl, a, p);
        }
    }
    if resp.secondary_clicked() {
        if let Some(p) = resp.interact_pointer_pos() {
            tl.context_time = tl.map.time_from_x(f64::from(p.x));
        }
    }
}

/// A left click at `p`: toggles headers, selects spans, selects GC/STW ranges.
pub fn click(data: &TraceData, tl: &mut Timeline, a: &Areas, p: egui::Pos2) {
    let tr = data.lanes();
    match hit_at(data, tl, a, p) {
        Some(Hit::Header(kind)) => tl.toggle(kind),
        Some(Hit::Span { g, idx }) => {
            let s = super::SelectedSpan { g, idx };
            tl.select(data, s);
            // Where it was clicked: a coarse span of the overview may
            // stand for many in the detail that replaces it.
            let span = tl.span_of(data, s);
            let at = tl.map.time_from_x(f64::from(p.x));
            tl.selected_at = at.clamp(span.start, (span.end - 1).max(span.start));
        }
        Some(Hit::GoLabel(g)) => {
            let t = tl.map.time_from_x(f64::from(a.tracks.center().x));
            tl.select_at(data, g, t);
        }
        Some(Hit::GcWork { g, idx }) => {
            if let Some(w) = tr.gc_work().get(idx as usize) {
                tl.select_at(data, g, w.start);
                tl.range = Some((w.start, w.end));
            }
        }
        Some(Hit::Region { idx }) => {
            if let Some(r) = tr.regions().get(idx as usize) {
                tl.range = Some((r.start, r.end));
            }
        }
        Some(Hit::Proc { p, idx }) => {
            if let Some(l) = tr.procs().get(p as usize) {
                select_interval(data, tl, &l.intervals, idx);
            }
        }
        Some(Hit::Thread { m, idx }) => {
            if let Some(l) = tr.threads().get(m as usize) {
                select_interval(data, tl, &l.intervals, idx);
            }
        }
        Some(Hit::Gc(i)) => tl.range = data.whole().gc.get(i as usize).map(|r| (r.start, r.end)),
        Some(Hit::Stw(i)) => tl.range = data.whole().stw.get(i as usize).map(|r| (r.start, r.end)),
        Some(Hit::Counter(..)) | None => {}
    }
}

fn select_interval(data: &TraceData, tl: &mut Timeline, iv: &crate::model::IntervalLane, idx: u32) {
    let i = idx as usize;
    if i < iv.len() {
        let (g, s, e) = (iv.g(i), iv.start(i), iv.end(i));
        if let Some(g) = g {
            tl.select_at(data, g, s + (e - s) / 2);
        }
    }
}

fn context_menu(data: &TraceData, tl: &mut Timeline, resp: &egui::Response) {
    resp.context_menu(|ui| {
        let t: Time = tl.context_time;
        if ui.button("Set time origin here").clicked() {
            tl.origin_ns = t;
            ui.close();
        }
        if let Some(s) = tl.selected {
            if ui.button("Set time origin to the selected span").clicked() {
                tl.origin_ns = tl.span_of(data, s).start;
                ui.close();
            }
        }
        if let Some((r0, _)) = tl.range {
            if ui.button("Set time origin to the range start").clicked() {
                tl.origin_ns = r0;
                ui.close();
            }
        }
        if ui.button("Reset time origin (trace start)").clicked() {
            tl.origin_ns = data.whole().meta.start;
            ui.close();
        }
        ui.separator();
        if ui.button("Fit whole trace").clicked() {
            tl.fit_all(data);
            ui.close();
        }
    });
}

/// The screen areas of a widget rect (for tests and the bench).
pub fn areas(full: Rect) -> Areas {
    Areas::new(full, super::LABEL_W)
}
