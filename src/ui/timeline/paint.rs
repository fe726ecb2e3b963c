//! Painting the timeline: lane backgrounds, the lanes' content (see
//! `lanes`), the label column, the time axis, the range selection and the
//! time origin.

use super::lanes::{Canvas, LanePainter};
use super::rows::{Row, RowKind};
use super::{Timeline, AXIS_H};
use crate::format;
use crate::ui::derived::TraceData;
use crate::ui::{palette, ticks};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke};

/// Screen areas of the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// The time axis (above the tracks).
    pub axis: Rect,
    /// The lane label column.
    pub labels: Rect,
    /// The track area (right of the labels, under the axis).
    pub tracks: Rect,
}

impl Areas {
    /// Splits the widget rect, with a label column `label_w` wide (kept
    /// between a narrow minimum and 60% of the width).
    pub fn new(full: Rect, label_w: f32) -> Areas {
        let label_w = label_w
            .min(full.width() * 0.6)
            .max(super::MIN_LABEL_W.min(full.width() * 0.5));
        let axis = Rect::from_min_max(
            Pos2::new(full.left() + label_w, full.top()),
            Pos2::new(full.right(), full.top() + AXIS_H),
        );
        let labels = Rect::from_min_max(
            Pos2::new(full.left(), full.top() + AXIS_H),
            Pos2::new(full.left() + label_w, full.bottom()),
        );
        let tracks = Rect::from_min_max(
            Pos2::new(full.left() + label_w, full.top() + AXIS_H),
            full.max,
        );
        Areas {
            axis,
            labels,
            tracks,
        }
    }

    /// Screen y of content y (subtracted in f64: content y is exact past
    /// f32's range, the offset on screen is small).
    pub fn screen_y(&self, tl: &Timeline, y: f64) -> f32 {
        self.tracks.top() + (y - tl.scroll_y) as f32
    }
}

fn font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// A lane label to draw: where, what, in which colour and size.
struct Label {
    pos: Pos2,
    text: String,
    colour: Color32,
    size: f32,
}

/// The labels of the rows in view and their headers' open/closed triangles.
#[derive(Default)]
struct LabelColumn {
    labels: Vec<Label>,
    triangles: Vec<(Pos2, bool)>,
}

/// Paints everything; returns nothing (hover and input are separate).
pub fn paint(painter: &Painter, data: &TraceData, tl: &mut Timeline, a: &Areas) {
    painter.rect_filled(a.tracks, 0.0, palette::LANE_BG[0]);
    let ticks = ticks::ticks(&tl.map, tl.origin_ns, 90.0);
    let rows_vis = tl
        .rows
        .visible(tl.scroll_y, tl.scroll_y + f64::from(a.tracks.height()));
    tl.frame.rows_in_view = rows_vis.clone();
    let buffers = (
        std::mem::take(&mut tl.frame.items),
        std::mem::take(&mut tl.frame.buckets),
    );
    let cv = Canvas::new(painter.ctx().clone());
    let mut lanes = LanePainter::new(cv, data, tl.map, buffers);
    let mut column = LabelColumn::default();
    for ri in rows_vis {
        let row = tl.rows.row(ri);
        let y0 = a.screen_y(tl, row.y);
        lane_background(&mut lanes.cv, ri, &row, y0, a);
        column.push(data, tl, &row, y0, a);
        lanes.row(tl, &row, y0, a.tracks);
    }
    let LanePainter {
        cv, items, buckets, ..
    } = lanes;
    tl.frame.items = items;
    tl.frame.buckets = buckets;
    // Grid lines under the text, over the lane backgrounds.
    let grid = ticks.iter().map(|t| {
        Shape::line_segment(
            [
                Pos2::new(t.x as f32, a.tracks.top()),
                Pos2::new(t.x as f32, a.tracks.bottom()),
            ],
            Stroke::new(1.0, palette::GRID),
        )
    });
    let tracks_painter = painter.with_clip_rect(a.tracks);
    tracks_painter.add(Shape::mesh(cv.mesh));
    tracks_painter.extend(grid);
    tracks_painter.extend(cv.over);
    paint_range_and_origin(&tracks_painter, tl, a);
    column.paint(painter, a);
    paint_axis(painter, tl, a, &ticks);
}

/// The background of row `ri` (headers apart, lanes alternating).
fn lane_background(cv: &mut Canvas, ri: usize, row: &Row, y0: f32, a: &Areas) {
    let bg = if is_header(row) {
        palette::HEADER_BG
    } else {
        palette::LANE_BG[ri % 2]
    };
    cv.mesh.add_colored_rect(
        Rect::from_min_max(
            Pos2::new(a.tracks.left(), y0),
            Pos2::new(a.tracks.right(), y0 + row.h),
        ),
        bg,
    );
}

fn is_header(row: &Row) -> bool {
    matches!(row.kind, RowKind::Section(_) | RowKind::Group(_))
}

impl LabelColumn {
    /// The label of `row` (top at screen `y0`) and its triangle, if a header.
    fn push(&mut self, data: &TraceData, tl: &Timeline, row: &Row, y0: f32, a: &Areas) {
        let indent = match row.kind {
            RowKind::Section(_) => 20.0,
            RowKind::Group(_) | RowKind::Goroutine(_) => 30.0,
            _ => 12.0,
        };
        if let Some(open) = header_open(tl, row.kind) {
            let cx = a.labels.left() + indent - 9.0;
            self.triangles.push((Pos2::new(cx, y0 + row.h / 2.0), open));
        }
        let header = is_header(row);
        self.labels.push(Label {
            pos: Pos2::new(
                a.labels.left() + indent,
                y0 + (row.h.min(20.0) - 14.0) / 2.0,
            ),
            text: row_label(data, tl, row),
            colour: if header {
                palette::TEXT
            } else {
                palette::TEXT_DIM
            },
            size: if header { 12.5 } else { 11.5 },
        });
    }

    /// The label column: background, labels, triangles and its edge.
    fn paint(self, painter: &Painter, a: &Areas) {
        let lp = painter.with_clip_rect(a.labels);
        lp.rect_filled(a.labels, 0.0, palette::LABEL_BG);
        for l in self.labels {
            lp.text(l.pos, Align2::LEFT_TOP, l.text, font(l.size), l.colour);
        }
        for (c, open) in self.triangles {
            let pts = if open {
                vec![
                    Pos2::new(c.x - 4.0, c.y - 2.5),
                    Pos2::new(c.x + 4.0, c.y - 2.5),
                    Pos2::new(c.x, c.y + 3.0),
                ]
            } else {
                vec![
                    Pos2::new(c.x - 2.5, c.y - 4.0),
                    Pos2::new(c.x + 3.0, c.y),
                    Pos2::new(c.x - 2.5, c.y + 4.0),
                ]
            };
            lp.add(Shape::convex_polygon(pts, palette::TEXT_DIM, Stroke::NONE));
        }
        lp.line_segment(
            [
                Pos2::new(a.labels.right() - 0.5, a.labels.top()),
                Pos2::new(a.labels.right() - 0.5, a.labels.bottom()),
            ],
            Stroke::new(1.0, palette::GRID),
        );
    }
}

/// The time axis: the view's length, the ticks and the range's length.
fn paint_axis(painter: &Painter, tl: &Timeline, a: &Areas, ticks: &[ticks::Tick]) {
    let full = a.labels.union(a.tracks).union(a.axis);
    let corner = Rect::from_min_max(Pos2::new(full.left(), a.axis.top()), a.axis.max);
    let ap = painter.with_clip_rect(a.axis.union(corner));
    ap.rect_filled(corner, 0.0, palette::AXIS_BG);
    ap.text(
        Pos2::new(full.left() + 6.0, a.axis.center().y),
        Align2::LEFT_CENTER,
        format!("view {}", format::duration(tl.map.duration_ns())),
        font(11.5),
        palette::TEXT_DIM,
    );
    let axp = painter.with_clip_rect(a.axis);
    for t in ticks {
        axp.line_segment(
            [
                Pos2::new(t.x as f32, a.axis.bottom() - 6.0),
                Pos2::new(t.x as f32, a.axis.bottom()),
            ],
            Stroke::new(1.0, palette::TEXT_DIM),
        );
        axp.text(
            Pos2::new(t.x as f32 + 3.0, a.axis.top() + 3.0),
            Align2::LEFT_TOP,
            &t.label,
            font(11.5),
            palette::TEXT,
        );
    }
    if let Some((r0, r1)) = tl.range {
        let map = &tl.map;
        let (x0, x1) = (map.x_from_time(r0) as f32, map.x_from_time(r1) as f32);
        let mid = ((x0 + x1) / 2.0).clamp(a.axis.left() + 40.0, a.axis.right() - 40.0);
        let text = format::duration(r1 - r0);
        let galley = axp.layout_no_wrap(text, font(12.0), Color32::BLACK);
        let r = Rect::from_center_size(
            Pos2::new(mid, a.axis.center().y),
            galley.size() + egui::vec2(10.0, 2.0),
        );
        axp.rect_filled(r, 3.0, palette::RANGE_EDGE);
        axp.galley(r.min + egui::vec2(5.0, 1.0), galley, Color32::BLACK);
    }
}

/// Whether a header row is open (None for other rows).
fn header_open(tl: &Timeline, kind: RowKind) -> Option<bool> {
    match kind {
        RowKind::Section(s) => Some(tl.expansion.section(s)),
        RowKind::Group(g) => Some(
            tl.expansion
                .groups
                .get(g as usize)
                .copied()
                .unwrap_or(false),
        ),
        _ => None,
    }
}

/// The text of a lane label.
pub fn row_label(data: &TraceData, tl: &Timeline, row: &Row) -> String {
    let _ = tl;
    let tr = data.lanes();
    match row.kind {
        RowKind::Section(s) => {
            let n = match s {
                super::rows::Section::Runtime => String::new(),
                super::rows::Section::Procs => format!(" ({})", tr.procs().len()),
                super::rows::Section::Threads => format!(" ({})", tr.threads().len()),
                super::rows::Section::Goroutines => {
                    format!(" ({})", format::count(data.whole().goroutines.len() as u64))
                }
            };
            format!("{}{n}", s.title())
        }
        RowKind::Gc => "GC".into(),
        RowKind::Stw => "STW".into(),
        RowKind::Counter(c) => c.label().into(),
        RowKind::Proc(p) => tr
            .procs()
            .get(p as usize)
            .map_or_else(String::new, |l| format!("Proc {}", l.id)),
        RowKind::Thread(m) => tr
            .threads()
            .get(m as usize)
            .map_or_else(String::new, |l| format!("Thread {}", l.id)),
        RowKind::Group(gi) => {
            let Some(g) = data.whole().groups.get(gi as usize) else {
                return String::new();
            };
            let name = if g.name == 0 {
                "(unnamed)"
            } else {
                tr.str(g.name)
            };
            let total = g.members.len() as u64;
            let count = if u64::from(row.shown) == total {
                format!("×{}", format::count(total))
            } else {
                format!(
                    "×{}/{}",
                    format::count(u64::from(row.shown)),
                    format::count(total)
                )
            };
            format!("{name} {count}")
        }
        RowKind::Goroutine(g) => tr.goroutine_label(g),
    }
}

fn paint_range_and_origin(p: &Painter, tl: &Timeline, a: &Areas) {
    let map = &tl.map;
    if let Some((r0, r1)) = tl.range {
        let (x0, x1) = (map.x_from_time(r0) as f32, map.x_from_time(r1) as f32);
        let r = Rect::from_min_max(
            Pos2::new(x0, a.tracks.top()),
            Pos2::new(x1.max(x0 + 1.0), a.tracks.bottom()),
        );
        p.rect_filled(r, 0.0, palette::RANGE_FILL);
        for x in [x0, x1] {
            p.line_segment(
                [
                    Pos2::new(x, a.tracks.top()),
                    Pos2::new(x, a.tracks.bottom()),
                ],
                Stroke::new(1.0, palette::RANGE_EDGE),
            );
        }
    }
    let ox = map.x_from_time(tl.origin_ns) as f32;
    if ox >= a.tracks.left() && ox <= a.tracks.right() {
        p.line_segment(
            [
                Pos2::new(ox, a.tracks.top()),
                Pos2::new(ox, a.tracks.bottom()),
            ],
            Stroke::new(1.0, palette::ORIGIN),
        );
    }
}
