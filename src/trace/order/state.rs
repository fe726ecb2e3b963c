//! The emulated state of goroutines, procs, threads, tasks and the GC.

use super::super::error::{trace_err, Result};
use super::super::ids::{GoId, ProcId, TaskId};
use super::super::spec::EventType;
use super::Seq;

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

/// Emulated goroutine state.
#[derive(Clone, Debug)]
pub struct GState {
    /// Wire status.
    pub status: u8,
    /// Sequence number.
    pub seq: Seq,
    /// Open user regions, innermost last.
    pub regions: Vec<UserRegion>,
    /// Special ranges in flight.
    pub ranges: RangeState,
}

impl GState {
    /// A goroutine with a status and sequence.
    pub fn new(status: u8, seq: Seq) -> GState {
        GState {
            status,
            seq,
            regions: Vec::new(),
            ranges: RangeState::default(),
        }
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
