//! Ordered events, as the parser hands them out (Go's `trace.Event`), and
//! their interpretation: kinds, state transitions, ranges, tasks, regions.

use super::ids::{
    go_status, proc_status, GoId, GoState, ProcId, ProcState, SchedCtx, TaskId, Time,
};
use super::spec::EventType;
use super::table::EvTable;

/// One ordered event. Interpreting it needs the [`EvTable`] of its generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Wire event type (or [`EventType::SYNC_EVENT`]).
    pub typ: EventType,
    /// Time in nanoseconds.
    pub time: Time,
    /// The G, P and M the event happened on (before any transition).
    pub ctx: SchedCtx,
    /// Arguments after the timestamp, plus parser-smuggled extras.
    pub args: [u64; 4],
}

/// What kind of thing an event says (Go's `trace.EventKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Invalid.
    Bad,
    /// Generation boundary.
    Sync,
    /// A metric value (heap, heap goal, GOMAXPROCS).
    Metric,
    /// A goroutine label.
    Label,
    /// A CPU profile sample.
    StackSample,
    /// Start of a special range (STW, GC, sweep, mark assist).
    RangeBegin,
    /// A range already in progress at a generation start.
    RangeActive,
    /// End of a special range.
    RangeEnd,
    /// A user task starts.
    TaskBegin,
    /// A user task ends.
    TaskEnd,
    /// A user region starts.
    RegionBegin,
    /// A user region ends.
    RegionEnd,
    /// A user log message.
    Log,
    /// A goroutine or proc changes state.
    StateTransition,
    /// An experimental event.
    Experimental,
}

impl EventKind {
    /// Go's name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Bad => "Bad",
            EventKind::Sync => "Sync",
            EventKind::Metric => "Metric",
            EventKind::Label => "Label",
            EventKind::StackSample => "StackSample",
            EventKind::RangeBegin => "RangeBegin",
            EventKind::RangeActive => "RangeActive",
            EventKind::RangeEnd => "RangeEnd",
            EventKind::TaskBegin => "TaskBegin",
            EventKind::TaskEnd => "TaskEnd",
            EventKind::RegionBegin => "RegionBegin",
            EventKind::RegionEnd => "RegionEnd",
            EventKind::Log => "Log",
            EventKind::StateTransition => "StateTransition",
            EventKind::Experimental => "Experimental",
        }
    }
}

/// The resource a state transition is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A goroutine.
    Goroutine(GoId),
    /// A proc.
    Proc(ProcId),
}

/// A goroutine or proc state change (Go's `trace.StateTransition`).
#[derive(Debug, Clone, Copy)]
pub struct StateTransition<'t> {
    /// Whose state changes.
    pub resource: Resource,
    /// Old goroutine state (goroutine transitions).
    pub go_from: GoState,
    /// New goroutine state (goroutine transitions).
    pub go_to: GoState,
    /// Old proc state (proc transitions).
    pub proc_from: ProcState,
    /// New proc state (proc transitions).
    pub proc_to: ProcState,
    /// Why (block/stop reason), may be empty.
    pub reason: &'t str,
    /// Stack ID (in the event's table) of the transition, 0 for none. For
    /// creation this is the new goroutine's start stack.
    pub stack: u64,
}

/// Scope of a special range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeScope {
    /// Global (GC).
    None,
    /// A goroutine (STW, mark assist).
    Goroutine(GoId),
    /// A proc (sweep).
    Proc(ProcId),
}

/// Which special range an event begins, continues or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeKind {
    /// Stop-the-world; the reason is in [`Range::name`].
    Stw,
    /// GC concurrent mark phase.
    GcMark,
    /// Incremental sweep.
    Sweep,
    /// GC mark assist.
    MarkAssist,
}

/// A special range (Go's `trace.Range`).
#[derive(Debug, Clone)]
pub struct Range {
    /// Kind of range.
    pub kind: RangeKind,
    /// Go's name: "stop-the-world (reason)", "GC concurrent mark phase", ...
    pub name: String,
    /// What the range is bound to.
    pub scope: RangeScope,
}

/// A task begin or end (Go's `trace.Task`).
#[derive(Debug, Clone, Copy)]
pub struct TaskInfo<'t> {
    /// Task ID.
    pub id: TaskId,
    /// Parent task ID or [`TaskId::NONE`].
    pub parent: TaskId,
    /// Task type name ("" when the begin was not seen).
    pub name: &'t str,
}

/// Flag in a TaskEnd's name argument: the rest is an ID in the string table
/// (the task began in this generation), else an extra-string ID.
pub const TASK_NAME_IN_STRINGS: u64 = 1 << 63;

/// Name of the range kinds, as Go's summaries key them.
pub const RANGE_GC_MARK: &str = "GC concurrent mark phase";
/// Go's name of the sweep range.
pub const RANGE_SWEEP: &str = "GC incremental sweep";
/// Go's name of the mark assist range.
pub const RANGE_MARK_ASSIST: &str = "GC mark assist";

impl Event {
    /// A sync event with sequence number `n`.
    pub fn sync(time: Time, n: u64) -> Event {
        Event {
            typ: EventType::SYNC_EVENT,
            time,
            ctx: SchedCtx::NONE,
            args: [n, 0, 0, 0],
        }
    }

    /// Kind of the event.
    pub fn kind(&self) -> EventKind {
        kind_of(self.typ)
    }

    /// Goroutine executing when the event happened (before any transition).
    #[inline]
    pub fn goroutine(&self) -> GoId {
        self.ctx.g
    }

    /// Proc of the event's context.
    #[inline]
    pub fn proc(&self) -> ProcId {
        self.ctx.p
    }

    /// The "extra" arguments the orderer smuggles after the real ones.
    #[inline]
    fn extra(&self, i: usize) -> u64 {
        self.args[self.typ.arg_count() + i]
    }

    /// Stack ID of the event's own execution context (0 for none).
    pub fn stack_id(&self) -> u64 {
        if self.typ == EventType::SYNC_EVENT {
            return 0;
        }
        if self.typ == EventType::CPU_SAMPLE {
            return self.args[0];
        }
        match super::spec::OWN_STACK_ARG[self.typ.0 as usize] {
            0 => 0,
            i => self.args[(i as usize - 1) & 3],
        }
    }

    /// The state transition this event represents.
    /// Only meaningful when `kind() == StateTransition`.
    pub fn state_transition<'t>(&self, t: &'t EvTable) -> StateTransition<'t> {
        let mut s = StateTransition {
            resource: Resource::Goroutine(GoId::NONE),
            go_from: GoState::Undetermined,
            go_to: GoState::Undetermined,
            proc_from: ProcState::Undetermined,
            proc_to: ProcState::Undetermined,
            reason: "",
            stack: 0,
        };
        if let Some((id, from, to)) = self.proc_change() {
            s.resource = Resource::Proc(id);
            s.proc_from = from;
            s.proc_to = to;
        } else if let Some((id, from, to)) = self.goroutine_change() {
            s.resource = Resource::Goroutine(id);
            s.go_from = from;
            s.go_to = to;
            match self.typ {
                EventType::GO_CREATE | EventType::GO_CREATE_BLOCKED => s.stack = self.args[1],
                EventType::GO_STOP | EventType::GO_BLOCK => {
                    s.reason = t.string(self.args[0]);
                    s.stack = self.stack_id();
                }
                EventType::GO_SYSCALL_BEGIN | EventType::GO_STATUS | EventType::GO_STATUS_STACK => {
                    s.stack = self.stack_id()
                }
                _ => {}
            }
        }
        s
    }

    /// The proc whose state this event changes, from and to.
    #[inline]
    fn proc_change(&self) -> Option<(ProcId, ProcState, ProcState)> {
        let a = &self.args;
        let arg_p = ProcId(a[0] as i64);
        Some(match self.typ {
            EventType::PROC_START => (arg_p, ProcState::Idle, ProcState::Running),
            EventType::PROC_STOP => (self.ctx.p, ProcState::Running, ProcState::Idle),
            EventType::PROC_STEAL => {
                let before = if self.extra(0) == u64::from(proc_status::SYSCALL_ABANDONED) {
                    ProcState::Idle
                } else {
                    ProcState::Running
                };
                (arg_p, before, ProcState::Idle)
            }
            EventType::PROC_STATUS => (
                arg_p,
                ProcState::from_u64(self.extra(0)),
                proc_status::to_state(a[1] as u8),
            ),
            _ => return None,
        })
    }

    /// The goroutine whose state this event changes, from and to.
    #[inline]
    fn goroutine_change(&self) -> Option<(GoId, GoState, GoState)> {
        let a = &self.args;
        let arg_g = GoId(a[0] as i64);
        let own = self.ctx.g;
        Some(match self.typ {
            EventType::GO_CREATE => (arg_g, GoState::NotExist, GoState::Runnable),
            EventType::GO_CREATE_BLOCKED => (arg_g, GoState::NotExist, GoState::Waiting),
            EventType::GO_CREATE_SYSCALL => (arg_g, GoState::NotExist, GoState::Syscall),
            EventType::GO_START => (arg_g, GoState::Runnable, GoState::Running),
            EventType::GO_DESTROY => (own, GoState::Running, GoState::NotExist),
            EventType::GO_DESTROY_SYSCALL => (own, GoState::Syscall, GoState::NotExist),
            EventType::GO_STOP => (own, GoState::Running, GoState::Runnable),
            EventType::GO_BLOCK => (own, GoState::Running, GoState::Waiting),
            EventType::GO_UNBLOCK | EventType::GO_SWITCH | EventType::GO_SWITCH_DESTROY => {
                (arg_g, GoState::Waiting, GoState::Runnable)
            }
            EventType::GO_SYSCALL_BEGIN => (own, GoState::Running, GoState::Syscall),
            EventType::GO_SYSCALL_END => (own, GoState::Syscall, GoState::Running),
            EventType::GO_SYSCALL_END_BLOCKED => (own, GoState::Syscall, GoState::Runnable),
            EventType::GO_STATUS | EventType::GO_STATUS_STACK => {
                let packed = a[2];
                (
                    arg_g,
                    GoState::from_u64(packed >> 32),
                    go_status::to_state((packed & 0xffff_ffff) as u8),
                )
            }
            _ => return None,
        })
    }

    /// The special range this event begins, continues or ends.
    pub fn range(&self, t: &EvTable) -> Range {
        match self.typ {
            EventType::STW_BEGIN | EventType::STW_END => Range {
                kind: RangeKind::Stw,
                name: format!("stop-the-world ({})", t.string(self.args[0])),
                scope: RangeScope::Goroutine(self.ctx.g),
            },
            EventType::GC_BEGIN | EventType::GC_ACTIVE | EventType::GC_END => Range {
                kind: RangeKind::GcMark,
                name: RANGE_GC_MARK.to_string(),
                scope: RangeScope::None,
            },
            EventType::GC_SWEEP_BEGIN | EventType::GC_SWEEP_ACTIVE | EventType::GC_SWEEP_END => {
                let p = if self.typ == EventType::GC_SWEEP_ACTIVE {
                    ProcId(self.args[0] as i64)
                } else {
                    self.ctx.p
                };
                Range {
                    kind: RangeKind::Sweep,
                    name: RANGE_SWEEP.to_string(),
                    scope: RangeScope::Proc(p),
                }
            }
            _ => {
                let g = if self.typ == EventType::GC_MARK_ASSIST_ACTIVE {
                    GoId(self.args[0] as i64)
                } else {
                    self.ctx.g
                };
                Range {
                    kind: RangeKind::MarkAssist,
                    name: RANGE_MARK_ASSIST.to_string(),
                    scope: RangeScope::Goroutine(g),
                }
            }
        }
    }

    /// Task details of a TaskBegin/TaskEnd event.
    pub fn task<'t>(&self, t: &'t EvTable) -> TaskInfo<'t> {
        if self.typ == EventType::USER_TASK_BEGIN {
            TaskInfo {
                id: TaskId(self.args[0]),
                parent: TaskId(self.args[1]),
                name: t.string(self.args[2]),
            }
        } else {
            let name_ref = self.extra(1);
            let name = if name_ref & TASK_NAME_IN_STRINGS != 0 {
                t.string(name_ref & !TASK_NAME_IN_STRINGS)
            } else {
                t.extra_string(name_ref)
            };
            TaskInfo {
                id: TaskId(self.args[0]),
                parent: TaskId(self.extra(0)),
                name,
            }
        }
    }

    /// (task, region type) of a RegionBegin/RegionEnd event.
    pub fn region<'t>(&self, t: &'t EvTable) -> (TaskId, &'t str) {
        (TaskId(self.args[0]), t.string(self.args[1]))
    }

    /// (task, category, message) of a Log event.
    pub fn log<'t>(&self, t: &'t EvTable) -> (TaskId, &'t str, &'t str) {
        (
            TaskId(self.args[0]),
            t.string(self.args[1]),
            t.string(self.args[2]),
        )
    }

    /// (name, value) of a Metric event.
    pub fn metric(&self) -> (&'static str, u64) {
        let name = match self.typ {
            EventType::PROCS_CHANGE => "/sched/gomaxprocs:threads",
            EventType::HEAP_ALLOC => "/memory/classes/heap/objects:bytes",
            _ => "/gc/heap/goal:bytes",
        };
        (name, self.args[0])
    }

    /// The label of a Label event.
    pub fn label<'t>(&self, t: &'t EvTable) -> &'t str {
        t.string(self.args[0])
    }

    /// Checks the string and stack IDs the event refers to exist in `t`.
    #[inline]
    pub fn validate_table_ids(&self, t: &EvTable) -> Result<(), String> {
        if self.table_ids_valid(t) {
            return Ok(());
        }
        self.table_id_error(t)
    }

    /// True if every string and stack ID the event refers to exists in `t`.
    #[inline]
    pub fn table_ids_valid(&self, t: &EvTable) -> bool {
        let ids = super::spec::ID_ARGS[self.typ.0 as usize];
        if ids.stacks | ids.strings == 0 {
            return true;
        }
        let mut ok = true;
        let mut m = ids.stacks;
        while m != 0 {
            ok &= t
                .stacks
                .contains(self.args[(m.trailing_zeros() & 3) as usize]);
            m &= m - 1;
        }
        let mut m = ids.strings;
        while m != 0 {
            ok &= t
                .strings
                .contains(self.args[(m.trailing_zeros() & 3) as usize]);
            m &= m - 1;
        }
        ok
    }

    /// The error for the first invalid ID, in Go's order of checks.
    #[cold]
    fn table_id_error(&self, t: &EvTable) -> Result<(), String> {
        if self.typ == EventType::SYNC_EVENT {
            return Ok(());
        }
        let Some(spec) = self.typ.spec() else {
            return Ok(());
        };
        for &i in spec.stack_ids {
            let id = self.args[i - 1];
            if !t.stacks.contains(id) {
                return Err(format!(
                    "found invalid stack ID {id} for event {}",
                    spec.name
                ));
            }
        }
        for &i in spec.string_ids {
            let id = self.args[i - 1];
            if !t.strings.contains(id) {
                return Err(format!(
                    "found invalid string ID {id} for event {}",
                    spec.name
                ));
            }
        }
        Ok(())
    }
}

/// Maps a wire type to its kind (a table: every consumer asks for every
/// event).
#[inline]
pub fn kind_of(t: EventType) -> EventKind {
    KINDS[t.0 as usize]
}

/// [`kind_of`] for each wire type byte.
static KINDS: [EventKind; 256] = {
    let mut kinds = [EventKind::Bad; 256];
    let mut i = 0;
    while i < 256 {
        kinds[i] = kind_by_type(EventType(i as u8));
        i += 1;
    }
    kinds
};

/// The kind of a wire type, as Go's parser says.
const fn kind_by_type(t: EventType) -> EventKind {
    use EventKind as K;
    match t {
        EventType::SYNC_EVENT => K::Sync,
        EventType::CPU_SAMPLE => K::StackSample,
        EventType::PROCS_CHANGE | EventType::HEAP_ALLOC | EventType::HEAP_GOAL => K::Metric,
        EventType::PROC_START
        | EventType::PROC_STOP
        | EventType::PROC_STEAL
        | EventType::PROC_STATUS
        | EventType::GO_CREATE
        | EventType::GO_CREATE_SYSCALL
        | EventType::GO_START
        | EventType::GO_DESTROY
        | EventType::GO_DESTROY_SYSCALL
        | EventType::GO_STOP
        | EventType::GO_BLOCK
        | EventType::GO_UNBLOCK
        | EventType::GO_SYSCALL_BEGIN
        | EventType::GO_SYSCALL_END
        | EventType::GO_SYSCALL_END_BLOCKED
        | EventType::GO_STATUS
        | EventType::GO_SWITCH
        | EventType::GO_SWITCH_DESTROY
        | EventType::GO_CREATE_BLOCKED
        | EventType::GO_STATUS_STACK => K::StateTransition,
        EventType::STW_BEGIN
        | EventType::GC_BEGIN
        | EventType::GC_SWEEP_BEGIN
        | EventType::GC_MARK_ASSIST_BEGIN => K::RangeBegin,
        EventType::GC_ACTIVE | EventType::GC_SWEEP_ACTIVE | EventType::GC_MARK_ASSIST_ACTIVE => {
            K::RangeActive
        }
        EventType::STW_END
        | EventType::GC_END
        | EventType::GC_SWEEP_END
        | EventType::GC_MARK_ASSIST_END => K::RangeEnd,
        EventType::GO_LABEL => K::Label,
        EventType::USER_TASK_BEGIN => K::TaskBegin,
        EventType::USER_TASK_END => K::TaskEnd,
        EventType::USER_REGION_BEGIN => K::RegionBegin,
        EventType::USER_REGION_END => K::RegionEnd,
        EventType::USER_LOG => K::Log,
        t if t.0 >= 128 && t.0 <= 136 => K::Experimental,
        _ => K::Bad,
    }
}
