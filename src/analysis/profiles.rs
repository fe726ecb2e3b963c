//! Blocking profiles (where goroutines wait: network, sync, syscall,
//! scheduler latency), defined as `go tool trace -pprof=TYPE` defines them
//! (`cmd/trace/pprof.go`), folded over the goroutine lanes (see
//! [`super::fold`]) and scoped to goroutines, regions or a time range.
//!
//! A sample is a wait: a run of spans in the profile's state (a syscall
//! stays one sample when it loses its P) that ended within the trace. Over
//! a goroutine's lifetime (the whole trace, a group), as `go tool trace`
//! counts it, a wait before the goroutine first ran does not count unless
//! it never runs.

use super::fold::{LaneFold, LaneSpan};
use crate::model::{GIdx, GoLaneState, Names, StackId, StackTable, StrId, Trace};
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

/// Which part of a trace a profile is asked for.
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

/// A scope resolved against a trace's overview.
#[derive(Debug, Clone)]
enum Within {
    /// Every goroutine (or one group's) over its lifetime.
    Lifetime(Option<u32>),
    /// Every goroutine during `[t0, t1]`.
    Range(Time, Time),
    /// Goroutines during intervals of their own (sorted, disjoint).
    Intervals(FxHashMap<GIdx, Vec<(Time, Time)>>),
}

/// The intervals goroutines spent inside regions of type `name`
/// (overlapping regions of one goroutine count once, as in go tool trace).
fn region_intervals(trace: &Trace, name: &str) -> FxHashMap<GIdx, Vec<(Time, Time)>> {
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
    m
}

/// What a profile reads of the trace besides its spans: the finished
/// model (folded over its tiles), or the one being built (folded while
/// the trace loads, see [`crate::model::SpanSink`]).
pub trait ProfileNames {
    /// Whether goroutine `g` ended (asked of its lane's last span).
    fn ended(&self, g: GIdx) -> bool;
    /// The group of goroutine `g`.
    fn group(&self, g: GIdx) -> Option<u32>;
    /// A string.
    fn str(&self, s: StrId) -> &str;
    /// The stacks.
    fn stacks(&self) -> &StackTable;
}

impl ProfileNames for Trace {
    fn ended(&self, g: GIdx) -> bool {
        self.goroutines.ended(g)
    }
    fn group(&self, g: GIdx) -> Option<u32> {
        self.goroutines.group(g)
    }
    fn str(&self, s: StrId) -> &str {
        Trace::str(self, s)
    }
    fn stacks(&self) -> &StackTable {
        &self.stacks
    }
}

/// The names of a model being built, for one closed span: whether its
/// goroutine ended comes with the span; groups are not known yet.
pub struct Building<'a> {
    /// The strings and stacks so far.
    pub names: &'a Names<'a>,
    /// The span's goroutine ended with it.
    pub ended: bool,
}

impl ProfileNames for Building<'_> {
    fn ended(&self, _g: GIdx) -> bool {
        self.ended
    }
    fn group(&self, _g: GIdx) -> Option<u32> {
        None
    }
    fn str(&self, s: StrId) -> &str {
        self.names.strings.get(s)
    }
    fn stacks(&self) -> &StackTable {
        self.names.stacks
    }
}

/// The wait in progress on a goroutine's lane.
#[derive(Debug, Clone, Copy)]
struct Run {
    state: GoLaneState,
    start: Time,
    stack: StackId,
}

/// What a profile remembers of a goroutine between its spans.
#[derive(Debug, Default)]
pub struct ProfileLane {
    run: Option<Run>,
    /// It has run (its lifetime has begun).
    ran: bool,
    /// Its waits before it first ran: (stack, delay).
    before_run: Vec<(StackId, Time)>,
}

/// Folds goroutine lanes into one blocking profile (see [`super::fold`]).
pub struct ProfileFold {
    kind: ProfileKind,
    within: Within,
    /// Samples by the PCs of their stack: (stack, count, delay).
    /// Samples by the PCs of their stack: (stack, count, delay), each
    /// found by its PCs the first time one of its stacks is seen.
    samples: Vec<(StackId, u64, i64)>,
    by_pcs: FxHashMap<Vec<u64>, u32>,
    /// The sample of each stack seen: no key made per wait.
    sample_of: FxHashMap<StackId, u32>,
    /// The last wait reason asked of [`ProfileFold::tracks`], and its answer.
    last_reason: Option<(StrId, bool)>,
}

impl ProfileFold {
    /// A profile of `kind` over `scope` of the trace whose overview is
    /// `overview`.
    pub fn new(overview: &Trace, kind: ProfileKind, scope: &ProfileScope) -> ProfileFold {
        let within = match scope {
            ProfileScope::All => Within::Lifetime(None),
            ProfileScope::Group(g) => Within::Lifetime(Some(*g)),
            ProfileScope::Region(name) => Within::Intervals(region_intervals(overview, name)),
            ProfileScope::Range(a, b) => Within::Range(*a, *b),
        };
        ProfileFold {
            kind,
            within,
            samples: Vec::new(),
            by_pcs: FxHashMap::default(),
            sample_of: FxHashMap::default(),
            last_reason: None,
        }
    }

    /// A profile of `kind` over every goroutine's lifetime (no trace is
    /// needed to scope it: it can be folded while the trace loads).
    pub fn of_every_goroutine(kind: ProfileKind) -> ProfileFold {
        ProfileFold {
            kind,
            within: Within::Lifetime(None),
            samples: Vec::new(),
            by_pcs: FxHashMap::default(),
            sample_of: FxHashMap::default(),
            last_reason: None,
        }
    }

    /// The profile; its stacks are the overview's.
    pub fn finish(self) -> Profile {
        Profile {
            records: records_by_delay(self.samples),
        }
    }

    /// Whether span `s` begins a sample of this profile. The reason's
    /// string is read only for waits, and the last one's answer is kept:
    /// this runs for every span of the trace.
    fn tracks(&mut self, s: &LaneSpan, overview: &impl ProfileNames) -> bool {
        if !matches!(self.kind, ProfileKind::Net | ProfileKind::Sync) {
            return self.kind.tracks(s.state, "");
        }
        if s.state != GoLaneState::Waiting {
            return false;
        }
        match self.last_reason {
            Some((r, t)) if r == s.reason => t,
            _ => {
                let t = self.kind.tracks(s.state, overview.str(s.reason));
                self.last_reason = Some((s.reason, t));
                t
            }
        }
    }

    /// A wait of `g` from `s` to `e` at `stack`.
    fn sample(
        &mut self,
        overview: &impl ProfileNames,
        g: GIdx,
        lane: &mut ProfileLane,
        stack: StackId,
        s: Time,
        e: Time,
    ) {
        let d = match &self.within {
            Within::Lifetime(_) if !lane.ran => {
                lane.before_run.push((stack, e.saturating_sub(s)));
                return;
            }
            Within::Lifetime(_) => e.saturating_sub(s),
            Within::Range(t0, t1) => interval_overlap((*t0, *t1), (s, e)),
            Within::Intervals(m) => m.get(&g).map_or(0, |iv| {
                iv.iter()
                    .map(|&(a, b)| interval_overlap((a, b), (s, e)))
                    .filter(|&o| o > 0)
                    .fold(0, |a: Time, o| a.saturating_add(o))
            }),
        };
        self.record(overview, stack, d);
    }

    fn record(&mut self, overview: &impl ProfileNames, stack: StackId, d: Time) {
        if d <= 0 {
            return;
        }
        let k = match self.sample_of.get(&stack) {
            Some(&k) => k,
            None => {
                let next = self.samples.len() as u32;
                let k = *self
                    .by_pcs
                    .entry(pcs_key(overview.stacks(), stack))
                    .or_insert(next);
                if k == next {
                    self.samples.push((stack, 0, 0));
                }
                self.sample_of.insert(stack, k);
                k
            }
        };
        let e = &mut self.samples[k as usize];
        // Stacks with the same PCs are one sample; the one shown is the
        // first interned, whatever the order the waits come in.
        e.0 = e.0.min(stack);
        e.1 += 1;
        e.2 = e.2.saturating_add(d);
    }
}

impl LaneFold for ProfileFold {
    type Lane = ProfileLane;

    fn span(&mut self, g: GIdx, lane: &mut ProfileLane, s: &LaneSpan, overview: &Trace) {
        self.span_in(g, lane, s, overview);
    }

    fn end(&mut self, g: GIdx, lane: ProfileLane, overview: &Trace) {
        self.end_in(g, lane, overview);
    }
}

impl ProfileFold {
    /// [`LaneFold::span`], reading `overview`'s names.
    pub fn span_in(
        &mut self,
        g: GIdx,
        lane: &mut ProfileLane,
        s: &LaneSpan,
        overview: &impl ProfileNames,
    ) {
        if let Within::Lifetime(Some(grp)) = self.within {
            if overview.group(g) != Some(grp) {
                return;
            }
        }
        // A wait still going on when the goroutine's lane ends without a
        // transition (the trace's end) is not a sample.
        let ended = s.last && overview.ended(g);
        if let Some(run) = lane.run {
            if self.kind.continues(run.state, s.state) {
                if s.last {
                    lane.run = None;
                    if ended {
                        self.sample(overview, g, lane, run.stack, run.start, s.end);
                    }
                }
                return;
            }
            lane.run = None;
            self.sample(overview, g, lane, run.stack, run.start, s.start);
        }
        if s.state == GoLaneState::Running {
            // Its waits so far ended before its lifetime began.
            lane.ran = true;
            lane.before_run.clear();
        }
        if !self.tracks(s, overview) {
            return;
        }
        if !s.last {
            lane.run = Some(Run {
                state: s.state,
                start: s.start,
                stack: s.stack,
            });
        } else if ended {
            self.sample(overview, g, lane, s.stack, s.start, s.end);
        }
    }

    /// [`LaneFold::end`], reading `overview`'s names.
    pub fn end_in(&mut self, _g: GIdx, lane: ProfileLane, overview: &impl ProfileNames) {
        // A goroutine that never ran: its lifetime is from 0, every wait counts.
        for (stack, d) in lane.before_run {
            self.record(overview, stack, d);
        }
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

/// Records from samples (one per PCs, see [`pcs_key`]), sorted by delay.
fn records_by_delay(samples: Vec<(StackId, u64, i64)>) -> Vec<ProfileRecord> {
    let mut records: Vec<ProfileRecord> = samples
        .into_iter()
        .map(|(stack, count, delay_ns)| ProfileRecord {
            stack,
            count,
            delay_ns,
        })
        .collect();
    records.sort_by(|a, b| b.delay_ns.cmp(&a.delay_ns).then(a.stack.cmp(&b.stack)));
    records
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
