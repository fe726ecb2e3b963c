//! Blocking profiles (where goroutines wait: network, sync, syscall,
//! scheduler latency), defined as `go tool trace -pprof=TYPE` defines them
//! (`cmd/trace/pprof.go`), computed from the goroutine lanes and scoped to
//! goroutines, regions or a time range.

use crate::model::{GIdx, GoLaneState, StackId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Which blocking profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileKind {
    /// Blocked on the network.
    Net,
    /// Blocked on channels, select, mutexes, condition variables.
    Sync,
    /// In system calls.
    Syscall,
    /// Runnable, waiting to be scheduled.
    Sched,
}

impl ProfileKind {
    /// All kinds.
    pub const ALL: [ProfileKind; 4] = [
        ProfileKind::Net,
        ProfileKind::Sync,
        ProfileKind::Syscall,
        ProfileKind::Sched,
    ];

    /// The name `go tool trace -pprof` uses.
    pub fn name(self) -> &'static str {
        match self {
            ProfileKind::Net => "net",
            ProfileKind::Sync => "sync",
            ProfileKind::Syscall => "syscall",
            ProfileKind::Sched => "sched",
        }
    }

    /// Parses a `-pprof` name.
    pub fn parse(s: &str) -> Option<ProfileKind> {
        ProfileKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            ProfileKind::Net => "Network blocking",
            ProfileKind::Sync => "Synchronization blocking",
            ProfileKind::Syscall => "Syscall blocking",
            ProfileKind::Sched => "Scheduler latency",
        }
    }

    /// Whether a span that begins in `state` with `reason` starts a sample.
    pub(crate) fn tracks(self, state: GoLaneState, reason: &str) -> bool {
        match self {
            ProfileKind::Net => state == GoLaneState::Waiting && reason == "network",
            ProfileKind::Sync => {
                state == GoLaneState::Waiting
                    && (reason.contains("chan")
                        || reason.contains("sync")
                        || reason.contains("select"))
            }
            ProfileKind::Syscall => is_syscall(state),
            ProfileKind::Sched => state == GoLaneState::Runnable,
        }
    }

    /// Whether `state` continues a sample begun in `first` (a syscall
    /// stays one sample when it loses its P).
    pub(crate) fn continues(self, first: GoLaneState, state: GoLaneState) -> bool {
        if self == ProfileKind::Syscall {
            is_syscall(state)
        } else {
            state == first
        }
    }
}

fn is_syscall(s: GoLaneState) -> bool {
    s == GoLaneState::Syscall || s == GoLaneState::SyscallBlocked
}

/// Which part of a trace a profile is asked for, independent of how the
/// trace was loaded (see [`Scope`] for a whole model and
/// [`super::profile_stream::StreamScope`] for an overview's tiles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileScope {
    /// The whole trace, as `go tool trace -pprof` sees it.
    All,
    /// One goroutine group (an index into `Trace::groups`).
    Group(u32),
    /// Goroutines inside regions of this type.
    Region(String),
    /// Every goroutine during `[t0, t1]`.
    Range(Time, Time),
}

impl ProfileScope {
    /// The scope over a whole model.
    pub fn of(&self, trace: &Trace) -> Scope {
        match self {
            ProfileScope::All => Scope::all(trace),
            ProfileScope::Group(g) => Scope::goroutine_group(trace, *g as usize),
            ProfileScope::Region(name) => Scope::region_type(trace, name),
            ProfileScope::Range(a, b) => Scope::time_range(trace, *a, *b),
        }
    }

    /// The scope over the tiles of an overview.
    pub fn streamed(&self, overview: &Trace) -> super::profile_stream::StreamScope {
        use super::profile_stream::StreamScope;
        match self {
            ProfileScope::All => StreamScope::Lifetime { group: None },
            ProfileScope::Group(g) => StreamScope::Lifetime { group: Some(*g) },
            ProfileScope::Region(name) => {
                StreamScope::Intervals(Scope::region_type(overview, name))
            }
            ProfileScope::Range(a, b) => StreamScope::Range(*a, *b),
        }
    }
}

/// What part of the trace a profile covers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only these goroutines, each during these intervals (sorted, disjoint);
    /// `None` means every goroutine, all the time.
    pub intervals: Option<FxHashMap<GIdx, Vec<(Time, Time)>>>,
}

impl Scope {
    /// Everything, unfiltered.
    pub fn unfiltered() -> Scope {
        Scope::default()
    }

    /// The whole trace as `go tool trace -pprof` sees it: every goroutine,
    /// from the first time it ran to its exit (waits before a goroutine
    /// first runs do not count).
    pub fn all(trace: &Trace) -> Scope {
        let m = (0..trace.goroutines.len() as GIdx)
            .map(|g| (g, vec![goroutine_lifetime(trace, g)]))
            .collect();
        Scope { intervals: Some(m) }
    }

    /// Goroutines whose start function is `name`, over their lifetime
    /// (from first running to exit, as go tool trace does).
    pub fn goroutine_group(trace: &Trace, group: usize) -> Scope {
        let mut m = FxHashMap::default();
        if let Some(grp) = trace.groups.get(group) {
            for &g in &grp.members {
                m.insert(g, vec![goroutine_lifetime(trace, g)]);
            }
        }
        Scope { intervals: Some(m) }
    }

    /// Every goroutine during `[t0, t1]`.
    pub fn time_range(trace: &Trace, t0: Time, t1: Time) -> Scope {
        let m = (0..trace.goroutines.len() as GIdx)
            .map(|g| (g, vec![(t0, t1)]))
            .collect();
        Scope { intervals: Some(m) }
    }

    /// Goroutines while inside regions of type `name` (overlapping regions
    /// of one goroutine count once, as in go tool trace).
    pub fn region_type(trace: &Trace, name: &str) -> Scope {
        // A loaded trace has dropped its string index (`StringTable::freeze`):
        // find the name among the regions then.
        let id = trace.strings.lookup(name).or_else(|| {
            trace
                .regions
                .iter()
                .map(|r| r.name)
                .find(|&n| trace.str(n) == name)
        });
        let mut m: FxHashMap<GIdx, Vec<(Time, Time)>> = FxHashMap::default();
        for r in &trace.regions {
            if Some(r.name) == id {
                m.entry(r.g).or_default().push((r.start, r.end));
            }
        }
        for v in m.values_mut() {
            v.sort_unstable();
            let mut last = Time::MIN;
            v.retain(|&(s, e)| {
                if last <= s {
                    last = e;
                    true
                } else {
                    false
                }
            });
        }
        Scope { intervals: Some(m) }
    }

    /// Time of a sample `[s, e]` of goroutine `g` inside the scope.
    pub(crate) fn overlap(&self, g: GIdx, s: Time, e: Time) -> Time {
        let Some(m) = &self.intervals else {
            return e.saturating_sub(s);
        };
        let Some(iv) = m.get(&g) else {
            return 0;
        };
        iv.iter()
            .map(|&(a, b)| interval_overlap((a, b), (s, e)))
            .filter(|&o| o > 0)
            .fold(0, |a: Time, o| a.saturating_add(o))
    }
}

/// Go's `interval.overlap`: touching intervals overlap by 0.
pub(crate) fn interval_overlap((a, b): (Time, Time), (s, e): (Time, Time)) -> Time {
    if b < s || e < a {
        0
    } else {
        b.min(e).saturating_sub(a.max(s))
    }
}

/// The key Go gives a sample's stack: its PCs (at most 128), trailing
/// zero PCs dropped.
pub(crate) fn pcs_key(stacks: &crate::model::StackTable, stack: StackId) -> Vec<u64> {
    let mut v: Vec<u64> = stacks.frames_of(stack).map(|f| f.pc).take(128).collect();
    while v.last() == Some(&0) {
        v.pop();
    }
    v
}

/// Records from samples keyed by PCs (see [`pcs_key`]), sorted by delay.
pub(crate) fn records_by_delay(
    by_pcs: FxHashMap<Vec<u64>, (StackId, u64, i64)>,
) -> Vec<ProfileRecord> {
    let mut records: Vec<ProfileRecord> = by_pcs
        .into_values()
        .map(|(stack, count, delay_ns)| ProfileRecord {
            stack,
            count,
            delay_ns,
        })
        .collect();
    records.sort_by(|a, b| b.delay_ns.cmp(&a.delay_ns).then(a.stack.cmp(&b.stack)));
    records
}

/// From first running (0 if never) to exit or blocking forever (or the
/// end of the trace): Go's goroutine StartTime and EndTime.
fn goroutine_lifetime(trace: &Trace, g: GIdx) -> (Time, Time) {
    let lane = &trace.lane(g);
    let spans = &trace.spans;
    let start = lane
        .indexes()
        .find(|&i| spans.state(i) == GoLaneState::Running)
        .map_or(0, |i| spans.start(i));
    let end = if trace.goroutines.ended(g as usize) {
        lane.end
    } else {
        let forever = lane.indexes().last().filter(|&i| {
            spans.state(i) == GoLaneState::Waiting && trace.reason(spans.reason(i)) == "forever"
        });
        forever.map_or(trace.meta.end, |i| spans.start(i))
    };
    (start, end)
}

/// One stack's total in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileRecord {
    /// Where the goroutines were when they began waiting.
    pub stack: StackId,
    /// Number of waits.
    pub count: u64,
    /// Total time waited, in ns.
    pub delay_ns: i64,
}

/// A blocking profile: records sorted by delay, largest first.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Records.
    pub records: Vec<ProfileRecord>,
}

impl Profile {
    /// Total number of waits.
    pub fn total_count(&self) -> u64 {
        self.records.iter().map(|r| r.count).sum()
    }

    /// Total delay.
    pub fn total_delay_ns(&self) -> i64 {
        self.records
            .iter()
            .fold(0i64, |a, r| a.saturating_add(r.delay_ns))
    }
}

/// Computes a blocking profile over the goroutine lanes.
pub fn blocking_profile(trace: &Trace, kind: ProfileKind, scope: &Scope) -> Profile {
    // Go keys samples by the stack's PCs (trailing zero PCs ignored), and a
    // sample keeps the stack seen last with those PCs.
    let mut by_pcs: FxHashMap<Vec<u64>, (StackId, u64, i64)> = FxHashMap::default();
    let mut pcs_of: FxHashMap<StackId, Vec<u64>> = FxHashMap::default();
    let spans = &trace.spans;
    let gs = &trace.goroutines;
    let goroutines: Box<dyn Iterator<Item = GIdx>> = match &scope.intervals {
        Some(m) => {
            let mut v: Vec<GIdx> = m.keys().copied().collect();
            v.sort_unstable();
            Box::new(v.into_iter())
        }
        None => Box::new(0..gs.len() as GIdx),
    };
    for g in goroutines {
        let Some(lane) = trace.lanes.get(g) else {
            continue;
        };
        let r = lane.indexes();
        let mut i = r.start;
        while i < r.end {
            let sk = spans.kind(i);
            let state = sk.state;
            if !kind.tracks(state, trace.reason(sk.reason)) {
                i += 1;
                continue;
            }
            let start = spans.start(i);
            let stack = sk.stack;
            let mut j = i + 1;
            while j < r.end && kind.continues(state, spans.state(j)) {
                j += 1;
            }
            // A wait still going on when the trace (or the goroutine's
            // lane) ends without a transition is not a sample.
            let ended = j < r.end || gs.ended(g as usize);
            if ended {
                let end = if j < r.end { spans.start(j) } else { lane.end };
                let d = scope.overlap(g, start, end);
                if d > 0 {
                    let key = pcs_of
                        .entry(stack)
                        .or_insert_with(|| pcs_key(&trace.stacks, stack));
                    let e = by_pcs.entry(key.clone()).or_insert((stack, 0, 0));
                    e.0 = stack;
                    e.1 += 1;
                    e.2 = e.2.saturating_add(d);
                }
            }
            i = j;
        }
    }
    Profile {
        records: records_by_delay(by_pcs),
    }
}
