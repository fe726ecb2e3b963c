//! Typed identifiers of trace resources and times, with Go's sentinels.

use std::fmt;

/// A time in nanoseconds, converted from timestamp ticks exactly as Go does.
pub type Time = i64;

/// Unprocessed timestamp ticks as written by the runtime.
pub type Timestamp = u64;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $none:ident) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub i64);

        impl $name {
            /// The "no such resource" sentinel (Go uses -1).
            pub const $none: $name = $name(-1);

            /// True unless this is the sentinel.
            #[inline]
            pub fn is_some(self) -> bool {
                self.0 != -1
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A goroutine ID.
    GoId,
    NONE
);
id_type!(
    /// A P (processor) ID.
    ProcId,
    NONE
);
id_type!(
    /// An M (OS thread) ID.
    ThreadId,
    NONE
);

/// A user task ID.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TaskId(pub u64);

impl TaskId {
    /// No task (Go's `NoTask`, all ones).
    pub const NONE: TaskId = TaskId(u64::MAX);
    /// The background task every region without a task belongs to.
    pub const BACKGROUND: TaskId = TaskId(0);

    /// Whether the ID names a task the program made (neither "no task" nor
    /// the background task).
    pub fn is_user_task(self) -> bool {
        self != TaskId::NONE && self != TaskId::BACKGROUND
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The scheduling context of an event: which G, P and M it happened on.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SchedCtx {
    /// Goroutine running on the thread (before a transition).
    pub g: GoId,
    /// Proc held by the thread.
    pub p: ProcId,
    /// The thread itself.
    pub m: ThreadId,
}

impl SchedCtx {
    /// The context with no goroutine, proc or thread.
    pub const NONE: SchedCtx = SchedCtx {
        g: GoId::NONE,
        p: ProcId::NONE,
        m: ThreadId::NONE,
    };
}

/// Goroutine state as seen by the parser's consumers (Go's `trace.GoState`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum GoState {
    /// Nothing is known about the goroutine yet (first generation only).
    Undetermined = 0,
    /// The goroutine does not exist.
    NotExist = 1,
    /// Runnable, waiting for a P.
    Runnable = 2,
    /// Running on a P.
    Running = 3,
    /// Blocked.
    Waiting = 4,
    /// In a system call.
    Syscall = 5,
}

impl GoState {
    /// Decodes the state smuggled in event arguments.
    pub fn from_u64(v: u64) -> GoState {
        match v {
            1 => GoState::NotExist,
            2 => GoState::Runnable,
            3 => GoState::Running,
            4 => GoState::Waiting,
            5 => GoState::Syscall,
            _ => GoState::Undetermined,
        }
    }

    /// Running or in a syscall (Go's `Executing`).
    pub fn is_executing(self) -> bool {
        self == GoState::Running || self == GoState::Syscall
    }

    /// Go's name for the state.
    pub fn name(self) -> &'static str {
        match self {
            GoState::Undetermined => "Undetermined",
            GoState::NotExist => "NotExist",
            GoState::Runnable => "Runnable",
            GoState::Running => "Running",
            GoState::Waiting => "Waiting",
            GoState::Syscall => "Syscall",
        }
    }
}

/// Proc state as seen by consumers (Go's `trace.ProcState`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ProcState {
    /// Nothing is known yet.
    Undetermined = 0,
    /// The proc does not exist.
    NotExist = 1,
    /// Running (owned by a thread).
    Running = 2,
    /// Idle.
    Idle = 3,
}

impl ProcState {
    /// Decodes the state smuggled in event arguments.
    pub fn from_u64(v: u64) -> ProcState {
        match v {
            1 => ProcState::NotExist,
            2 => ProcState::Running,
            3 => ProcState::Idle,
            _ => ProcState::Undetermined,
        }
    }

    /// Go's name for the state.
    pub fn name(self) -> &'static str {
        match self {
            ProcState::Undetermined => "Undetermined",
            ProcState::NotExist => "NotExist",
            ProcState::Running => "Running",
            ProcState::Idle => "Idle",
        }
    }
}

/// Wire-format goroutine status (tracev2.GoStatus).
pub mod go_status {
    /// Invalid.
    pub const BAD: u8 = 0;
    /// Runnable.
    pub const RUNNABLE: u8 = 1;
    /// Running.
    pub const RUNNING: u8 = 2;
    /// In a syscall.
    pub const SYSCALL: u8 = 3;
    /// Waiting.
    pub const WAITING: u8 = 4;

    /// Go's name of a wire status.
    pub fn name(s: u8) -> &'static str {
        match s {
            RUNNABLE => "Runnable",
            RUNNING => "Running",
            SYSCALL => "Syscall",
            WAITING => "Waiting",
            _ => "Bad",
        }
    }

    /// The consumer-facing state of a wire status.
    pub fn to_state(s: u8) -> super::GoState {
        match s {
            RUNNABLE => super::GoState::Runnable,
            RUNNING => super::GoState::Running,
            WAITING => super::GoState::Waiting,
            SYSCALL => super::GoState::Syscall,
            _ => super::GoState::Undetermined,
        }
    }
}

/// Wire-format proc status (tracev2.ProcStatus).
pub mod proc_status {
    /// Invalid.
    pub const BAD: u8 = 0;
    /// Running.
    pub const RUNNING: u8 = 1;
    /// Idle.
    pub const IDLE: u8 = 2;
    /// In a syscall (with its thread).
    pub const SYSCALL: u8 = 3;
    /// In a syscall, but the thread link is lost (first seen in a ProcSteal).
    pub const SYSCALL_ABANDONED: u8 = 4;

    /// Go's name of a wire status.
    pub fn name(s: u8) -> &'static str {
        match s {
            RUNNING => "Running",
            IDLE => "Idle",
            SYSCALL => "Syscall",
            SYSCALL_ABANDONED => "SyscallAbandoned",
            _ => "Bad",
        }
    }

    /// The consumer-facing state of a wire status.
    pub fn to_state(s: u8) -> super::ProcState {
        match s {
            RUNNING | SYSCALL => super::ProcState::Running,
            IDLE | SYSCALL_ABANDONED => super::ProcState::Idle,
            _ => super::ProcState::Undetermined,
        }
    }
}
