//! The summarizer's special ranges, user regions and tasks (Go's
//! `Summarizer` cases for RangeBegin/End, RegionBegin/End, TaskBegin/End
//! and Log).

use super::compact::Map;
use super::types::{ExecStats, RegionSummary, TaskSummary};
use super::{pending_of, RegionBuild, Summarizer};
use crate::trace::event::{Event, EventKind, RangeScope};
use crate::trace::EvTable;

impl Summarizer {
    /// A special range (GC mark assist, STW, …) begins, or is active at a generation start.
    pub(super) fn range_begin(&mut self, ev: &Event, t: &EvTable) {
        let r = ev.range(t);
        let gid = match r.scope {
            RangeScope::Goroutine(g) => g.0,
            RangeScope::Proc(p) => {
                if self.g_index.get(ev.ctx.g.0).is_none() {
                    return;
                }
                let name = self.name_id(&r.name);
                self.ranges_p.insert((p.0, name), ev.ctx.g.0);
                ev.ctx.g.0
            }
            RangeScope::None => return,
        };
        let name = self.name_id(&r.name);
        let active = ev.kind() == EventKind::RangeActive;
        let sync_ts = self.sync_ts;
        let Some(gi) = self.g_index.get(gid) else {
            return;
        };
        let g = &mut self.gs[gi as usize];
        let (p, stats) = (
            pending_of(&mut self.spare, &mut self.pendings[gi as usize]),
            &mut g.stats,
        );
        let slot = p.last_range.iter().position(|x| x.0 == name);
        if active {
            if let Some(i) = slot {
                if p.last_range[i].1 != 0 {
                    self.kvs.add(
                        &mut stats.kv,
                        Map::Range,
                        name,
                        sync_ts.wrapping_sub(p.last_range[i].1),
                    );
                }
                p.last_range[i].1 = sync_ts;
            } else {
                p.last_range.push((name, sync_ts));
            }
        } else if let Some(i) = slot {
            p.last_range[i].1 = ev.time;
        } else {
            p.last_range.push((name, ev.time));
        }
    }

    /// A special range ends: its time goes to the goroutine it was charged to.
    pub(super) fn range_end(&mut self, ev: &Event, t: &EvTable) {
        let r = ev.range(t);
        let name = self.name_id(&r.name);
        let gid = match r.scope {
            RangeScope::Goroutine(g) => g.0,
            RangeScope::Proc(p) => match self.ranges_p.remove(&(p.0, name)) {
                Some(goid) if goid == ev.ctx.g.0 => goid,
                _ => return,
            },
            RangeScope::None => return,
        };
        let Some(gi) = self.g_index.get(gid) else {
            return;
        };
        let g = &mut self.gs[gi as usize];
        let (p, stats) = (
            pending_of(&mut self.spare, &mut self.pendings[gi as usize]),
            &mut g.stats,
        );
        let Some(i) = p.last_range.iter().position(|x| x.0 == name) else {
            return;
        };
        let ts = p.last_range[i].1;
        if ts == 0 {
            return;
        }
        self.kvs
            .add(&mut stats.kv, Map::Range, name, ev.time.wrapping_sub(ts));
        p.last_range.swap_remove(i);
    }

    /// A user region begins: it starts from a snapshot of its goroutine's stats.
    pub(super) fn region_begin(&mut self, ev: &Event, t: &EvTable) {
        let (task, name) = ev.region(t);
        let Some(gi) = self.g_index.get(ev.ctx.g.0) else {
            return;
        };
        let snap = self.snapshot(gi, ev.time);
        let r = self.regions.len() as u32;
        self.regions.push(RegionBuild {
            r: RegionSummary {
                task: task.0,
                name: name.to_string(),
                goroutine: ev.ctx.g.0,
                start: Some(ev.time),
                end: None,
                stats: snap,
            },
        });
        pending_of(&mut self.spare, &mut self.pendings[gi as usize])
            .active_regions
            .push(r);
        let gid = ev.ctx.g.0;
        self.task_mut(task.0).regions.push(r);
        self.task_goroutine(task.0, gid);
    }

    /// A user region ends (or ends without a seen beginning).
    pub(super) fn region_end(&mut self, ev: &Event, t: &EvTable) {
        let (task, name) = ev.region(t);
        let Some(gi) = self.g_index.get(ev.ctx.g.0) else {
            return;
        };
        let gid = ev.ctx.g.0;
        let popped = self.pendings[gi as usize]
            .as_mut()
            .and_then(|p| p.active_regions.pop());
        let r = match popped {
            Some(r) => r,
            None => {
                let r = self.regions.len() as u32;
                self.regions.push(RegionBuild {
                    r: RegionSummary {
                        task: task.0,
                        name: name.to_string(),
                        goroutine: gid,
                        start: None,
                        end: None,
                        stats: ExecStats::default(),
                    },
                });
                self.task_goroutine(task.0, gid);
                self.task_mut(task.0).regions.push(r);
                r
            }
        };
        let snap = self.snapshot(gi, ev.time);
        let reg = &mut self.regions[r as usize].r;
        reg.stats = snap.sub(&reg.stats);
        reg.end = Some(ev.time);
        self.g_regions.entry(gi).or_default().push(r);
    }

    /// The task `id`, made (with unknown start and end goroutines) if new.
    pub(super) fn task_mut(&mut self, id: u64) -> &mut TaskSummary {
        self.tasks.entry(id).or_insert_with(|| TaskSummary {
            id,
            start_g: -1,
            end_g: -1,
            ..TaskSummary::default()
        })
    }

    /// Notes that goroutine `g` took part in `task`.
    pub(super) fn task_goroutine(&mut self, task: u64, g: i64) {
        self.task_gs.entry(task).or_default().insert(g);
    }

    /// A task begins or ends.
    pub(super) fn task_event(&mut self, ev: &Event, t: &EvTable) {
        let info = ev.task(t);
        let g = ev.ctx.g.0;
        self.task_goroutine(info.id.0, g);
        let begin = ev.kind() == EventKind::TaskBegin;
        let task = self.task_mut(info.id.0);
        task.name = info.name.to_string();
        if begin {
            task.start = Some(ev.time);
            task.start_g = g;
        } else {
            task.end = Some(ev.time);
            task.end_g = g;
        }
        let needs_parent = info.parent != crate::trace::TaskId::NONE && task.parent.is_none();
        if needs_parent {
            task.parent = Some(info.parent.0);
            self.task_mut(info.parent.0).children.push(info.id.0);
        }
    }
}
