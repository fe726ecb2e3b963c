//! The goroutine analysis of `go tool trace` (Go's `internal/trace`
//! Summarizer), computed in one pass over the ordered events with compact
//! per-goroutine state: execution, scheduling, blocking (by reason),
//! syscall time, special ranges, user regions and tasks. Time arithmetic
//! wraps, as Go's int64 arithmetic does on absurd timestamps.

mod annotations;
mod compact;
pub mod types;

use crate::analysis::goroutines::{GroupTable, GroupTableBuilder};
use crate::model::index::IdIndex;
use crate::trace::event::{Event, EventKind, Resource, StateTransition};
use crate::trace::ids::{GoState, ProcState};
use crate::trace::{EvTable, EventType, Time};
pub use compact::CompactSummary;
use compact::{Dur, GRec, Kvs, Map, Wide, NIL};
use rustc_hash::{FxHashMap, FxHashSet};
use types::add;
pub use types::{ExecStats, GoroutineSummary, NameId, RegionSummary, Summary, TaskSummary};

/// The goroutine analysis a load computed.
#[derive(Debug)]
pub enum GoroutineAnalysis {
    /// Every goroutine's figures (what `stats --json` prints).
    Records(CompactSummary),
    /// Only the table of groups (a big trace: see [`Summarizer::grouped`]).
    Groups(GroupTable),
}

impl GoroutineAnalysis {
    /// Number of goroutines.
    pub fn goroutine_count(&self) -> usize {
        match self {
            GoroutineAnalysis::Records(c) => c.goroutine_count(),
            GoroutineAnalysis::Groups(t) => t.goroutines as usize,
        }
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        match self {
            GoroutineAnalysis::Records(c) => c.heap_bytes(),
            GoroutineAnalysis::Groups(t) => t.heap_bytes(),
        }
    }
}

/// In-flight state of a live goroutine (Go's `goroutineSummary`).
#[derive(Default)]
struct Pending {
    last_start: Time,
    last_runnable: Time,
    last_block: Time,
    last_block_reason: NameId,
    last_syscall: Time,
    last_syscall_block: Time,
    last_range: Vec<(NameId, Time)>,
    /// Open regions: (index into `regions` staging, start snapshot).
    active_regions: Vec<u32>,
}

impl Pending {
    /// Back to all zeros, keeping the buffers.
    fn reset(&mut self) {
        let mut last_range = std::mem::take(&mut self.last_range);
        let mut active_regions = std::mem::take(&mut self.active_regions);
        last_range.clear();
        active_regions.clear();
        *self = Pending {
            last_range,
            active_regions,
            ..Pending::default()
        };
    }
}

/// A time a goroutine's in-flight state still has open, up to some time.
enum OpenTime {
    /// One of the plain durations.
    Dur(Dur, i64),
    /// Blocked, with the reason.
    Block(NameId, i64),
    /// In a special range.
    Range(NameId, i64),
}

impl Pending {
    /// What Go's `snapshotStat` adds for the times still open at `now`.
    fn open_times(&self, now: Time, mut f: impl FnMut(OpenTime)) {
        let since = |t: Time| now.wrapping_sub(t);
        if self.last_start != 0 {
            f(OpenTime::Dur(Dur::Exec, since(self.last_start)));
        }
        if self.last_runnable != 0 {
            f(OpenTime::Dur(Dur::SchedWait, since(self.last_runnable)));
        }
        if self.last_block != 0 {
            f(OpenTime::Block(
                self.last_block_reason,
                since(self.last_block),
            ));
        }
        if self.last_syscall != 0 {
            f(OpenTime::Dur(Dur::Syscall, since(self.last_syscall)));
        }
        // N.B. Go counts a blocked syscall still open as scheduling wait.
        if self.last_syscall_block != 0 {
            f(OpenTime::Dur(
                Dur::SchedWait,
                since(self.last_syscall_block),
            ));
        }
        for &(name, ts) in &self.last_range {
            f(OpenTime::Range(name, since(ts)));
        }
    }
}

/// [`Summarizer::reason_ids`] of a string not seen yet.
const NO_NAME: NameId = NameId::MAX;

/// The in-flight state of `slot`, made (all zeros) if there is none.
#[inline]
#[expect(
    clippy::vec_box,
    reason = "states move between the spare list and the goroutines' slots without copying"
)]
fn pending_of<'a>(
    spare: &mut Vec<Box<Pending>>,
    slot: &'a mut Option<Box<Pending>>,
) -> &'a mut Pending {
    slot.get_or_insert_with(|| spare.pop().unwrap_or_default())
}

/// Where a region summary lives while building.
struct RegionBuild {
    r: RegionSummary,
}

/// Computes the [`Summary`] from events fed in order.
pub struct Summarizer {
    names: Vec<String>,
    name_ids: FxHashMap<String, NameId>,
    /// Goroutines, in order of first appearance.
    gs: Vec<GRec>,
    /// Their durations that do not fit 32 bits.
    wide: Wide,
    /// Start functions: (index into `gnames`, PC); 0 is ("", 0).
    funcs: Vec<(u32, u64)>,
    func_ids: FxHashMap<(u32, u64), u32>,
    /// Their block and range times.
    kvs: Kvs,
    /// Start function names (0 is "").
    gnames: Vec<String>,
    /// Whether each start function name is a system goroutine's.
    gname_system: Vec<bool>,
    gname_ids: FxHashMap<String, u32>,
    /// Name index of each function string ID of the generation.
    gname_cache: Vec<u32>,
    /// In-flight state of each goroutine, `None` while it is all zeros (for
    /// instance once the goroutine has ended): only goroutines with
    /// something in flight hold one, recycled through `spare`.
    pendings: Vec<Option<Box<Pending>>>,
    g_index: IdIndex,
    /// Reset in-flight states for reuse.
    #[expect(
        clippy::vec_box,
        reason = "states move between here and `pendings` without copying"
    )]
    spare: Vec<Box<Pending>>,
    /// Name ID of each stop/block reason string ID of the generation.
    reason_ids: Vec<NameId>,
    regions: Vec<RegionBuild>,
    /// Completed region indexes per goroutine (in completion order).
    g_regions: FxHashMap<u32, Vec<u32>>,
    tasks: FxHashMap<u64, TaskSummary>,
    task_gs: FxHashMap<u64, FxHashSet<i64>>,
    syscalling_p: FxHashMap<i64, i64>,
    syscalling_g: FxHashMap<i64, i64>,
    ranges_p: FxHashMap<(i64, NameId), i64>,
    last_ts: Time,
    sync_ts: Time,
    /// Set for the table of a big trace: each goroutine is folded into its
    /// group when it ends, and its record given to the next one.
    groups: Option<GroupTableBuilder>,
    /// Records of goroutines folded into `groups`, for reuse.
    free_records: Vec<u32>,
    /// A finished goroutine's stats on their way into `groups`.
    scratch: ExecStats,
}

impl Default for Summarizer {
    fn default() -> Self {
        Summarizer::new()
    }
}

/// Reorders `v` so that `v[k]` becomes the old `v[from[k]]`, in place
/// (following the permutation's cycles, one swap per element).
fn permute<T>(v: &mut [T], mut from: Vec<u32>) {
    for start in 0..v.len() {
        let mut k = start;
        while from[k] as usize != start {
            let next = from[k] as usize;
            v.swap(k, next);
            from[k] = k as u32;
            k = next;
        }
        from[k] = k as u32;
    }
}

fn is_system_goroutine(name: &str) -> bool {
    name.is_empty() || (name != "runtime.main" && name.starts_with("runtime."))
}

impl Summarizer {
    /// An empty summarizer.
    pub fn new() -> Summarizer {
        Summarizer {
            names: Vec::new(),
            name_ids: FxHashMap::default(),
            gs: Vec::new(),
            wide: Wide::default(),
            funcs: vec![(0, 0)],
            func_ids: FxHashMap::default(),
            kvs: Kvs::default(),
            gnames: vec![String::new()],
            gname_system: vec![is_system_goroutine("")],
            gname_ids: FxHashMap::default(),
            gname_cache: Vec::new(),
            pendings: Vec::new(),
            g_index: IdIndex::default(),
            spare: Vec::new(),
            reason_ids: Vec::new(),
            regions: Vec::new(),
            g_regions: FxHashMap::default(),
            tasks: FxHashMap::default(),
            task_gs: FxHashMap::default(),
            syscalling_p: FxHashMap::default(),
            syscalling_g: FxHashMap::default(),
            ranges_p: FxHashMap::default(),
            last_ts: 0,
            sync_ts: 0,
            groups: None,
            free_records: Vec::new(),
            scratch: ExecStats::default(),
        }
    }

    /// True for a summarizer made by [`Summarizer::grouped`].
    pub fn is_grouped(&self) -> bool {
        self.groups.is_some()
    }

    /// A summarizer for the goroutine table of a big trace: memory grows
    /// with the live goroutines and the groups, not with every goroutine
    /// (see [`Summarizer::finish_groups`]).
    pub fn grouped() -> Summarizer {
        Summarizer {
            groups: Some(GroupTableBuilder::default()),
            ..Summarizer::new()
        }
    }

    fn name_id(&mut self, s: &str) -> NameId {
        if let Some(&id) = self.name_ids.get(s) {
            return id;
        }
        let id = self.names.len() as NameId;
        self.names.push(s.to_string());
        self.name_ids.insert(s.to_string(), id);
        id
    }

    /// The index of the start function name with string ID `func` of the
    /// generation of `t`.
    fn gname(&mut self, t: &EvTable, func: u64) -> u32 {
        if let Some(&n) = self.gname_cache.get(func as usize) {
            if n != NIL {
                return n;
            }
        }
        let s = t.string(func);
        let n = match self.gname_ids.get(s) {
            Some(&n) => n,
            None if s.is_empty() => 0,
            None => {
                let n = self.gnames.len() as u32;
                self.gnames.push(s.to_string());
                self.gname_system.push(is_system_goroutine(s));
                self.gname_ids.insert(s.to_string(), n);
                n
            }
        };
        if func < 1 << 20 {
            let i = func as usize;
            if i >= self.gname_cache.len() {
                self.gname_cache.resize(i + 1, NIL);
            }
            self.gname_cache[i] = n;
        }
        n
    }

    /// The name ID of the stop or block reason of `ev` (see
    /// `Event::state_transition`: other transitions have the reason "").
    fn reason_id(&mut self, ev: &Event, t: &EvTable) -> NameId {
        let sid = match ev.typ {
            EventType::GO_STOP | EventType::GO_BLOCK => ev.args[0],
            _ => 0,
        };
        if let Some(&r) = self.reason_ids.get(sid as usize) {
            if r != NO_NAME {
                return r;
            }
        }
        let r = self.name_id(t.string(sid));
        if sid < 1 << 20 {
            let i = sid as usize;
            if i >= self.reason_ids.len() {
                self.reason_ids.resize(i + 1, NO_NAME);
            }
            self.reason_ids[i] = r;
        }
        r
    }

    fn new_g(&mut self, id: i64, creation: Time) -> u32 {
        if let Some(i) = self.free_records.pop() {
            self.gs[i as usize] = GRec::new(id, creation);
            self.pendings[i as usize] = None;
            self.g_index.insert(id, i);
            return i;
        }
        let i = self.gs.len() as u32;
        self.gs.push(GRec::new(id, creation));
        self.pendings.push(None);
        self.g_index.insert(id, i);
        i
    }

    /// Folds the finished goroutine of record `gi` into its group (grouped
    /// summarizers only); `release`: its record is free for the next one.
    fn fold_into_group(&mut self, gi: u32, release: bool) {
        let Some(groups) = self.groups.as_mut() else {
            return;
        };
        let g = &self.gs[gi as usize];
        g.stats
            .expand_into(&self.kvs, &self.wide, gi, &mut self.scratch);
        let name = self.funcs[g.func as usize].0;
        let start = g.start(&self.wide, gi);
        let at = if start > 0 { start } else { g.creation };
        groups.add(name, &self.gnames[name as usize], g.id, at, &self.scratch);
        if release {
            let (id, kv) = (g.id, g.stats.kv);
            self.kvs.free(kv);
            self.wide.forget(gi);
            self.g_regions.remove(&gi);
            self.g_index.remove(id);
            self.free_records.push(gi);
        }
    }

    /// Go's `snapshotStat`: stats of goroutine `gi` as if it stopped at `last_ts`.
    fn snapshot(&self, gi: u32, last_ts: Time) -> ExecStats {
        let g = &self.gs[gi as usize];
        let mut r = g.stats.expand(&self.kvs, &self.wide, gi);
        if r.total_ns == 0 {
            r.total_ns = last_ts.wrapping_sub(g.creation);
        }
        let Some(p) = self.pendings[gi as usize].as_deref() else {
            return r;
        };
        p.open_times(last_ts, |o| match o {
            OpenTime::Dur(w, d) => {
                let v = match w {
                    Dur::Exec => &mut r.exec_ns,
                    Dur::SchedWait => &mut r.sched_wait_ns,
                    Dur::Syscall => &mut r.syscall_ns,
                    Dur::SyscallBlock => &mut r.syscall_block_ns,
                    Dur::Total => &mut r.total_ns,
                    Dur::Start | Dur::End => unreachable!("times, not stats"),
                };
                *v = v.wrapping_add(d);
            }
            OpenTime::Block(k, d) => add(&mut r.block_ns, k, d),
            OpenTime::Range(k, d) => add(&mut r.range_ns, k, d),
        });
        r
    }

    /// Go's `finalize`.
    fn finalize(&mut self, gi: u32, last_ts: Time, trigger: Option<Time>) {
        let g = &mut self.gs[gi as usize];
        if let Some(t) = trigger {
            g.set_end(&mut self.wide, gi, t);
        }
        // N.B. the snapshot is applied in place: only the total reads the
        // stats it changes, and it is updated first.
        let pending = self.pendings[gi as usize].as_deref();
        Self::snapshot_in_place(g, gi, &mut self.kvs, &mut self.wide, pending, last_ts);
        let Some(mut p) = self.pendings[gi as usize].take() else {
            if trigger.is_some() {
                self.fold_into_group(gi, true);
            }
            return;
        };
        let gname = self.funcs[g.func as usize].0;
        if !p.active_regions.is_empty() && !self.gname_system[gname as usize] {
            let final_stat = &g.stats.expand(&self.kvs, &self.wide, gi);
            for &r in &p.active_regions {
                let reg = &mut self.regions[r as usize].r;
                reg.end = trigger;
                reg.stats = final_stat.sub(&reg.stats);
                self.g_regions.entry(gi).or_default().push(r);
            }
        }
        p.reset();
        self.spare.push(p);
        if trigger.is_some() {
            self.fold_into_group(gi, true);
        }
    }

    /// `g.stats = snapshot(g, last_ts)` without copying the stats.
    fn snapshot_in_place(
        g: &mut GRec,
        gi: u32,
        kvs: &mut Kvs,
        wide: &mut Wide,
        pending: Option<&Pending>,
        last_ts: Time,
    ) {
        let r = &mut g.stats;
        if r.get(wide, gi, Dur::Total) == 0 {
            r.set(wide, gi, Dur::Total, last_ts.wrapping_sub(g.creation));
        }
        let Some(p) = pending else {
            return;
        };
        p.open_times(last_ts, |o| match o {
            OpenTime::Dur(w, d) => r.add(wide, gi, w, d),
            OpenTime::Block(k, d) => kvs.add(&mut r.kv, Map::Block, k, d),
            OpenTime::Range(k, d) => kvs.add(&mut r.kv, Map::Range, k, d),
        });
    }

    /// Feeds one event.
    pub fn event(&mut self, ev: &Event, t: &EvTable) {
        if self.sync_ts == 0 {
            self.sync_ts = ev.time;
        }
        self.last_ts = ev.time;
        match ev.kind() {
            EventKind::Sync => {
                self.sync_ts = ev.time;
                // String IDs are per generation.
                self.reason_ids.clear();
                self.gname_cache.clear();
            }
            EventKind::StateTransition => self.transition(ev, t),
            EventKind::RangeBegin | EventKind::RangeActive => self.range_begin(ev, t),
            EventKind::RangeEnd => self.range_end(ev, t),
            EventKind::RegionBegin => self.region_begin(ev, t),
            EventKind::RegionEnd => self.region_end(ev, t),
            EventKind::TaskBegin | EventKind::TaskEnd => self.task_event(ev, t),
            EventKind::Log => {
                let (task, _, _) = ev.log(t);
                self.task_goroutine(task.0, ev.ctx.g.0);
                self.task_mut(task.0).logs += 1;
            }
            _ => {}
        }
    }

    fn transition(&mut self, ev: &Event, t: &EvTable) {
        let st = ev.state_transition(t);
        match st.resource {
            Resource::Goroutine(id) if st.go_from != st.go_to => {
                self.goroutine_transition(ev, t, &st, id.0);
            }
            Resource::Goroutine(_) => {}
            Resource::Proc(id) => self.proc_transition(&st, id.0, ev.time),
        }
    }

    /// A goroutine changes state: the time it spent in the old state is
    /// charged, the start of the new one noted.
    #[inline]
    fn goroutine_transition(&mut self, ev: &Event, t: &EvTable, st: &StateTransition<'_>, id: i64) {
        let gi = match st.go_from {
            GoState::Undetermined => self.first_seen(ev, t, id, st.go_to),
            GoState::NotExist => self.created(ev, id),
            old => {
                let Some(gi) = self.leave_state(id, old, ev.time) else {
                    return; // N.B. Go would crash here; the trace is inconsistent.
                };
                gi
            }
        };
        self.learn_start_func(gi, t, st.stack);
        self.enter_state(ev, t, st, id, gi);
    }

    /// A goroutine first seen in this generation already in state `new`:
    /// the time since the sync event is charged to that state.
    fn first_seen(&mut self, ev: &Event, t: &EvTable, id: i64, new: GoState) -> u32 {
        let gi = self.new_g(id, self.sync_ts);
        let dt = ev.time.wrapping_sub(self.sync_ts);
        let reason = self.reason_id(ev, t);
        let g = &mut self.gs[gi as usize].stats;
        let w = &mut self.wide;
        match new {
            GoState::Running => g.add(w, gi, Dur::Exec, dt),
            GoState::Waiting => self.kvs.add(&mut g.kv, Map::Block, reason, dt),
            GoState::Runnable => g.add(w, gi, Dur::SchedWait, dt),
            GoState::Syscall => {
                if ev.ctx.p.is_some() {
                    g.add(w, gi, Dur::Syscall, dt);
                } else {
                    g.add(w, gi, Dur::SyscallBlock, dt);
                }
            }
            _ => {}
        }
        gi
    }

    /// A goroutine created now; one created inside a region inherits the
    /// region's task.
    fn created(&mut self, ev: &Event, id: i64) -> u32 {
        let time = ev.time;
        let gi = self.new_g(id, time);
        let creator_task = self.g_index.get(ev.ctx.g.0).and_then(|c| {
            let p = self.pendings[c as usize].as_ref()?;
            let &r = p.active_regions.last()?;
            Some(self.regions[r as usize].r.task)
        });
        if let Some(task) = creator_task {
            let r = self.regions.len() as u32;
            self.regions.push(RegionBuild {
                r: RegionSummary {
                    task,
                    name: String::new(),
                    goroutine: id,
                    start: Some(time),
                    end: None,
                    stats: ExecStats::default(),
                },
            });
            let p = pending_of(&mut self.spare, &mut self.pendings[gi as usize]);
            p.active_regions.clear();
            p.active_regions.push(r);
        }
        gi
    }

    /// A known goroutine leaves state `old` at `time`: the time it spent in
    /// it is charged. `None` for a goroutine never seen.
    #[inline]
    fn leave_state(&mut self, id: i64, old: GoState, time: Time) -> Option<u32> {
        let gi = self.g_index.get(id)?;
        let g = &mut self.gs[gi as usize];
        let p = pending_of(&mut self.spare, &mut self.pendings[gi as usize]);
        let s = &mut g.stats;
        let w = &mut self.wide;
        let was_in_syscall = p.last_syscall != 0;
        match old {
            GoState::Running => {
                s.add(w, gi, Dur::Exec, time.wrapping_sub(p.last_start));
                p.last_start = 0;
            }
            GoState::Waiting if p.last_block != 0 => {
                let d = time.wrapping_sub(p.last_block);
                self.kvs.add(&mut s.kv, Map::Block, p.last_block_reason, d);
                p.last_block = 0;
            }
            GoState::Runnable if p.last_runnable != 0 => {
                s.add(w, gi, Dur::SchedWait, time.wrapping_sub(p.last_runnable));
                p.last_runnable = 0;
            }
            GoState::Syscall if p.last_syscall != 0 => {
                if p.last_syscall_block != 0 {
                    let blocked = time.wrapping_sub(p.last_syscall_block);
                    s.add(w, gi, Dur::SyscallBlock, blocked);
                    let before = p.last_syscall_block.wrapping_sub(p.last_syscall);
                    s.add(w, gi, Dur::Syscall, before);
                } else {
                    s.add(w, gi, Dur::Syscall, time.wrapping_sub(p.last_syscall));
                }
                p.last_syscall = 0;
                p.last_syscall_block = 0;
            }
            _ => {}
        }
        if old == GoState::Syscall && was_in_syscall {
            if let Some(pid) = self.syscalling_g.remove(&id) {
                self.syscalling_p.remove(&pid);
            }
        }
        Some(gi)
    }

    /// The goroutine's start function, from the first stack seen for it.
    #[inline]
    fn learn_start_func(&mut self, gi: u32, t: &EvTable, stack: u64) {
        if self.funcs[self.gs[gi as usize].func as usize].0 != 0 {
            return;
        }
        if let Some(&pc) = t.stack(stack).last() {
            let f = t.frame(pc);
            let name = self.gname(t, f.func);
            let next = self.funcs.len() as u32;
            let func = *self.func_ids.entry((name, f.pc)).or_insert(next);
            if func == next {
                self.funcs.push((name, f.pc));
            }
            self.gs[gi as usize].func = func;
        }
    }

    /// The goroutine enters the transition's new state: when it did is
    /// noted, or its record finished.
    #[inline]
    fn enter_state(&mut self, ev: &Event, t: &EvTable, st: &StateTransition<'_>, id: i64, gi: u32) {
        let time = ev.time;
        let g = &mut self.gs[gi as usize];
        match st.go_to {
            GoState::Running => {
                pending_of(&mut self.spare, &mut self.pendings[gi as usize]).last_start = time;
                if g.start(&self.wide, gi) == 0 {
                    g.set_start(&mut self.wide, gi, time);
                }
            }
            GoState::Runnable => {
                pending_of(&mut self.spare, &mut self.pendings[gi as usize]).last_runnable = time;
            }
            GoState::Waiting if st.reason != "forever" => {
                let reason = self.reason_id(ev, t);
                let p = pending_of(&mut self.spare, &mut self.pendings[gi as usize]);
                p.last_block = time;
                p.last_block_reason = reason;
            }
            GoState::Waiting | GoState::NotExist => self.finalize(gi, time, Some(time)),
            GoState::Syscall => {
                self.syscalling_p.insert(ev.ctx.p.0, id);
                self.syscalling_g.insert(id, ev.ctx.p.0);
                pending_of(&mut self.spare, &mut self.pendings[gi as usize]).last_syscall = time;
            }
            GoState::Undetermined => {}
        }
    }

    /// A proc that goes idle ends the blocking part of the syscall that
    /// was running on it.
    fn proc_transition(&mut self, st: &StateTransition<'_>, id: i64, time: Time) {
        if st.proc_from != st.proc_to && st.proc_to == ProcState::Idle {
            if let Some(gid) = self.syscalling_p.remove(&id) {
                if let Some(gi) = self.g_index.get(gid) {
                    pending_of(&mut self.spare, &mut self.pendings[gi as usize])
                        .last_syscall_block = time;
                }
            }
        }
    }

    /// Finishes every goroutine at the last event and returns the summary.
    pub fn finish(self) -> Summary {
        self.finish_compact().expand()
    }

    /// Finishes every goroutine at the last event and returns the goroutine
    /// table (a summarizer made by [`Summarizer::grouped`]; else the table
    /// of the whole summary).
    pub fn finish_groups(mut self) -> GroupTable {
        if self.groups.is_none() {
            return crate::analysis::goroutines::group_table(&self.finish());
        }
        let free: rustc_hash::FxHashSet<u32> = self.free_records.iter().copied().collect();
        for gi in 0..self.gs.len() as u32 {
            if free.contains(&gi) {
                continue;
            }
            let last = self.last_ts;
            self.finalize(gi, last, None);
            self.fold_into_group(gi, false);
        }
        let groups = self.groups.take().unwrap_or_default();
        groups.finish(self.names)
    }

    /// Finishes every goroutine at the last event and returns the analysis
    /// in compact form (see [`CompactSummary`]).
    pub fn finish_compact(mut self) -> CompactSummary {
        for gi in 0..self.gs.len() as u32 {
            let last = self.last_ts;
            self.finalize(gi, last, None);
        }
        // What only the pass needed goes first (the goroutine records stay).
        self.pendings = Vec::new();
        self.spare = Vec::new();
        self.g_index = IdIndex::default();
        let regions: Vec<RegionSummary> = self.regions.into_iter().map(|r| r.r).collect();
        let mut region_lists = Vec::with_capacity(self.g_regions.len());
        for (gi, mut ids) in self.g_regions {
            // Go sorts with unknown starts first, then by start time.
            ids.sort_by_key(|&r| regions[r as usize].start.map_or((0, 0), |s| (1, s)));
            self.gs[gi as usize].regions = region_lists.len() as u32;
            region_lists.push(ids);
        }
        // Sorted by ID (then by first appearance), in place.
        let mut gs = self.gs;
        let mut wide = self.wide;
        if !gs.is_sorted_by_key(|g| g.id) {
            let mut from: Vec<u32> = (0..gs.len() as u32).collect();
            from.sort_by_key(|&i| gs[i as usize].id);
            wide.reorder(&from);
            permute(&mut gs, from);
        }
        let mut tasks: Vec<TaskSummary> = self.tasks.into_values().collect();
        for t in &mut tasks {
            let mut gs: Vec<i64> = self
                .task_gs
                .remove(&t.id)
                .unwrap_or_default()
                .into_iter()
                .collect();
            gs.sort_unstable();
            t.goroutines = gs;
        }
        tasks.sort_by_key(|t| t.id);
        CompactSummary {
            names: self.names,
            gnames: self.gnames,
            funcs: self.funcs,
            gs,
            wide,
            kvs: self.kvs,
            region_lists,
            regions,
            tasks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_follows_cycles() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
        let mut w = vec![1, 2, 3];
        permute(&mut w, vec![0, 1, 2]);
        assert_eq!(w, vec![1, 2, 3]);
    }
}
