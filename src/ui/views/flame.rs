//! The flame graph widget (an icicle: callers on top, callees below) and
//! the top table, shared by the blocking profiles and the CPU view. Click
//! a frame to zoom into it; the breadcrumb climbs back. Frames narrower
//! than half a pixel are culled with their whole subtree (never visited);
//! labels are drawn only where they fit.

use super::table::{right_ui, sort_header_ui, SortBy};
use crate::analysis::flame::{top_table, FlameTree, TopRow};
use crate::format;
use crate::model::{StackId, StrId, Trace};
use crate::ui::palette;
use egui::{Color32, Rect, Sense, Ui};
use egui_extras::{Column as TCol, TableBuilder};
use std::sync::Arc;

/// Height of one frame row.
pub const ROW_H: f32 = 18.0;
/// Frames narrower than this (points) are not drawn, nor their subtrees.
pub const CULL_W: f32 = 0.5;
/// Frames at least this wide get a label.
pub const LABEL_MIN_W: f32 = 28.0;

/// What the weights measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds of delay (blocking profiles).
    Nanos,
    /// CPU samples.
    Samples,
}

impl Unit {
    /// A weight as text.
    pub fn format(self, w: i64) -> String {
        match self {
            Unit::Nanos => format::duration(w),
            Unit::Samples => format!("{} samples", format::count(w.max(0) as u64)),
        }
    }
}

/// A flame tree with what the widget needs beside it (parents, the top
/// table), built once per profile.
pub struct FlameData {
    /// The tree.
    pub tree: FlameTree,
    /// Parent of each node (the root's is itself).
    pub parent: Vec<u32>,
    /// Flat and cumulative weight per function.
    pub top: Vec<TopRow>,
    /// What the weights are.
    pub unit: Unit,
    /// Deepest node.
    pub max_depth: u16,
}

impl FlameData {
    /// Builds the tree and the top table of (stack, weight, count) samples.
    pub fn new(trace: &Trace, samples: &[(StackId, i64, u64)], unit: Unit) -> FlameData {
        let tree = FlameTree::build(trace, samples.iter().copied());
        let mut parent = vec![0u32; tree.nodes.len()];
        for (i, n) in tree.nodes.iter().enumerate() {
            for &c in &n.children {
                parent[c as usize] = i as u32;
            }
        }
        let max_depth = tree.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
        FlameData {
            top: top_table(trace, samples.iter().copied()),
            tree,
            parent,
            unit,
            max_depth,
        }
    }

    /// Nodes from the root down to `node`.
    pub fn path_to(&self, node: u32) -> Vec<u32> {
        let mut v = vec![node];
        let mut n = node;
        // Bounded by the depth: a malformed parent chain cannot loop.
        for _ in 0..=self.max_depth {
            if n == 0 {
                break;
            }
            n = self.parent.get(n as usize).copied().unwrap_or(0);
            v.push(n);
        }
        if v.last() != Some(&0) {
            v.push(0);
        }
        v.reverse();
        v
    }

    /// A node's display name.
    pub fn name<'a>(&self, trace: &'a Trace, node: u32) -> &'a str {
        if node == 0 {
            return "all";
        }
        self.tree
            .nodes
            .get(node as usize)
            .map_or("", |n| trace.str(n.func))
    }
}

/// Interaction state of a flame graph and its top table.
#[derive(Debug, Clone)]
pub struct FlameState {
    /// The node shown across the full width.
    pub zoom: u32,
    /// A function picked in the top table, highlighted in the graph.
    pub highlight: Option<StrId>,
    /// Sort of the top table.
    pub sort: SortBy,
    data_id: usize,
    order: Vec<u32>,
    order_key: Option<(usize, SortBy)>,
}

impl Default for FlameState {
    fn default() -> Self {
        FlameState {
            zoom: 0,
            highlight: None,
            sort: SortBy::desc(3),
            data_id: 0,
            order: Vec::new(),
            order_key: None,
        }
    }
}

impl FlameState {
    fn sync(&mut self, data: &Arc<FlameData>) {
        let id = Arc::as_ptr(data) as usize;
        if self.data_id != id {
            self.data_id = id;
            self.zoom = 0;
            self.highlight = None;
        }
        if self.zoom as usize >= data.tree.nodes.len() {
            self.zoom = 0;
        }
    }
}

fn hash_func(f: StrId) -> u64 {
    (u64::from(f).wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40
}

/// The breadcrumb of the zoomed frame and a reset button.
pub fn breadcrumb_ui(ui: &mut Ui, trace: &Trace, data: &Arc<FlameData>, st: &mut FlameState) {
    st.sync(data);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(st.zoom != 0, egui::Button::new("Reset zoom"))
            .clicked()
        {
            st.zoom = 0;
        }
        let path = data.path_to(st.zoom);
        for (i, &n) in path.iter().enumerate() {
            if i > 0 {
                ui.weak("›");
            }
            let name = data.name(trace, n);
            if ui.selectable_label(n == st.zoom, name).clicked() {
                st.zoom = n;
            }
        }
    });
}

/// The flame graph, filling the space given.
pub fn flame_ui(
    ui: &mut Ui,
    trace: &Trace,
    data: &Arc<FlameData>,
    st: &mut FlameState,
    base: Color32,
) {
    st.sync(data);
    let total_h = (f32::from(data.max_depth) + 1.0) * ROW_H;
    egui::ScrollArea::vertical()
        .id_salt("flame-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let w = ui.available_width();
            let (rect, resp) = ui.allocate_exact_size(egui::vec2(w, total_h), Sense::click());
            let clip = ui.clip_rect().intersect(rect);
            let graph = FlameGraph {
                trace,
                data,
                st,
                base,
            };
            let hovered = graph.paint(ui, rect, clip, resp.hover_pos());
            if let Some(n) = hovered {
                if resp.clicked() {
                    st.zoom = n;
                }
                resp.on_hover_ui_at_pointer(|ui| tooltip_ui(ui, trace, data, st, n));
            }
        });
}

/// One frame to draw: its node, left edge (points from the graph's left)
/// and width, and whether its label fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameItem {
    /// Node index.
    pub node: u32,
    /// Left edge, in points from the left of the graph.
    pub x: f32,
    /// Width in points.
    pub w: f32,
    /// Row (the node's depth).
    pub depth: u16,
    /// Wide enough for a label.
    pub label: bool,
}

/// Lays out the frames of rows `rows` for a graph `width` points wide:
/// the zoomed frame and its ancestors across the whole width, then its
/// descendants by weight. A frame narrower than [`CULL_W`] is dropped with
/// its whole subtree, which is never visited; so are rows past `rows.end`.
pub fn layout(
    data: &FlameData,
    zoom: u32,
    width: f32,
    rows: std::ops::Range<u16>,
) -> Vec<FrameItem> {
    let nodes = &data.tree.nodes;
    let mut out = Vec::new();
    let item = |n: u32, x: f32, w: f32, depth: u16| FrameItem {
        node: n,
        x,
        w,
        depth,
        label: w >= LABEL_MIN_W,
    };
    for n in data.path_to(zoom) {
        let Some(node) = nodes.get(n as usize) else {
            continue;
        };
        if rows.contains(&node.depth) {
            out.push(item(n, 0.0, width, node.depth));
        }
    }
    let Some(z) = nodes.get(zoom as usize) else {
        return out;
    };
    if z.total <= 0 {
        return out;
    }
    let mut stack: Vec<(u32, f32, f32)> = vec![(zoom, 0.0, width)];
    while let Some((n, x, w)) = stack.pop() {
        let Some(node) = nodes.get(n as usize) else {
            continue;
        };
        let depth = node.depth.saturating_add(1);
        if depth >= rows.end {
            continue;
        }
        let mut cx = x;
        for &c in &node.children {
            let Some(child) = nodes.get(c as usize) else {
                continue;
            };
            let cw = (child.total as f64 / node.total.max(1) as f64 * f64::from(w)) as f32;
            if cw < CULL_W {
                // Children are heaviest first: the rest are narrower still.
                break;
            }
            if depth >= rows.start {
                out.push(item(c, cx, cw, depth));
            }
            stack.push((c, cx, cw));
            cx += cw;
        }
    }
    out
}

/// What painting a flame graph needs: the frames, their names and how
/// the user looks at them.
struct FlameGraph<'a> {
    trace: &'a Trace,
    data: &'a FlameData,
    st: &'a FlameState,
    /// The colour the frames' colours derive from.
    base: Color32,
}

impl FlameGraph<'_> {
    /// Paints the frames of the rows visible in `clip` of a graph laid out
    /// in `rect`; returns the frame under `hover`.
    fn paint(&self, ui: &Ui, rect: Rect, clip: Rect, hover: Option<egui::Pos2>) -> Option<u32> {
        let (trace, data, st, base) = (self.trace, self.data, self.st, self.base);
        let mut hovered = None;
        let p = ui.painter().with_clip_rect(clip);
        let font = egui::FontId::proportional(11.5);
        let row = |y: f32| {
            ((y - rect.top()) / ROW_H)
                .floor()
                .clamp(0.0, f32::from(u16::MAX)) as u16
        };
        let rows = row(clip.top())..row(clip.bottom()).saturating_add(1);
        for it in layout(data, st.zoom, rect.width(), rows) {
            let Some(node) = data.tree.nodes.get(it.node as usize) else {
                continue;
            };
            let r = Rect::from_min_size(
                egui::pos2(rect.left() + it.x, rect.top() + f32::from(it.depth) * ROW_H),
                egui::vec2(it.w, ROW_H - 1.0),
            );
            let mut c = palette::flame_frame(base, hash_func(node.func));
            if st.highlight.is_some_and(|h| h != node.func || it.node == 0) {
                c = palette::darken(c, 0.45);
            }
            let inner = if it.w > 3.0 {
                r.shrink2(egui::vec2(0.5, 0.0))
            } else {
                r
            };
            p.rect_filled(inner, 1.5, c);
            if hover.is_some_and(|h| r.contains(h)) {
                hovered = Some(it.node);
                p.rect_stroke(
                    inner,
                    1.5,
                    egui::Stroke::new(1.0, palette::SELECTED),
                    egui::StrokeKind::Inside,
                );
            }
            if it.label {
                let name = data.name(trace, it.node);
                let mut job = egui::text::LayoutJob::simple_singleline(
                    name.to_string(),
                    font.clone(),
                    palette::text_on(c),
                );
                job.wrap = egui::text::TextWrapping::truncate_at_width(it.w - 6.0);
                let galley = p.layout_job(job);
                p.galley(
                    egui::pos2(r.left() + 3.0, r.center().y - galley.size().y / 2.0),
                    galley,
                    palette::text_on(c),
                );
            }
        }
        hovered
    }
}

fn pct(a: i64, b: i64) -> f64 {
    if b <= 0 {
        0.0
    } else {
        a as f64 / b as f64 * 100.0
    }
}

fn tooltip_ui(ui: &mut Ui, trace: &Trace, data: &FlameData, st: &FlameState, n: u32) {
    let Some(node) = data.tree.nodes.get(n as usize) else {
        return;
    };
    let all = data.tree.total();
    ui.strong(data.name(trace, n));
    let u = data.unit;
    ui.label(format!(
        "total {} ({:.1}% of all)",
        u.format(node.total),
        pct(node.total, all)
    ));
    if st.zoom != 0 {
        let z = data
            .tree
            .nodes
            .get(st.zoom as usize)
            .map_or(all, |z| z.total);
        ui.label(format!("{:.1}% of the zoomed frame", pct(node.total, z)));
    }
    ui.label(format!("self {}", u.format(node.self_weight)));
    crate::ui::source::tooltip_line_ui(ui, trace, node.func);
    if u == Unit::Nanos {
        ui.label(format!("{} waits", format::count(node.count)));
    }
    ui.weak("click to zoom into it");
}

/// The top table: flat and cumulative weight and count per function,
/// sortable; clicking a function highlights it in the graph.
pub fn top_table_ui(ui: &mut Ui, trace: &Trace, data: &Arc<FlameData>, st: &mut FlameState) {
    st.sync(data);
    let key = (Arc::as_ptr(data) as usize, st.sort);
    if st.order_key != Some(key) {
        let mut order: Vec<u32> = (0..data.top.len() as u32).collect();
        let s = st.sort;
        let top = &data.top;
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&top[a as usize], &top[b as usize]);
            match s.column {
                0 => s.order(&trace.str(rb.func), &trace.str(ra.func)),
                1 | 2 => s.order(&ra.flat, &rb.flat),
                5 => s.order(&ra.count, &rb.count),
                _ => s.order(&ra.cum, &rb.cum),
            }
            .then(rb.cum.cmp(&ra.cum))
        });
        st.order = order;
        st.order_key = Some(key);
    }
    let all = data.tree.total();
    let u = data.unit;
    let count_title = if u == Unit::Nanos { "Count" } else { "Samples" };
    let titles = ["Function", "Flat", "Flat %", "Cum", "Cum %", count_title];
    let mut sort = st.sort;
    let mut clicked = None;
    TableBuilder::new(ui)
        .id_salt("top-table")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(TCol::remainder().at_least(240.0).clip(true))
        .columns(TCol::initial(92.0).at_least(50.0), 5)
        // Room for the scroll bar, which would cover the last column.
        .column(TCol::exact(10.0))
        .header(20.0, |mut h| {
            for (i, t) in titles.iter().enumerate() {
                h.col(|ui| {
                    sort_header_ui(ui, t, i, &mut sort);
                });
            }
            h.col(|_| {});
        })
        .body(|body| {
            body.rows(18.0, st.order.len(), |mut row| {
                let Some(r) = st
                    .order
                    .get(row.index())
                    .and_then(|&i| data.top.get(i as usize))
                else {
                    return;
                };
                row.col(|ui| {
                    let sel = st.highlight == Some(r.func);
                    let name = trace.str(r.func);
                    if ui
                        .selectable_label(sel, egui::RichText::new(name).monospace())
                        .on_hover_text("Highlight in the flame graph")
                        .clicked()
                    {
                        clicked = Some(r.func);
                    }
                });
                row.col(|ui| right_ui(ui, u.format(r.flat)));
                row.col(|ui| right_ui(ui, format!("{:.1}%", pct(r.flat, all))));
                row.col(|ui| right_ui(ui, u.format(r.cum)));
                row.col(|ui| right_ui(ui, format!("{:.1}%", pct(r.cum, all))));
                row.col(|ui| right_ui(ui, format::count(r.count)));
                row.col(|_| {});
            });
        });
    st.sort = sort;
    if let Some(f) = clicked {
        st.highlight = if st.highlight == Some(f) {
            None
        } else {
            Some(f)
        };
    }
}

/// Flame graph above, top table below, with the breadcrumb on top.
pub fn flame_and_top_ui(
    ui: &mut Ui,
    trace: &Trace,
    data: &Arc<FlameData>,
    st: &mut FlameState,
    base: Color32,
    id: &str,
) {
    breadcrumb_ui(ui, trace, data, st);
    let avail = ui.available_height();
    // The graph gets the rows it needs; the table the rest (160 pt to 70%).
    let graph_h = (f32::from(data.max_depth) + 2.0) * ROW_H;
    let table_h = (avail - graph_h).clamp(160.0_f32.min(avail * 0.5), (avail * 0.7).max(160.0));
    egui::Panel::bottom(format!("{id}-top"))
        .resizable(true)
        .default_size(table_h)
        .min_size(100.0)
        .show(ui, |ui| {
            ui.add_space(4.0);
            top_table_ui(ui, trace, data, st);
        });
    egui::CentralPanel::default().show(ui, |ui| {
        flame_ui(ui, trace, data, st, base);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::flame::FlameNode;

    fn node(total: i64, children: Vec<u32>, depth: u16) -> FlameNode {
        FlameNode {
            func: 0,
            total,
            self_weight: 0,
            count: 1,
            children,
            depth,
        }
    }

    /// all(1000) → a(999) → a1(999); all → b(1) → b1(1).
    fn data() -> FlameData {
        let nodes = vec![
            node(1000, vec![1, 3], 0),
            node(999, vec![2], 1),
            node(999, vec![], 2),
            node(1, vec![4], 1),
            node(1, vec![], 2),
        ];
        let mut parent = vec![0u32; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            for &c in &n.children {
                parent[c as usize] = i as u32;
            }
        }
        FlameData {
            tree: FlameTree { nodes },
            parent,
            top: Vec::new(),
            unit: Unit::Samples,
            max_depth: 2,
        }
    }

    #[test]
    fn a_frame_under_half_a_pixel_is_culled_with_its_subtree() {
        let items = layout(&data(), 0, 100.0, 0..10);
        let nodes: Vec<u32> = items.iter().map(|i| i.node).collect();
        assert_eq!(nodes, vec![0, 1, 2], "b (0.1 pt) and b1 are dropped");
        // Wide enough on a wide graph.
        let items = layout(&data(), 0, 1000.0, 0..10);
        assert_eq!(items.len(), 5);
        assert!(items.iter().all(|i| i.depth <= 2));
    }

    #[test]
    fn labels_only_where_they_fit_and_zoom_fills_the_width() {
        let items = layout(&data(), 0, 1000.0, 0..10);
        let b = items.iter().find(|i| i.node == 3).expect("b laid out");
        assert!(!b.label, "1 pt is too narrow for a label");
        assert!(items.iter().find(|i| i.node == 1).expect("a").label);
        // Zoomed into b: its ancestors and b span the width, b1 too.
        let items = layout(&data(), 3, 200.0, 0..10);
        let nodes: Vec<(u32, f32)> = items.iter().map(|i| (i.node, i.w)).collect();
        assert_eq!(nodes, vec![(0, 200.0), (3, 200.0), (4, 200.0)]);
        assert_eq!(data().path_to(4), vec![0, 3, 4]);
    }

    #[test]
    fn rows_out_of_view_are_not_laid_out() {
        let items = layout(&data(), 0, 1000.0, 2..3);
        assert!(items.iter().all(|i| i.depth == 2));
        assert_eq!(items.len(), 2);
        assert!(layout(&data(), 0, 1000.0, 0..1).iter().all(|i| i.node == 0));
    }

    #[test]
    fn formats_units() {
        assert_eq!(Unit::Samples.format(1200), "1,200 samples");
        assert_eq!(Unit::Nanos.format(36_000), "36.000 µs");
    }

    #[test]
    fn percentages_of_nothing_are_zero() {
        assert_eq!(pct(5, 0), 0.0);
        assert_eq!(pct(1, 4), 25.0);
    }
}
