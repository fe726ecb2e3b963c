//! The emulated state of goroutines, procs, threads, tasks and the GC.

use super::super::error::{trace_err, Result};
use super::super::ids::{GoId, ProcId, TaskId, ThreadId};
use super::super::spec::EventType;
use super::Seq;
use rustc_hash::FxHashMap;

/// GC state: unknown until the first GC event of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcState {
    /// Nothing known.
    Undetermined,
    /// No GC in progress.
    NotRunning,
    /// A GC mark phase is in progress.
    Running,
}

/// A special range bound to a resource: its begin type and optional subtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeType {
    /// The "Begin" event type.
    pub typ: EventType,
    /// Subtype string ID (STW reason), 0 if none.
    pub desc: u64,
}

impl RangeType {
    /// The range an event begins/continues/ends (normalised to its begin type).
    pub fn of(typ: EventType, desc: u64) -> RangeType {
        let start = typ.spec().map_or(EventType::NONE, |s| s.start_ev);
        let typ = if start != EventType::NONE { start } else { typ };
        RangeType { typ, desc }
    }
}

fn spec_name(t: EventType) -> &'static str {
    t.spec().map_or("", |s| s.name)
}

/// Ranges in flight on one resource.
#[derive(Clone, Debug, Default)]
pub struct RangeState {
    in_flight: Vec<RangeType>,
}

impl RangeState {
    /// Starts a range; already in flight is an error.
    pub fn begin(&mut self, r: RangeType) -> Result<()> {
        if self.in_flight.contains(&r) {
            return Err(trace_err!(
                "discovered event already in-flight for when starting event {}",
                spec_name(r.typ)
            ));
        }
        self.in_flight.push(r);
        Ok(())
    }

    /// Marks a range active at the first generation, or checks it is in flight later.
    pub fn active(&mut self, r: RangeType, initial_gen: bool) -> Result<()> {
        if initial_gen {
            if self.in_flight.contains(&r) {
                return Err(trace_err!(
                    "found named active range already in first gen: {}",
                    spec_name(r.typ)
                ));
            }
            self.in_flight.push(r);
        } else if !self.in_flight.contains(&r) {
            return Err(trace_err!(
                "resource is missing active range: {} {:?}",
                spec_name(r.typ),
                self.in_flight
                    .iter()
                    .map(|r| spec_name(r.typ))
                    .collect::<Vec<_>>()
            ));
        }
        Ok(())
    }

    /// Ends the range begun by `typ`'s start event; returns its subtype.
    pub fn end(&mut self, typ: EventType) -> Result<u64> {
        let st = typ.spec().map_or(EventType::NONE, |s| s.start_ev);
        let Some(idx) = self.in_flight.iter().position(|r| r.typ == st) else {
            return Err(trace_err!(
                "tried to end event {}, but not in-flight",
                spec_name(st)
            ));
        };
        let desc = self.in_flight[idx].desc;
        self.in_flight.swap_remove(idx);
        Ok(desc)
    }
}

/// A user region open on a goroutine (name resolved: IDs change across generations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRegion {
    /// Task ID.
    pub task: TaskId,
    /// Region type.
    pub name: String,
}

/// Emulated goroutine state. Kept small (the map holds every live
/// goroutine and is touched by almost every event): the rarely used user
/// regions and special ranges live behind a box, allocated on first use.
#[derive(Clone, Debug)]
pub struct GState {
    /// Wire status.
    pub status: u8,
    /// Sequence number.
    pub seq: Seq,
    extra: Option<Box<GExtra>>,
}

/// The rarely used part of a goroutine's state.
#[derive(Clone, Debug, Default)]
struct GExtra {
    regions: Vec<UserRegion>,
    ranges: RangeState,
}

impl GState {
    /// A goroutine with a status and sequence.
    pub fn new(status: u8, seq: Seq) -> GState {
        GState {
            status,
            seq,
            extra: None,
        }
    }

    fn extra(&mut self) -> &mut GExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Open user regions, innermost last.
    pub fn regions(&self) -> &[UserRegion] {
        self.extra.as_ref().map_or(&[], |x| &x.regions)
    }

    /// Open user regions, for changes.
    pub fn regions_mut(&mut self) -> &mut Vec<UserRegion> {
        &mut self.extra().regions
    }

    /// Special ranges in flight, for changes.
    pub fn ranges_mut(&mut self) -> &mut RangeState {
        &mut self.extra().ranges
    }
}

/// Emulated proc state.
#[derive(Clone, Debug)]
pub struct PState {
    /// Wire status.
    pub status: u8,
    /// Sequence number.
    pub seq: Seq,
    /// Special ranges in flight.
    pub ranges: RangeState,
}

/// Emulated thread state: what it is bound to.
#[derive(Clone, Copy, Debug)]
pub struct MState {
    /// Goroutine executing on the thread.
    pub g: GoId,
    /// Proc held by the thread.
    pub p: ProcId,
}

/// A task that has begun.
#[derive(Clone, Debug)]
pub struct TaskState {
    /// Task type.
    pub name: String,
    /// Parent task.
    pub parent: TaskId,
    /// How the current generation's table refers to the name (see
    /// [`crate::trace::event::TASK_NAME_IN_STRINGS`]).
    pub name_ref: u64,
}

/// Emulated threads: a vector (threads are few and never forgotten) with
/// an index by ID. A thread's slot never changes, so batch cursors cache it
/// and skip the lookup on every event.
#[derive(Debug, Default)]
pub struct MStates {
    ids: Vec<ThreadId>,
    states: Vec<MState>,
    index: FxHashMap<ThreadId, u32>,
}

impl MStates {
    /// The slot of thread `m`, adding it (with no G and no P) if new.
    pub fn slot(&mut self, m: ThreadId) -> u32 {
        if let Some(&i) = self.index.get(&m) {
            return i;
        }
        self.insert(
            m,
            MState {
                g: GoId::NONE,
                p: ProcId::NONE,
            },
        )
    }

    /// The state in a slot from [`MStates::slot`].
    #[inline]
    pub fn at(&mut self, slot: u32) -> &mut MState {
        &mut self.states[slot as usize]
    }

    /// The state of thread `m`, if known.
    pub fn get(&self, m: &ThreadId) -> Option<&MState> {
        self.index.get(m).map(|&i| &self.states[i as usize])
    }

    /// The state of thread `m` for changes, if known.
    pub fn get_mut(&mut self, m: &ThreadId) -> Option<&mut MState> {
        self.index.get(m).map(|&i| &mut self.states[i as usize])
    }

    /// Sets the state of thread `m`, returning its slot.
    pub fn insert(&mut self, m: ThreadId, s: MState) -> u32 {
        if let Some(&i) = self.index.get(&m) {
            self.states[i as usize] = s;
            return i;
        }
        let i = self.states.len() as u32;
        self.ids.push(m);
        self.states.push(s);
        self.index.insert(m, i);
        i
    }

    /// Every thread and its state, in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (&ThreadId, &MState)> {
        self.ids.iter().zip(&self.states)
    }
}
