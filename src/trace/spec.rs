//! The wire-format event types of v2 traces (Go 1.22+) and their argument
//! layout: one table, the single source of truth for decoding.

/// A wire-format event type byte. v1 traces are converted into these too.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventType(pub u8);

macro_rules! event_types {
    ($($name:ident = $val:expr;)*) => {
        impl EventType {
            $(
                #[doc = concat!("Wire event `", stringify!($name), "`.")]
                pub const $name: EventType = EventType($val);
            )*
        }
    };
}

event_types! {
    NONE = 0;
    EVENT_BATCH = 1;
    STACKS = 2;
    STACK = 3;
    STRINGS = 4;
    STRING = 5;
    CPU_SAMPLES = 6;
    CPU_SAMPLE = 7;
    FREQUENCY = 8;
    PROCS_CHANGE = 9;
    PROC_START = 10;
    PROC_STOP = 11;
    PROC_STEAL = 12;
    PROC_STATUS = 13;
    GO_CREATE = 14;
    GO_CREATE_SYSCALL = 15;
    GO_START = 16;
    GO_DESTROY = 17;
    GO_DESTROY_SYSCALL = 18;
    GO_STOP = 19;
    GO_BLOCK = 20;
    GO_UNBLOCK = 21;
    GO_SYSCALL_BEGIN = 22;
    GO_SYSCALL_END = 23;
    GO_SYSCALL_END_BLOCKED = 24;
    GO_STATUS = 25;
    STW_BEGIN = 26;
    STW_END = 27;
    GC_ACTIVE = 28;
    GC_BEGIN = 29;
    GC_END = 30;
    GC_SWEEP_ACTIVE = 31;
    GC_SWEEP_BEGIN = 32;
    GC_SWEEP_END = 33;
    GC_MARK_ASSIST_ACTIVE = 34;
    GC_MARK_ASSIST_BEGIN = 35;
    GC_MARK_ASSIST_END = 36;
    HEAP_ALLOC = 37;
    HEAP_GOAL = 38;
    GO_LABEL = 39;
    USER_TASK_BEGIN = 40;
    USER_TASK_END = 41;
    USER_REGION_BEGIN = 42;
    USER_REGION_END = 43;
    USER_LOG = 44;
    GO_SWITCH = 45;
    GO_SWITCH_DESTROY = 46;
    GO_CREATE_BLOCKED = 47;
    GO_STATUS_STACK = 48;
    EXPERIMENTAL_BATCH = 49;
    SYNC = 50;
    CLOCK_SNAPSHOT = 51;
    END_OF_GENERATION = 52;
    // Experimental (AllocFree) events.
    SPAN = 128;
    SPAN_ALLOC = 129;
    SPAN_FREE = 130;
    HEAP_OBJECT = 131;
    HEAP_OBJECT_ALLOC = 132;
    HEAP_OBJECT_FREE = 133;
    GOROUTINE_STACK = 134;
    GOROUTINE_STACK_ALLOC = 135;
    GOROUTINE_STACK_FREE = 136;
    // Not on the wire: the parser's generation-boundary event.
    SYNC_EVENT = 255;
}

/// How one event type is laid out on the wire and what it means.
#[derive(Debug)]
pub struct EventSpec {
    /// Go's name of the event type.
    pub name: &'static str,
    /// Argument names, the first being the timestamp delta for timed events.
    pub args: &'static [&'static str],
    /// Argument indexes (into `args`) holding string IDs.
    pub string_ids: &'static [usize],
    /// Argument indexes (into `args`) holding stack IDs; the first is the
    /// stack of the event's own execution context.
    pub stack_ids: &'static [usize],
    /// For an "end" event, the matching "begin" event type.
    pub start_ev: EventType,
    /// Appears in the ordered event stream (vs. structural).
    pub is_timed: bool,
    /// Has a trailer of a length-prefixed byte string.
    pub has_data: bool,
    /// Is a stack table entry.
    pub is_stack: bool,
    /// Experiment this event belongs to (0: none).
    pub experiment: u8,
}

const fn spec(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    EventSpec {
        name,
        args,
        string_ids: &[],
        stack_ids: &[],
        start_ev: EventType::NONE,
        is_timed: false,
        has_data: false,
        is_stack: false,
        experiment: 0,
    }
}

const fn timed(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    let mut s = spec(name, args);
    s.is_timed = true;
    s
}

const fn with_stacks(mut s: EventSpec, ids: &'static [usize]) -> EventSpec {
    s.stack_ids = ids;
    s
}

const fn with_strings(mut s: EventSpec, ids: &'static [usize]) -> EventSpec {
    s.string_ids = ids;
    s
}

const fn ends(mut s: EventSpec, start: EventType) -> EventSpec {
    s.start_ev = start;
    s
}

const fn experimental(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    let mut s = timed(name, args);
    s.experiment = 1;
    s
}

const UNUSED: EventSpec = spec("", &[]);

/// Number of entries in the spec table (covers experimental events).
pub const NUM_SPECS: usize = 137;

/// The largest number of arguments a timed event has (including the timestamp).
pub const MAX_TIMED_EVENT_ARGS: usize = 5;

/// Largest batch the runtime writes.
pub const MAX_BATCH_SIZE: u64 = 64 << 10;
/// Largest stack the runtime writes.
pub const MAX_FRAMES_PER_STACK: u64 = 128;
/// Largest string (event trailer) the runtime writes.
pub const MAX_EVENT_TRAILER_DATA_SIZE: u64 = 1 << 10;

/// The spec table, indexed by event type byte.
pub static SPECS: [EventSpec; NUM_SPECS] = SPEC_TABLE;

/// Declares the spec table keyed by event type, as Go's `specs` (in
/// `internal/trace/tracev2/events.go`) is: `GO_START => timed(…)` is the
/// spec of `EventType::GO_START`.
macro_rules! spec_table {
    ($($ty:ident => $spec:expr,)*) => {
        /// The spec table as a constant, so that derived tables can be
        /// computed at compile time.
        const SPEC_TABLE: [EventSpec; NUM_SPECS] = {
            let mut t = [UNUSED; NUM_SPECS];
            $(t[EventType::$ty.0 as usize] = $spec;)*
            t
        };

        /// The names the table is keyed by, with their types (for tests).
        #[cfg(test)]
        const SPEC_KEYS: &[(&str, EventType)] = &[$((stringify!($ty), EventType::$ty)),*];
    };
}

spec_table! {
    EVENT_BATCH => spec("EventBatch", &["gen", "m", "time", "size"]),
    STACKS => spec("Stacks", &[]),
    STACK => {
        let mut s = spec("Stack", &["id", "nframes"]);
        s.is_stack = true;
        s
    },
    STRINGS => spec("Strings", &[]),
    STRING => {
        let mut s = spec("String", &["id"]);
        s.has_data = true;
        s
    },
    CPU_SAMPLES => spec("CPUSamples", &[]),
    CPU_SAMPLE => with_stacks(spec("CPUSample", &["time", "m", "p", "g", "stack"]), &[4]),
    FREQUENCY => spec("Frequency", &["freq"]),
    PROCS_CHANGE => with_stacks(timed("ProcsChange", &["dt", "procs_value", "stack"]), &[2]),
    PROC_START => timed("ProcStart", &["dt", "p", "p_seq"]),
    PROC_STOP => timed("ProcStop", &["dt"]),
    PROC_STEAL => timed("ProcSteal", &["dt", "p", "p_seq", "m"]),
    PROC_STATUS => timed("ProcStatus", &["dt", "p", "pstatus"]),
    GO_CREATE => with_stacks(
        timed("GoCreate", &["dt", "new_g", "new_stack", "stack"]),
        &[3, 2],
    ),
    GO_CREATE_SYSCALL => timed("GoCreateSyscall", &["dt", "new_g"]),
    GO_START => timed("GoStart", &["dt", "g", "g_seq"]),
    GO_DESTROY => timed("GoDestroy", &["dt"]),
    GO_DESTROY_SYSCALL => timed("GoDestroySyscall", &["dt"]),
    GO_STOP => with_strings(
        with_stacks(timed("GoStop", &["dt", "reason_string", "stack"]), &[2]),
        &[1],
    ),
    GO_BLOCK => with_strings(
        with_stacks(timed("GoBlock", &["dt", "reason_string", "stack"]), &[2]),
        &[1],
    ),
    GO_UNBLOCK => with_stacks(timed("GoUnblock", &["dt", "g", "g_seq", "stack"]), &[3]),
    GO_SYSCALL_BEGIN => with_stacks(timed("GoSyscallBegin", &["dt", "p_seq", "stack"]), &[2]),
    GO_SYSCALL_END => ends(timed("GoSyscallEnd", &["dt"]), EventType::GO_SYSCALL_BEGIN),
    GO_SYSCALL_END_BLOCKED => ends(
        timed("GoSyscallEndBlocked", &["dt"]),
        EventType::GO_SYSCALL_BEGIN,
    ),
    GO_STATUS => timed("GoStatus", &["dt", "g", "m", "gstatus"]),
    STW_BEGIN => with_strings(
        with_stacks(timed("STWBegin", &["dt", "kind_string", "stack"]), &[2]),
        &[1],
    ),
    STW_END => ends(timed("STWEnd", &["dt"]), EventType::STW_BEGIN),
    GC_ACTIVE => ends(timed("GCActive", &["dt", "gc_seq"]), EventType::GC_BEGIN),
    GC_BEGIN => with_stacks(timed("GCBegin", &["dt", "gc_seq", "stack"]), &[2]),
    GC_END => ends(timed("GCEnd", &["dt", "gc_seq"]), EventType::GC_BEGIN),
    GC_SWEEP_ACTIVE => ends(
        timed("GCSweepActive", &["dt", "p"]),
        EventType::GC_SWEEP_BEGIN,
    ),
    GC_SWEEP_BEGIN => with_stacks(timed("GCSweepBegin", &["dt", "stack"]), &[1]),
    GC_SWEEP_END => ends(
        timed("GCSweepEnd", &["dt", "swept_value", "reclaimed_value"]),
        EventType::GC_SWEEP_BEGIN,
    ),
    GC_MARK_ASSIST_ACTIVE => ends(
        timed("GCMarkAssistActive", &["dt", "g"]),
        EventType::GC_MARK_ASSIST_BEGIN,
    ),
    GC_MARK_ASSIST_BEGIN => with_stacks(timed("GCMarkAssistBegin", &["dt", "stack"]), &[1]),
    GC_MARK_ASSIST_END => ends(
        timed("GCMarkAssistEnd", &["dt"]),
        EventType::GC_MARK_ASSIST_BEGIN,
    ),
    HEAP_ALLOC => timed("HeapAlloc", &["dt", "heapalloc_value"]),
    HEAP_GOAL => timed("HeapGoal", &["dt", "heapgoal_value"]),
    GO_LABEL => with_strings(timed("GoLabel", &["dt", "label_string"]), &[1]),
    USER_TASK_BEGIN => with_strings(
        with_stacks(
            timed(
                "UserTaskBegin",
                &["dt", "task", "parent_task", "name_string", "stack"],
            ),
            &[4],
        ),
        &[3],
    ),
    USER_TASK_END => with_stacks(timed("UserTaskEnd", &["dt", "task", "stack"]), &[2]),
    USER_REGION_BEGIN => with_strings(
        with_stacks(
            timed("UserRegionBegin", &["dt", "task", "name_string", "stack"]),
            &[3],
        ),
        &[2],
    ),
    USER_REGION_END => ends(
        with_strings(
            with_stacks(
                timed("UserRegionEnd", &["dt", "task", "name_string", "stack"]),
                &[3],
            ),
            &[2],
        ),
        EventType::USER_REGION_BEGIN,
    ),
    USER_LOG => with_strings(
        with_stacks(
            timed(
                "UserLog",
                &["dt", "task", "key_string", "value_string", "stack"],
            ),
            &[4],
        ),
        &[2, 3],
    ),
    GO_SWITCH => timed("GoSwitch", &["dt", "g", "g_seq"]),
    GO_SWITCH_DESTROY => timed("GoSwitchDestroy", &["dt", "g", "g_seq"]),
    GO_CREATE_BLOCKED => with_stacks(
        timed("GoCreateBlocked", &["dt", "new_g", "new_stack", "stack"]),
        &[3, 2],
    ),
    GO_STATUS_STACK => with_stacks(
        timed("GoStatusStack", &["dt", "g", "m", "gstatus", "stack"]),
        &[4],
    ),
    EXPERIMENTAL_BATCH => {
        let mut s = spec("ExperimentalBatch", &["exp", "gen", "m", "time"]);
        s.has_data = true;
        s
    },
    SYNC => spec("Sync", &[]),
    CLOCK_SNAPSHOT => timed("ClockSnapshot", &["dt", "mono", "sec", "nsec"]),
    END_OF_GENERATION => spec("EndOfGeneration", &[]),
    SPAN => experimental("Span", &["dt", "id", "npages_value", "kindclass"]),
    SPAN_ALLOC => experimental("SpanAlloc", &["dt", "id", "npages_value", "kindclass"]),
    SPAN_FREE => experimental("SpanFree", &["dt", "id"]),
    HEAP_OBJECT => experimental("HeapObject", &["dt", "id", "type"]),
    HEAP_OBJECT_ALLOC => experimental("HeapObjectAlloc", &["dt", "id", "type"]),
    HEAP_OBJECT_FREE => experimental("HeapObjectFree", &["dt", "id"]),
    GOROUTINE_STACK => experimental("GoroutineStack", &["dt", "id", "order"]),
    GOROUTINE_STACK_ALLOC => experimental("GoroutineStackAlloc", &["dt", "id", "order"]),
    GOROUTINE_STACK_FREE => experimental("GoroutineStackFree", &["dt", "id"]),
}

/// What the byte of a timed event's type says about its layout, for the
/// batch decoder: [`NOT_A_TYPE`], [`NOT_TIMED`], or the number of varints
/// that follow the type byte (the timestamp and the arguments).
pub static TIMED_VARINTS: [u8; 256] = {
    let mut t = [NOT_A_TYPE; 256];
    let mut i = 0;
    while i < NUM_SPECS {
        let s = &SPEC_TABLE[i];
        t[i] = if s.args.is_empty() || !s.is_timed {
            NOT_TIMED
        } else {
            s.args.len() as u8
        };
        i += 1;
    }
    t
};

/// [`TIMED_VARINTS`]: the byte is not an event type at all.
pub const NOT_A_TYPE: u8 = u8::MAX;
/// [`TIMED_VARINTS`]: the event type has no timestamp.
pub const NOT_TIMED: u8 = 0;

/// Which arguments (after the timestamp) of an event type hold IDs that
/// must resolve in the generation's tables: bit `i` stands for `args[i]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdArgs {
    /// Stack IDs.
    pub stacks: u8,
    /// String IDs.
    pub strings: u8,
}

/// [`IdArgs`] of every event type byte (all zero for unknown types).
pub static ID_ARGS: [IdArgs; 256] = {
    let mut t = [IdArgs {
        stacks: 0,
        strings: 0,
    }; 256];
    let mut i = 0;
    while i < NUM_SPECS {
        let s = &SPEC_TABLE[i];
        let mut k = 0;
        while k < s.stack_ids.len() {
            t[i].stacks |= 1 << (s.stack_ids[k] - 1);
            k += 1;
        }
        k = 0;
        while k < s.string_ids.len() {
            t[i].strings |= 1 << (s.string_ids[k] - 1);
            k += 1;
        }
        i += 1;
    }
    t
};

/// For each event type byte, 1 + the index in the event's arguments (after
/// the timestamp) of the stack of its own execution context, or 0 if it has
/// none: the first of the spec's `stack_ids`.
pub static OWN_STACK_ARG: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < NUM_SPECS {
        let s = &SPEC_TABLE[i];
        if !s.name.is_empty() && !s.stack_ids.is_empty() {
            t[i] = s.stack_ids[0] as u8;
        }
        i += 1;
    }
    t
};

impl EventType {
    /// The spec of this type, if the byte names a known event.
    #[inline]
    pub fn spec(self) -> Option<&'static EventSpec> {
        SPECS.get(self.0 as usize).filter(|s| !s.name.is_empty())
    }

    /// Go's name for the event type, or `Invalid(N)`.
    pub fn name(self) -> String {
        if self == EventType::SYNC_EVENT {
            return "Sync".to_string();
        }
        match self.spec() {
            Some(s) => s.name.to_string(),
            None => format!("Invalid({})", self.0),
        }
    }

    /// Number of arguments after the timestamp for a timed event.
    #[inline]
    pub fn arg_count(self) -> usize {
        self.spec().map_or(0, |s| s.args.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_events_fit_in_event_args() {
        for s in SPECS.iter().filter(|s| s.is_timed) {
            assert!(s.args.len() <= MAX_TIMED_EVENT_ARGS, "{}", s.name);
            for &i in s.stack_ids.iter().chain(s.string_ids) {
                assert!(i >= 1 && i < s.args.len(), "{}", s.name);
            }
        }
    }

    #[test]
    fn ends_point_to_begins() {
        assert_eq!(
            EventType::GC_END.spec().unwrap().start_ev,
            EventType::GC_BEGIN
        );
        assert_eq!(EventType(200).spec().map(|s| s.name), None);
        assert_eq!(EventType(3).name(), "Stack");
    }

    /// Go's name of an event type in the style of our constants:
    /// "GCMarkAssistBegin" -> "GC_MARK_ASSIST_BEGIN", "STWEnd" -> "STW_END".
    fn screaming_snake(name: &str) -> String {
        let c: Vec<char> = name.chars().collect();
        let mut out = String::new();
        for (i, &ch) in c.iter().enumerate() {
            let starts_word = i > 0
                && ch.is_uppercase()
                && (c[i - 1].is_lowercase()
                    || c.get(i + 1).is_some_and(|n| n.is_lowercase()) && c[i - 1].is_uppercase());
            if starts_word {
                out.push('_');
            }
            out.push(ch.to_ascii_uppercase());
        }
        out
    }

    #[test]
    fn each_spec_is_keyed_by_its_own_event_type_once() {
        let mut seen = std::collections::BTreeSet::new();
        for &(key, ty) in SPEC_KEYS {
            let spec = ty.spec().unwrap_or_else(|| panic!("{key} has no spec"));
            assert_eq!(screaming_snake(spec.name), key, "{key} holds {}", spec.name);
            assert!(seen.insert(ty.0), "{key} is keyed twice");
        }
        let named = SPECS.iter().filter(|s| !s.name.is_empty()).count();
        assert_eq!(seen.len(), named, "every spec is keyed");
        assert_eq!(
            named, 61,
            "the event types of Go 1.27's tracev2, experiments included"
        );
    }
}
