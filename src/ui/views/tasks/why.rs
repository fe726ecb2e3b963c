//! "Why?" for a task or region type: the critical paths of its instances
//! summed (all of them, or those of the chosen histogram bucket beside
//! all of them), so what slow instances wait on, against the others, is
//! one click.

use super::{duration_of, Kind};
use crate::analysis::annotations::TypeStats;
use crate::analysis::critical_path::{aggregate, region_targets, task_targets, Aggregate, Cause};
use crate::analysis::fold::TileAccess;
use crate::analysis::histogram::{bucket_min, bucket_of};
use crate::format;
use crate::model::Trace;
use crate::trace::Time;
use crate::ui::chip::chip_ui;
use crate::ui::derived::TraceData;
use crate::ui::palette;
use crate::ui::views::compute::{pending_ui, Cached, Status};
use crate::ui::why::breakdown_bar_ui;
use egui::Ui;
use std::sync::Arc;

/// Which instances: a type, and a bucket of its histogram (None: all).
type Key = (Kind, usize, Option<usize>);

/// Most causes listed.
const MAX_CAUSES: usize = 10;

/// The summed paths asked for, computed on a worker thread.
#[derive(Default)]
pub struct TypeWhy {
    /// The instances asked about (None: nothing asked yet).
    pub asked: Option<Key>,
    selection: Cached<Key, Aggregate>,
    all: Cached<Key, Aggregate>,
}

/// The summed critical paths of the complete instances of `members` in
/// `bucket` (all if None).
fn aggregate_of(
    tiles: &dyn TileAccess,
    k: Kind,
    members: &[u32],
    bucket: Option<usize>,
) -> Aggregate {
    let tr = tiles.overview();
    let idx: Vec<u32> = members
        .iter()
        .copied()
        .filter(|&i| {
            duration_of(tr, k, i).is_some_and(|d| bucket.is_none_or(|b| bucket_of(d) == b))
        })
        .collect();
    let targets = match k {
        Kind::Region => region_targets(tr, &idx),
        Kind::Task => task_targets(tr, &idx),
    };
    aggregate(tiles, &targets)
}

impl TypeWhy {
    fn get(
        cache: &mut Cached<Key, Aggregate>,
        ui: &Ui,
        data: &Arc<TraceData>,
        key: Key,
        members: &Arc<[u32]>,
    ) -> Status<Aggregate> {
        let (d, m) = (Arc::clone(data), Arc::clone(members));
        cache.get(&key, false, ui.ctx(), move || {
            aggregate_of(&*d.loaded.tile_access(), key.0, &m, key.2)
        })
    }

    /// The button that asks, and the answer for type `ti` of kind `k`
    /// (bucket `bucket`) once asked.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        k: Kind,
        ti: usize,
        t: &TypeStats,
        bucket: Option<usize>,
    ) {
        let key = (k, ti, bucket);
        let what = match bucket {
            Some(b) => format!(
                "Why? instances lasting {} – {}",
                format::duration(bucket_min(b)),
                format::duration(bucket_min(b + 1))
            ),
            None => "Why? all instances".to_string(),
        };
        ui.horizontal(|ui| {
            if ui
                .button(what)
                .on_hover_text("Sum the critical paths of these instances: what they wait on")
                .clicked()
            {
                self.asked = Some(key);
            }
            if self.asked.is_some() && ui.small_button("Hide").clicked() {
                self.asked = None;
            }
        });
        if self.asked.is_none() {
            return;
        }
        // The question follows the type and bucket chosen since.
        self.asked = Some(key);
        let members: Arc<[u32]> = t.members.clone().into();
        let sel = Self::get(&mut self.selection, ui, data, key, &members);
        let all = bucket.map(|_| Self::get(&mut self.all, ui, data, (k, ti, None), &members));
        let (Status::Ready(sel), all) = (sel, all) else {
            pending_ui(ui, "the critical paths");
            return;
        };
        let all = match all {
            Some(Status::Ready(a)) => Some(a),
            Some(_) => {
                pending_ui(ui, "the critical paths of all instances");
                return;
            }
            None => None,
        };
        compare_ui(ui, data.whole(), &sel, all.as_deref());
    }
}

fn share(a: &Aggregate, d: Time) -> f64 {
    if a.duration_ns > 0 {
        d as f64 * 100.0 / a.duration_ns as f64
    } else {
        0.0
    }
}

/// The breakdown of the selection, beside that of all instances if given.
fn compare_ui(ui: &mut Ui, tr: &Trace, sel: &Aggregate, all: Option<&Aggregate>) {
    let w = ui.available_width().min(520.0);
    let line = |a: &Aggregate, name: &str| {
        format!(
            "{name}: {} instances, {} in all, mean {}",
            a.instances,
            format::duration(a.duration_ns),
            format::duration(a.duration_ns / a.instances.max(1) as Time)
        )
    };
    ui.label(line(sel, if all.is_some() { "these" } else { "all" }));
    breakdown_bar_ui(ui, tr, &sel.by_cause_ns, w);
    if let Some(a) = all {
        ui.label(line(a, "all"));
        breakdown_bar_ui(ui, tr, &a.by_cause_ns, w);
    }
    egui::Grid::new("type-why")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.strong("cause");
            ui.strong(if all.is_some() { "these" } else { "share" });
            if all.is_some() {
                ui.strong("all");
            }
            ui.end_row();
            for &(c, d) in sel.by_cause_ns.iter().take(MAX_CAUSES) {
                ui.horizontal(|ui| {
                    chip_ui(ui, palette::path_cause(c));
                    ui.label(c.label(tr));
                });
                ui.label(format!("{:.1}% ({})", share(sel, d), format::duration(d)));
                if let Some(a) = all {
                    let d_all = cause_ns(a, c);
                    ui.label(format!("{:.1}%", share(a, d_all)));
                }
                ui.end_row();
            }
        });
}

fn cause_ns(a: &Aggregate, c: Cause) -> Time {
    a.by_cause_ns.iter().find(|x| x.0 == c).map_or(0, |x| x.1)
}
