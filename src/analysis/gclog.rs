//! The few events minimum mutator utilization needs, kept at load time so
//! utilization can be recomputed for any option without the event stream:
//! GOMAXPROCS changes, STW/sweep/mark-assist ranges, GC worker labels and
//! the scheduling of goroutines doing GC work (Go's `MutatorUtilizationV2`
//! reads exactly these).

use crate::model::index::IdIndex;
use crate::trace::event::{Event, EventKind, RangeKind, RangeScope, Resource};
use crate::trace::{EvTable, Time};
use rustc_hash::FxHashSet;

/// Which GC range a range event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcRangeClass {
    /// A stop-the-world caused by the GC.
    GcStw,
    /// Incremental sweep.
    Sweep,
    /// Mark assist.
    Assist,
}

/// One entry of the log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GcEntry {
    /// A generation boundary (Go's sync event number).
    Sync(u64),
    /// GOMAXPROCS became `n`.
    Procs {
        /// When.
        time: Time,
        /// New value.
        n: u32,
    },
    /// A range began, continued (first generation only) or ended.
    Range {
        /// When.
        time: Time,
        /// Begin, active or end.
        kind: EventKind,
        /// Which range.
        class: GcRangeClass,
        /// Proc of the event.
        proc: i64,
        /// Goroutine the range is scoped to (mark assist), or -1.
        scope_g: i64,
        /// For an active range: whether the event's goroutine was executing.
        executing: bool,
    },
    /// A goroutine doing GC work started or stopped executing.
    Transition {
        /// When.
        time: Time,
        /// Goroutine ID.
        g: i64,
        /// Proc of the event.
        proc: i64,
        /// Executing before.
        old_exec: bool,
        /// Executing after.
        new_exec: bool,
    },
    /// A goroutine was labelled as a GC background worker.
    Worker {
        /// When.
        time: Time,
        /// Goroutine ID.
        g: i64,
        /// Proc of the event.
        proc: i64,
        /// "GC (dedicated)" workers (ignored per-proc).
        dedicated: bool,
    },
}

/// The log, with the time of the last event of the trace.
#[derive(Debug, Clone, Default)]
pub struct GcLog {
    /// Entries in event order.
    pub entries: Vec<GcEntry>,
    /// Time of the last event.
    pub last_time: Option<Time>,
}

/// Collects a [`GcLog`] from the ordered events.
#[derive(Default)]
pub struct GcLogBuilder {
    log: GcLog,
    n_sync: u64,
    /// Whether each goroutine seen is executing (by its slot in
    /// `executing_slot`), needed only during the first generation.
    executing: Vec<bool>,
    executing_slot: IdIndex,
    /// Goroutines in a mark assist now.
    assisting: FxHashSet<i64>,
    /// Goroutines labelled as GC workers.
    workers: FxHashSet<i64>,
}

fn class_of(kind: RangeKind, name: &str) -> Option<GcRangeClass> {
    match kind {
        RangeKind::Stw if name.starts_with("stop-the-world") && name.contains("GC") => {
            Some(GcRangeClass::GcStw)
        }
        RangeKind::Sweep => Some(GcRangeClass::Sweep),
        RangeKind::MarkAssist => Some(GcRangeClass::Assist),
        _ => None,
    }
}

impl GcLogBuilder {
    /// Feeds one event.
    pub fn event(&mut self, ev: &Event, t: &EvTable) {
        self.log.last_time = Some(ev.time);
        let kind = ev.kind();
        match kind {
            EventKind::Sync => {
                self.n_sync = ev.args[0];
                if self.n_sync > 1 {
                    self.executing = Vec::new();
                    self.executing_slot = IdIndex::default();
                }
                self.log.entries.push(GcEntry::Sync(self.n_sync));
            }
            EventKind::Metric => {
                let (name, v) = ev.metric();
                if name == "/sched/gomaxprocs:threads" {
                    self.log.entries.push(GcEntry::Procs {
                        time: ev.time,
                        n: v.min(u64::from(u32::MAX)) as u32,
                    });
                }
            }
            EventKind::RangeActive | EventKind::RangeBegin | EventKind::RangeEnd => {
                self.range(ev, t, kind);
            }
            EventKind::StateTransition => self.transition(ev, t),
            EventKind::Label => self.label(ev, t),
            _ => {}
        }
    }

    /// A GC range (STW, sweep, mark assist) begins, is active or ends.
    fn range(&mut self, ev: &Event, t: &EvTable, kind: EventKind) {
        if kind == EventKind::RangeActive && self.n_sync > 1 {
            return;
        }
        let r = ev.range(t);
        let Some(class) = class_of(r.kind, &r.name) else {
            return;
        };
        let scope_g = match r.scope {
            RangeScope::Goroutine(g) => g.0,
            _ => -1,
        };
        if class == GcRangeClass::Assist {
            if kind == EventKind::RangeEnd {
                self.assisting.remove(&scope_g);
            } else {
                self.assisting.insert(scope_g);
            }
        }
        let executing = self
            .executing_slot
            .get(ev.ctx.g.0)
            .is_some_and(|i| self.executing[i as usize]);
        self.log.entries.push(GcEntry::Range {
            time: ev.time,
            kind,
            class,
            proc: ev.ctx.p.0,
            scope_g,
            executing,
        });
    }

    /// A goroutine changes state: whether it executes is kept in the first
    /// generation; the changes of GC goroutines go to the log.
    #[inline]
    fn transition(&mut self, ev: &Event, t: &EvTable) {
        let st = ev.state_transition(t);
        let Resource::Goroutine(g) = st.resource else {
            return;
        };
        let (old, new) = (st.go_from.is_executing(), st.go_to.is_executing());
        if self.n_sync <= 1 {
            match self.executing_slot.get(g.0) {
                Some(i) => self.executing[i as usize] = new,
                None => {
                    self.executing_slot.insert(g.0, self.executing.len() as u32);
                    self.executing.push(new);
                }
            }
        }
        let gc_work = (!self.assisting.is_empty() && self.assisting.contains(&g.0))
            || (!self.workers.is_empty() && self.workers.contains(&g.0));
        if gc_work {
            self.log.entries.push(GcEntry::Transition {
                time: ev.time,
                g: g.0,
                proc: ev.ctx.p.0,
                old_exec: old,
                new_exec: new,
            });
        }
    }

    /// A goroutine labelled as a GC mark worker.
    fn label(&mut self, ev: &Event, t: &EvTable) {
        let label = ev.label(t);
        if label.starts_with("GC ") && label != "GC (idle)" {
            self.workers.insert(ev.ctx.g.0);
            self.log.entries.push(GcEntry::Worker {
                time: ev.time,
                g: ev.ctx.g.0,
                proc: ev.ctx.p.0,
                dedicated: label == "GC (dedicated)",
            });
        }
    }

    /// The finished log.
    pub fn finish(self) -> GcLog {
        self.log
    }
}
