//! Detail tiles in the viewer (big traces): which generations the view
//! needs, asking the tile cache for them without ever waiting, showing a
//! tile in place of the overview once it is built (the selection follows),
//! a hatch while the overview is all there is at a finer zoom, and the
//! notice that the file changed on disk.

use super::derived::{ShownLanes, TraceData};
use super::palette;
use super::timeline::paint::Areas;
use super::timeline::Timeline;
use crate::load::tiles::{TileError, TileStatus};
use egui::{Painter, Pos2, Rect, Stroke};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most generations one tile holds: a wider view is drawn from the overview.
pub const MAX_TILE_GENS: usize = 3;
/// How often the file is looked at (a `stat`) for changes.
const CHANGE_CHECK: Duration = Duration::from_secs(2);

/// What the lanes show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// The loaded model (every span, or an overview zoomed out).
    Loaded,
    /// The overview while the tile of the generations in view is built.
    Loading,
    /// A detail tile.
    Tile,
    /// The tile could not be built.
    Failed(String),
}

/// The detail state of one open trace.
pub struct DetailState {
    /// What the lanes show.
    pub detail: Detail,
    /// Set once the file is not what was loaded any more.
    pub changed: Option<String>,
    notify_set: bool,
    last_check: Option<Instant>,
}

impl Default for DetailState {
    fn default() -> Self {
        DetailState {
            detail: Detail::Loaded,
            changed: None,
            notify_set: false,
            last_check: None,
        }
    }
}

impl DetailState {
    /// Looks at the file (at most every two seconds) and, for a big
    /// trace, at the tile the view needs: swaps `data` to it when built,
    /// back to the overview when the view is wider than a tile. Never
    /// waits for a tile.
    pub fn update(&mut self, ctx: &egui::Context, data: &mut Arc<TraceData>, tl: &mut Timeline) {
        if self.changed.is_none() && self.last_check.is_none_or(|t| t.elapsed() >= CHANGE_CHECK) {
            self.last_check = Some(Instant::now());
            self.changed = data.loaded.changed_on_disk();
        }
        if self.changed.is_some() {
            ctx.request_repaint_after(CHANGE_CHECK);
        }
        let Some(tiles) = data.tiles.clone() else {
            return;
        };
        if !self.notify_set {
            let c = ctx.clone();
            tiles.set_notify(Arc::new(move || c.request_repaint()));
            self.notify_set = true;
        }
        let (t0, t1) = (tl.map().start_ns, tl.map().end_ns());
        let gens = tiles.source().gens_in(t0, t1);
        if gens.is_empty() || gens.len() > MAX_TILE_GENS {
            self.detail = Detail::Loaded;
            if data.shows_tile() {
                let v = data.loaded_view();
                swap(data, tl, v);
            }
            return;
        }
        // A changed file is never read again: keep what is drawn.
        let start = self.changed.is_none();
        match tiles.request(gens.clone(), start) {
            TileStatus::Ready(tile) => {
                self.detail = Detail::Tile;
                if !data.lanes().is_of(&tile) {
                    swap(data, tl, Arc::new(ShownLanes::new(tile)));
                }
            }
            TileStatus::Building => {
                self.detail = Detail::Loading;
                let (a, b) = tiles.source().time_range(&gens);
                let (w0, w1) = data.lanes().window();
                let covered = data.shows_tile() && w0 <= a.max(t0) && b.min(t1) <= w1;
                if data.shows_tile() && !covered {
                    let v = data.loaded_view();
                    swap(data, tl, v);
                }
            }
            TileStatus::Failed(TileError::Changed(m)) => {
                self.changed = Some(m);
                self.detail = Detail::Failed("the trace changed on disk".into());
            }
            TileStatus::Failed(TileError::Failed(m)) => self.detail = Detail::Failed(m),
        }
    }

    /// Paints the hatch over the lanes when the overview is drawn finer
    /// than its buckets (a tile is coming, or failed), with a label.
    pub fn paint(&self, painter: &Painter, data: &TraceData, tl: &Timeline, a: &Areas) {
        let Some(bucket) = data.lanes().bucket_ns() else {
            return;
        };
        if tl.map().ns_per_px * 2.0 > bucket as f64 {
            return;
        }
        let label = match &self.detail {
            Detail::Failed(m) => format!("No detail: {m}"),
            _ if self.changed.is_some() => "No detail: the trace changed on disk".to_string(),
            _ => "Loading detail…".to_string(),
        };
        let r = a.tracks;
        let p = painter.with_clip_rect(r);
        let stroke = Stroke::new(1.0, palette::HATCH);
        let step = 14.0;
        let mut x = r.left() - r.height();
        while x < r.right() {
            p.line_segment(
                [Pos2::new(x, r.bottom()), Pos2::new(x + r.height(), r.top())],
                stroke,
            );
            x += step;
        }
        let text =
            Rect::from_min_size(r.left_top() + egui::vec2(8.0, 6.0), egui::vec2(260.0, 20.0));
        p.rect_filled(text, 3.0, palette::HEADER_BG);
        p.text(
            text.left_center() + egui::vec2(6.0, 0.0),
            egui::Align2::LEFT_CENTER,
            label,
            egui::FontId::proportional(12.0),
            palette::TEXT,
        );
    }
}

/// Shows the lanes from `view`, keeping the selected span (found again by
/// its goroutine and the time it was selected at, in the new model).
fn swap(data: &mut Arc<TraceData>, tl: &mut Timeline, view: Arc<ShownLanes>) {
    let sel = tl.selected_at();
    *data = Arc::new(data.with_view(view));
    tl.deselect();
    if let Some((g, t)) = sel {
        tl.select_at(data, g, t);
    }
}
