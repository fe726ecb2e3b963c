//! The CPU tab: a flame graph and top table of the CPU profile samples
//! recorded in the trace (Go 1.19+ with CPU profiling on), for the whole
//! trace, the goroutine selected on the timeline, a goroutine group, or the
//! selected time range.

use super::compute::{is_big, ready_or_ui, Cached};
use super::flame::{flame_and_top_ui, FlameData, FlameState, Unit};
use super::profiles::{group_label, scope_ui, ScopeSel};
use crate::format;
use crate::model::{GIdx, GoLaneState, StackId, Trace};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use egui::Ui;
use std::sync::Arc;

/// The CPU tab's scope: the shared ones plus the selected goroutine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuScope {
    /// Whole trace, a group or the range.
    pub scope: ScopeSel,
    /// Only the goroutine selected on the timeline.
    pub selected_goroutine: bool,
}

type Key = (CpuScope, Option<GIdx>, Option<(Time, Time)>);

/// State of the CPU tab.
#[derive(Default)]
pub struct CpuView {
    /// What the graph covers.
    pub scope: CpuScope,
    /// Flame graph and top table interaction.
    pub flame: FlameState,
    cache: Cached<Key, FlameData>,
}

/// The samples of a scope as (stack, 1, 1).
pub fn samples(data: &TraceData, key: Key) -> Vec<(StackId, i64, u64)> {
    let tr = data.whole();
    let (scope, g, range) = key;
    if scope.selected_goroutine {
        let Some(g) = g else { return Vec::new() };
        return data
            .cpu_of(g)
            .iter()
            .filter_map(|&i| tr.cpu_samples.get(i as usize))
            .map(|s| (s.stack, 1, 1))
            .collect();
    }
    let group = match scope.scope {
        ScopeSel::Group(gi) => Some(gi),
        _ => None,
    };
    let range = range.filter(|_| scope.scope == ScopeSel::Range);
    tr.cpu_samples
        .iter()
        .filter(|s| group.is_none_or(|gi| s.g.is_some_and(|g| tr.goroutines.group(g) == Some(gi))))
        .filter(|s| range.is_none_or(|(a, b)| s.time >= a && s.time < b))
        .map(|s| (s.stack, 1, 1))
        .collect()
}

impl CpuView {
    /// The tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
        selected: Option<GIdx>,
    ) -> Option<Nav> {
        let tr = data.whole();
        if tr.cpu_samples.is_empty() {
            ui.add_space(30.0);
            ui.vertical_centered(|ui| {
                ui.heading("This trace has no CPU samples");
                ui.label(
                    "Go 1.19 and later record CPU profile samples in the execution trace when CPU profiling runs while tracing: \
                     call pprof.StartCPUProfile before trace.Start, or fetch /debug/pprof/profile while /debug/pprof/trace runs.",
                );
            });
            return None;
        }
        self.scope_picker_ui(ui, tr, range, selected);
        if self.scope.selected_goroutine && selected.is_none() {
            self.scope.selected_goroutine = false;
        }
        let key: Key = (
            self.scope,
            selected.filter(|_| self.scope.selected_goroutine),
            range.filter(|_| self.scope.scope == ScopeSel::Range && !self.scope.selected_goroutine),
        );
        let d = Arc::clone(data);
        let status = self.cache.get(&key, !is_big(data), ui.ctx(), move || {
            let s = samples(&d, key);
            FlameData::new(d.whole(), &s, Unit::Samples)
        });
        let fd = ready_or_ui(ui, status, "the CPU profile")?;
        ui.horizontal(|ui| {
            ui.strong(format!(
                "{} CPU samples",
                format::count(fd.tree.total().max(0) as u64)
            ));
            ui.weak(format!(
                "of {} in the trace; each is one profiling tick (10 ms at the default 100 Hz)",
                format::count(tr.cpu_samples.len() as u64)
            ));
        });
        if fd.tree.total() <= 0 {
            ui.add_space(20.0);
            ui.label("No CPU samples in this scope.");
            return None;
        }
        flame_and_top_ui(
            ui,
            tr,
            &fd,
            &mut self.flame,
            palette::state(GoLaneState::Running),
            "cpu",
        );
        None
    }

    /// The trace, a group or the range, or the goroutine selected on the
    /// timeline.
    fn scope_picker_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Trace,
        range: Option<(Time, Time)>,
        selected: Option<GIdx>,
    ) {
        ui.horizontal(|ui| {
            ui.label("Scope:");
            if ui
                .selectable_label(!self.scope.selected_goroutine, "trace / group / range")
                .clicked()
            {
                self.scope.selected_goroutine = false;
            }
            let sel_text = match selected {
                Some(g) => format!("selected goroutine ({})", tr.goroutine_label(g)),
                None => "selected goroutine (none selected)".to_string(),
            };
            if ui
                .add_enabled(
                    selected.is_some(),
                    egui::Button::selectable(self.scope.selected_goroutine, sel_text),
                )
                .on_disabled_hover_text("Click a goroutine span on the timeline first")
                .clicked()
            {
                self.scope.selected_goroutine = true;
            }
            if !self.scope.selected_goroutine {
                scope_ui(ui, tr, &mut self.scope.scope, None, range, "cpu-scope");
            }
            if let ScopeSel::Group(g) = self.scope.scope {
                if !self.scope.selected_goroutine {
                    ui.weak(group_label(tr, g));
                }
            }
        });
    }
}
