//! The blocking profiles tab: network, sync, syscall and scheduler-latency
//! profiles (as `go tool trace -pprof` defines them), scoped to the whole
//! trace, a goroutine group, a region type or the selected time range,
//! shown as a flame graph and a top table, and saved as gzipped pprof.

use super::compute::{is_big, ready_or_ui, Cached};
use super::flame::{flame_and_top_ui, FlameData, FlameState, Unit};
use super::save::{SaveJob, SaveTo};
use crate::analysis::pprof::{encode_gzipped, to_pprof};
use crate::analysis::profiles::{Profile, ProfileKind, ProfileScope};
use crate::format;
use crate::model::{GoLaneState, StrId, Trace};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use crate::ui::rereading::{ReadingSlot, Rereading};
use egui::{Color32, Ui};
use std::sync::{Arc, OnceLock};

/// What part of the trace a profile covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScopeSel {
    /// The whole trace (go tool trace's definition).
    #[default]
    All,
    /// One goroutine group (index into `Trace::groups`).
    Group(u32),
    /// Inside regions of one type (its name).
    Region(StrId),
    /// The timeline's selected time range.
    Range,
}

/// A computed profile with its flame graph.
pub struct ProfileResult {
    /// The records.
    pub profile: Profile,
    /// Flame tree and top table.
    pub flame: Arc<FlameData>,
    /// The model whose stacks the records name (for a big trace, the
    /// overview's and its tiles' stacks).
    pub stacks_of: Arc<Trace>,
}

type Key = (ProfileKind, ScopeSel, Option<(Time, Time)>);

/// State of the profiles tab.
pub struct ProfilesView {
    /// Which profile.
    pub kind: ProfileKind,
    /// Which part of the trace.
    pub scope: ScopeSel,
    /// Flame graph and top table interaction.
    pub flame: FlameState,
    /// The last "Save as pprof…" outcome.
    pub message: Option<String>,
    /// Where "Save as pprof…" writes.
    pub save_to: SaveTo,
    cache: Cached<Key, Result<ProfileResult, String>>,
    save: Option<SaveJob>,
    region_names: OnceLock<Vec<StrId>>,
    reading: ReadingSlot,
}

impl Default for ProfilesView {
    fn default() -> Self {
        ProfilesView {
            kind: ProfileKind::Sync,
            scope: ScopeSel::All,
            flame: FlameState::default(),
            message: None,
            save_to: SaveTo::default(),
            cache: Cached::default(),
            save: None,
            region_names: OnceLock::new(),
            reading: ReadingSlot::default(),
        }
    }
}

/// The base colour of a profile's flame graph: its state's colour.
pub fn kind_colour(k: ProfileKind) -> Color32 {
    match k {
        ProfileKind::Net | ProfileKind::Sync => palette::state(GoLaneState::Waiting),
        ProfileKind::Syscall => palette::state(GoLaneState::Syscall),
        ProfileKind::Sched => palette::state(GoLaneState::Runnable),
    }
}

/// Short label of a kind for the selector.
pub fn kind_label(k: ProfileKind) -> &'static str {
    match k {
        ProfileKind::Net => "Network",
        ProfileKind::Sync => "Sync",
        ProfileKind::Syscall => "Syscall",
        ProfileKind::Sched => "Scheduler latency",
    }
}

/// Distinct region type names, sorted.
pub fn region_names(trace: &Trace) -> Vec<StrId> {
    let mut v: Vec<StrId> = trace.regions.iter().map(|r| r.name).collect();
    v.sort_unstable();
    v.dedup();
    v.sort_by(|a, b| trace.str(*a).cmp(trace.str(*b)));
    v
}

/// A group's name for menus.
pub fn group_label(trace: &Trace, gi: u32) -> String {
    trace.groups.get(gi as usize).map_or_else(String::new, |g| {
        let n = trace.str(g.name);
        format!(
            "{} ({})",
            if n.is_empty() {
                "(no start function)"
            } else {
                n
            },
            format::count(g.members.len() as u64)
        )
    })
}

/// The scope combo box shared with the CPU tab: whole trace, a group, a
/// region type (when `regions` is given) or the range. Returns true on change.
pub fn scope_ui(
    ui: &mut Ui,
    trace: &Trace,
    scope: &mut ScopeSel,
    regions: Option<&[StrId]>,
    range: Option<(Time, Time)>,
    id: &str,
) -> bool {
    let before = *scope;
    let text = match *scope {
        ScopeSel::All => "whole trace".to_string(),
        ScopeSel::Group(g) => format!("group {}", group_label(trace, g)),
        ScopeSel::Region(r) => format!("region type {}", trace.str(r)),
        ScopeSel::Range => "selected time range".to_string(),
    };
    egui::ComboBox::new(id, "scope")
        .selected_text(text)
        .width(320.0)
        .height(480.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(scope, ScopeSel::All, "whole trace");
            ui.add_enabled_ui(range.is_some(), |ui| {
                ui.selectable_value(scope, ScopeSel::Range, "selected time range")
                    .on_disabled_hover_text("Select a range on the timeline first (Shift+drag)");
            });
            if let Some(regions) = regions.filter(|r| !r.is_empty()) {
                ui.separator();
                ui.weak("region type");
                for &r in regions {
                    ui.selectable_value(scope, ScopeSel::Region(r), format!("  {}", trace.str(r)));
                }
            }
            ui.separator();
            ui.weak("goroutine group");
            for gi in 0..trace.groups.len() as u32 {
                ui.selectable_value(
                    scope,
                    ScopeSel::Group(gi),
                    format!("  {}", group_label(trace, gi)),
                );
            }
        });
    if *scope == ScopeSel::Range && range.is_none() {
        *scope = ScopeSel::All;
    }
    before != *scope
}

fn compute(
    data: &TraceData,
    kind: ProfileKind,
    scope: ScopeSel,
    range: Option<(Time, Time)>,
    reading: &Rereading,
) -> Result<ProfileResult, String> {
    let tr = data.whole();
    let scope = match (scope, range) {
        (ScopeSel::Group(g), _) => ProfileScope::Group(g),
        (ScopeSel::Region(r), _) => ProfileScope::Region(tr.str(r).to_string()),
        (ScopeSel::Range, Some((a, b))) => ProfileScope::Range(a, b),
        (ScopeSel::All | ScopeSel::Range, _) => ProfileScope::All,
    };
    // N.B. a big trace reads every generation again (on this worker
    // thread and rayon's) unless another profile is asked for meanwhile.
    let p = data
        .loaded
        .blocking_profile(kind, &scope, &reading.cancel, &|d, n| reading.set(d, n))?;
    let samples: Vec<_> = p
        .profile
        .records
        .iter()
        .map(|r| (r.stack, r.delay_ns, r.count))
        .collect();
    Ok(ProfileResult {
        flame: Arc::new(FlameData::new(&p.stacks_of, &samples, Unit::Nanos)),
        profile: p.profile,
        stacks_of: p.stacks_of,
    })
}

impl ProfilesView {
    /// True while a save is in progress.
    pub fn saving(&self) -> bool {
        self.save.is_some()
    }

    /// Total delay and waits of the profile shown, once computed.
    pub fn total(&self) -> Option<(i64, u64)> {
        let r = self.cache.value()?;
        let p = &r.as_ref().as_ref().ok()?.profile;
        Some((p.total_delay_ns(), p.total_count()))
    }

    fn poll_save(&mut self) {
        if let Some(job) = &self.save {
            if let Some(r) = job.poll() {
                self.save = None;
                self.message = match r {
                    Ok(Some(p)) => Some(format!("Saved {}", p.display())),
                    Ok(None) => None,
                    Err(e) => Some(e),
                };
            }
        }
    }

    /// The tab (its links are not used yet: profiles do not move the timeline).
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
    ) -> Option<Nav> {
        self.poll_save();
        self.picker_ui(ui, data.whole(), range);
        let res = self.profile_or_spinner_ui(ui, data, range)?;
        let res = match res.as_ref() {
            Ok(r) => r,
            Err(e) => {
                ui.colored_label(palette::ERROR, format!("the profile: {e}"));
                return None;
            }
        };
        self.summary_ui(ui, data, res);
        if res.profile.records.is_empty() {
            ui.add_space(20.0);
            ui.label(format!(
                "No {} in this scope.",
                self.kind.title().to_lowercase()
            ));
            return None;
        }
        flame_and_top_ui(
            ui,
            &res.stacks_of,
            &res.flame,
            &mut self.flame,
            kind_colour(self.kind),
            "profiles",
        );
        None
    }

    /// Which profile, of which part of the trace.
    fn picker_ui(&mut self, ui: &mut Ui, tr: &Trace, range: Option<(Time, Time)>) {
        let regions = self.region_names.get_or_init(|| region_names(tr)).clone();
        ui.horizontal(|ui| {
            ui.label("Profile:");
            for k in ProfileKind::ALL {
                ui.selectable_value(&mut self.kind, k, kind_label(k))
                    .on_hover_text(k.title());
            }
            ui.separator();
            scope_ui(
                ui,
                tr,
                &mut self.scope,
                Some(&regions),
                range,
                "profile-scope",
            );
            if self.scope == ScopeSel::Range {
                ui.weak(super::range_text(range, tr.meta.start));
            }
        });
    }

    /// The profile picked, computed once (a big trace's on a worker, with
    /// a spinner meanwhile).
    fn profile_or_spinner_ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
    ) -> Option<Arc<Result<ProfileResult, String>>> {
        let r = range.filter(|_| self.scope == ScopeSel::Range);
        let key = (self.kind, self.scope, r);
        let d = Arc::clone(data);
        let (kind, scope) = (self.kind, self.scope);
        let reading = if self.cache.has(&key) {
            self.reading.current()
        } else {
            self.reading.renew()
        };
        let status = self.cache.get(&key, !is_big(data), ui.ctx(), move || {
            compute(&d, kind, scope, r, &reading)
        });
        ready_or_ui(ui, status, &self.reading.text("the profile"))
    }

    /// Its totals, and "Save as pprof…" with what became of the last save.
    fn summary_ui(&mut self, ui: &mut Ui, data: &TraceData, res: &ProfileResult) {
        ui.horizontal(|ui| {
            ui.strong(format!(
                "{}: {} in {} waits",
                self.kind.title(),
                format::duration(res.profile.total_delay_ns()),
                format::count(res.profile.total_count())
            ));
            ui.weak(format!(
                "{} stacks",
                format::count(res.profile.records.len() as u64)
            ));
            let saving = self.save.is_some();
            if ui
                .add_enabled(
                    !saving && !res.profile.records.is_empty(),
                    egui::Button::new("Save as pprof…"),
                )
                .on_hover_text("A gzipped pprof profile that `go tool pprof` reads")
                .clicked()
            {
                self.start_save(ui.ctx(), data, res);
            }
            if saving {
                ui.spinner();
            }
            if let Some(m) = &self.message {
                ui.weak(m);
            }
        });
    }

    /// Encodes the profile and saves it where [`Self::save_to`] says.
    fn start_save(&mut self, ctx: &egui::Context, data: &TraceData, res: &ProfileResult) {
        let bytes = encode_gzipped(&to_pprof(&res.stacks_of, &res.profile));
        let name = format!("{}.pb.gz", self.kind.name());
        self.message = None;
        let dir = std::path::Path::new(&data.loaded.name)
            .parent()
            .filter(|d| d.is_dir())
            .map(std::path::Path::to_path_buf);
        self.save = Some(SaveJob::start(
            ctx.clone(),
            self.save_to.clone(),
            dir,
            name,
            bytes,
        ));
    }
}
