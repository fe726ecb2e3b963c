//! "Why?": the critical path of the selected span, goroutine, region or
//! task, shown in the details panel (a breakdown bar, each cause a link
//! to its segments, the goroutines on the path) and drawn on the timeline
//! (segments outlined on their lanes, hops as arrows, other lanes dimmed
//! or hidden on demand).

mod paint;
mod panel;

pub use paint::paint_path;
pub use panel::{breakdown_bar_ui, why_ui};

use crate::analysis::critical_path::{critical_path, Cause, CriticalPath, Target, TargetKind};
use crate::analysis::fold::{Resident, TileAccess};
use crate::format;
use crate::model::{GIdx, Trace};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::find::FindState;
use crate::ui::timeline::Timeline;
use std::sync::Arc;

/// A computed path and what the panel shows of it.
#[derive(Debug)]
pub struct PathView {
    /// The path.
    pub path: CriticalPath,
    /// What it is the path of ("G12's wait (1.000 s)").
    pub title: String,
    /// Goroutines on the path, sorted (for dimming the others).
    pub on_path: Vec<GIdx>,
    /// Time by cause, largest first.
    pub by_cause: Vec<(Cause, Time)>,
    /// Time by goroutine, largest first.
    pub by_goroutine: Vec<(GIdx, Time)>,
    /// How long computing it took.
    pub compute: std::time::Duration,
}

impl PathView {
    /// Computes the path of `target`, reading the tiles it goes through.
    pub fn compute(tiles: &dyn TileAccess, target: Target) -> PathView {
        let tr = tiles.overview();
        let t0 = std::time::Instant::now();
        let path = critical_path(tiles, target);
        let compute = t0.elapsed();
        let by_goroutine = path.by_goroutine_ns();
        let mut on_path: Vec<GIdx> = by_goroutine.iter().map(|g| g.0).collect();
        on_path.sort_unstable();
        PathView {
            title: title(tr, &target),
            by_cause: path.by_cause_ns(),
            by_goroutine,
            on_path,
            path,
            compute,
        }
    }

    /// Whether goroutine `g` is on the path.
    pub fn is_on_path(&self, g: GIdx) -> bool {
        self.on_path.binary_search(&g).is_ok()
    }
}

/// "G12 main.handle, region request (101.2 ms)".
fn title(tr: &Trace, t: &Target) -> String {
    let what = match t.kind {
        TargetKind::Goroutine => tr.goroutine_label(t.g),
        TargetKind::Region(i) => format!(
            "region {} on {}",
            tr.str(tr.regions[i as usize].name),
            tr.goroutine_label(t.g)
        ),
        TargetKind::Task(i) => {
            let task = &tr.tasks[i as usize];
            format!("task {} {}", task.id, tr.str(task.name))
        }
    };
    format!("{what} ({})", format::duration(t.duration_ns()))
}

/// The "Why?" state of one trace view.
#[derive(Debug, Default)]
pub struct WhyView {
    /// The path shown, if any.
    pub path: Option<Arc<PathView>>,
    /// A big trace's path being computed on a worker thread (it reads the
    /// generations it goes through).
    pending: Option<std::sync::mpsc::Receiver<PathView>>,
    /// The segment last shown by a cause link (clicking again shows the next).
    cursor: Option<usize>,
    /// Only the lanes on the path are shown (through the find bar's filter).
    pub only_path_lanes: bool,
}

impl WhyView {
    /// Computes and shows the path of `target`: opens the groups of the
    /// goroutines on it, selects its goroutine at the end and brings the
    /// interval into view. A big trace's path is computed on a worker
    /// thread and shown when [`WhyView::poll`] finds it done.
    pub fn show(&mut self, data: &TraceData, tl: &mut Timeline, target: Target) {
        if data.loaded.tiles.is_none() {
            let pv = PathView::compute(&Resident(Arc::clone(&data.loaded.trace)), target);
            self.apply(data, tl, pv);
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let loaded = Arc::clone(&data.loaded);
        let spawned = std::thread::Builder::new()
            .name("critical-path".into())
            .spawn(move || {
                let tiles = loaded.tile_access();
                let _ = tx.send(PathView::compute(&*tiles, target));
            });
        self.pending = spawned.is_ok().then_some(rx);
    }

    /// Shows the path computed on a worker thread once it is done; true
    /// while one is being computed.
    pub fn poll(&mut self, data: &TraceData, tl: &mut Timeline) -> bool {
        let Some(rx) = &self.pending else {
            return false;
        };
        match rx.try_recv() {
            Ok(pv) => {
                self.pending = None;
                self.apply(data, tl, pv);
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                false
            }
        }
    }

    /// Whether a path is being computed.
    pub fn computing(&self) -> bool {
        self.pending.is_some()
    }

    fn apply(&mut self, data: &TraceData, tl: &mut Timeline, pv: PathView) {
        let tr = data.whole();
        let target = pv.path.target;
        tl.open_groups(pv.on_path.iter().filter_map(|&g| tr.goroutines.group(g)));
        self.path = Some(Arc::new(pv));
        self.cursor = None;
        self.only_path_lanes = false;
        tl.go_to(data, target.g, target.end_ns - 1);
        tl.zoom_to(target.start_ns, target.end_ns);
    }

    /// Forgets the path (and its lane filter).
    pub fn clear(&mut self, data: &TraceData, tl: &mut Timeline, find: &mut FindState) {
        if self.only_path_lanes {
            find.clear(data, tl);
        }
        *self = WhyView::default();
    }

    /// Shows the next segment charged to `cause`: selects its goroutine
    /// there, makes the segment the time range and zooms to it.
    pub fn next_segment(&mut self, data: &TraceData, tl: &mut Timeline, cause: Cause) {
        let Some(pv) = &self.path else { return };
        let segs = &pv.path.segments;
        let after = self
            .cursor
            .filter(|&c| segs.get(c).is_some_and(|s| s.cause == cause));
        let next = pv
            .path
            .segments_of(cause)
            .find(|&i| after.is_none_or(|c| i > c))
            .or_else(|| pv.path.segments_of(cause).next());
        let Some(i) = next else { return };
        self.cursor = Some(i);
        let s = segs[i];
        tl.go_to(data, s.g, s.start_ns + (s.end_ns - s.start_ns) / 2);
        tl.set_range(Some((s.start_ns, s.end_ns.max(s.start_ns + 1))));
        tl.zoom_to(s.start_ns, s.end_ns.max(s.start_ns + 1));
    }

    /// Selects goroutine `g` at its first segment on the path.
    pub fn show_goroutine(&self, data: &TraceData, tl: &mut Timeline, g: GIdx) {
        let Some(pv) = &self.path else { return };
        if let Some(s) = pv.path.segments.iter().find(|s| s.g == g) {
            tl.go_to(data, g, s.start_ns + (s.end_ns - s.start_ns) / 2);
        }
    }

    /// Shows only the lanes on the path, or every lane again.
    pub fn toggle_lanes(&mut self, data: &TraceData, tl: &mut Timeline, find: &mut FindState) {
        let Some(pv) = &self.path else { return };
        if self.only_path_lanes {
            find.clear(data, tl);
            self.only_path_lanes = false;
        } else {
            let label = format!("critical path of {}", pv.title);
            find.restrict(data, tl, None, Some(pv.on_path.clone().into()), label);
            self.only_path_lanes = true;
        }
    }
}
