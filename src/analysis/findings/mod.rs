//! Findings: the worst moments of a trace, ranked, before the user knows
//! where to look. Goroutines leaked (still blocked at the end), scheduler
//! latency (long runnable waits, Ps idle while goroutines were runnable),
//! stop-the-world pauses, mark assists by group, long system calls and
//! cgo calls, and contention on channels, mutexes and selects by stack.
//!
//! Thresholds are relative to the trace: each kind keeps its [`TOP`] worst
//! items whatever their size, and a kind with nothing at all says so in a
//! note instead of being silently absent.

mod contention;
mod gc;
mod leaks;
mod report;
mod sched;
mod syscalls;

pub use report::findings_json;

use super::fold::{ByLane, LaneFold, LaneSpan, Tile, TileAccess, TileFold, TileParts};
use crate::model::{GIdx, Trace};
use crate::trace::Time;

/// Most items of one kind (or sub-kind) kept.
pub const TOP: usize = 5;
/// Most goroutines listed in a finding.
pub const MAX_GOROUTINES: usize = 20;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// Goroutines still blocked at the end of the trace.
    Leak,
    /// Scheduler latency: long runnable waits, idle Ps with runnable goroutines.
    SchedLatency,
    /// A stop-the-world pause.
    Stw,
    /// A goroutine group whose execution went to mark assist.
    Gc,
    /// A long system call or cgo call.
    Syscall,
    /// A stack where goroutines spent much time blocked on sync.
    Contention,
}

impl FindingKind {
    /// Every kind, in the order of the notes.
    pub const ALL: [FindingKind; 6] = [
        FindingKind::Leak,
        FindingKind::SchedLatency,
        FindingKind::Stw,
        FindingKind::Gc,
        FindingKind::Syscall,
        FindingKind::Contention,
    ];

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Leak => "leak",
            FindingKind::SchedLatency => "sched-latency",
            FindingKind::Stw => "stw",
            FindingKind::Gc => "gc",
            FindingKind::Syscall => "syscall",
            FindingKind::Contention => "contention",
        }
    }
}

/// One finding: what, when, who, and how much it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Kind.
    pub kind: FindingKind,
    /// Start of its time range.
    pub start_ns: Time,
    /// End of its time range.
    pub end_ns: Time,
    /// Its length: the wait, the pause, the call; for a leak the longest
    /// time blocked; for mark assist and contention the total time.
    pub duration_ns: Time,
    /// How many goroutines (leak, gc), waits (contention) or items.
    pub count: u64,
    /// For a leak, the innermost frame outside the runtime where they
    /// block; otherwise the start function of the goroutine concerned.
    pub function: String,
    /// Goroutines concerned (at most [`MAX_GOROUTINES`]).
    pub goroutines: Vec<GIdx>,
    /// One line for a person.
    pub text: String,
    /// Goroutine time it cost, for ranking across kinds.
    pub impact_ns: Time,
}

/// Every finding of a trace, worst first, and one note per kind that has none.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Findings ranked by impact.
    pub findings: Vec<Finding>,
    /// Kinds with nothing to report, and why.
    pub notes: Vec<(FindingKind, String)>,
}

impl Findings {
    /// The findings of one kind, in rank order.
    pub fn of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// Folds the tiles of a trace into its findings (see [`super::fold`]):
/// one pass over every goroutine span, the procs' intervals and the
/// overview, then a few look-ups in the tiles.
pub struct FindingsFold {
    lanes: ByLane<LaneFindings>,
    idle: sched::IdleSweep,
}

impl FindingsFold {
    /// An empty fold for the trace whose overview is `overview`.
    pub fn new(overview: &Trace) -> FindingsFold {
        let program = overview
            .groups
            .iter()
            .map(|g| !crate::analysis::frames::is_runtime_function(overview.str(g.name)))
            .collect();
        FindingsFold {
            lanes: ByLane::new(LaneFindings {
                program,
                leaks: leaks::Leaks::default(),
                contention: contention::Contention::new(overview),
                waits: sched::RunnableWaits::default(),
                calls: syscalls::Syscalls::new(),
                assists: gc::Assists::new(overview),
            }),
            idle: sched::IdleSweep::new(overview),
        }
    }

    /// Every finding, worst first, and one note per kind that has none;
    /// `tiles` gives the detail a few of them look up.
    pub fn finish(self, tiles: &dyn TileAccess) -> Findings {
        let t = tiles.overview();
        let lanes = self.lanes.finish(t);
        let mut sched = lanes.waits.finish(t);
        sched.extend(self.idle.finish(t));
        let parts: [(FindingKind, Vec<Finding>, &str); 6] = [
            (
                FindingKind::Leak,
                lanes.leaks.finish(t),
                "no goroutine of the program is blocked at the end of the trace",
            ),
            (
                FindingKind::SchedLatency,
                sched,
                "no goroutine was ever runnable",
            ),
            (
                FindingKind::Stw,
                gc::stw_pauses(t),
                "no stop-the-world pause in the trace",
            ),
            (
                FindingKind::Gc,
                lanes.assists.finish(t),
                "no goroutine was charged mark assist",
            ),
            (
                FindingKind::Syscall,
                lanes.calls.finish(tiles),
                "no system call that ended in the trace",
            ),
            (
                FindingKind::Contention,
                lanes.contention.finish(t),
                "no goroutine blocked on a channel, mutex or select",
            ),
        ];
        let mut out = Findings::default();
        for (kind, found, none) in parts {
            if found.is_empty() {
                out.notes.push((kind, none.to_string()));
            }
            out.findings.extend(found);
        }
        out.findings.sort_by(|a, b| {
            b.impact_ns
                .cmp(&a.impact_ns)
                .then(a.kind.cmp(&b.kind))
                .then(a.start_ns.cmp(&b.start_ns))
        });
        out
    }
}

impl TileFold for FindingsFold {
    fn parts(&self) -> TileParts {
        TileParts::Machines
    }

    fn tile(&mut self, tile: &Tile<'_>) {
        self.lanes.tile(tile);
        self.idle.tile(tile);
    }
}

/// The findings made of each goroutine's spans.
struct LaneFindings {
    /// Per goroutine group: whether it is the program's (not the runtime's).
    program: Vec<bool>,
    leaks: leaks::Leaks,
    contention: contention::Contention,
    waits: sched::RunnableWaits,
    calls: syscalls::Syscalls,
    assists: gc::Assists,
}

/// What the findings remember of a goroutine between its spans.
#[derive(Default)]
struct FindingsLane {
    /// Its longest runnable-to-running wait so far.
    longest_wait: Time,
    /// The system call it is in.
    call: Option<syscalls::Call>,
    /// Its time blocked at each contended stack so far.
    contended: contention::Blocked,
}

impl LaneFold for LaneFindings {
    type Lane = FindingsLane;

    fn parts(&self) -> TileParts {
        TileParts::Machines
    }

    fn span(&mut self, g: GIdx, lane: &mut FindingsLane, s: &LaneSpan, t: &Trace) {
        self.assists.span(g, s, t);
        if !self.is_program(t, g) {
            return;
        }
        self.leaks.span(g, s, t);
        self.contention.span(&mut lane.contended, s);
        self.waits.span(g, &mut lane.longest_wait, s, t);
        self.calls.span(g, &mut lane.call, s, t);
    }

    fn end(&mut self, g: GIdx, lane: FindingsLane, t: &Trace) {
        if self.is_program(t, g) {
            self.waits.end(g, lane.longest_wait, t);
            self.contention.end(g, lane.contended);
        }
    }
}

impl LaneFindings {
    /// Whether goroutine `g` is the program's (its start function is not the runtime's).
    fn is_program(&self, t: &Trace, g: GIdx) -> bool {
        let grp = t.goroutines.group(g).unwrap_or(u32::MAX);
        self.program.get(grp as usize).copied().unwrap_or(true)
    }
}

/// Keeps the `n` items with the largest keys (a key holds its own tie
/// breaks, so that the result does not depend on the order items come in);
/// `n` is small, so a plain vector does.
pub(crate) struct TopN<K, T> {
    n: usize,
    items: Vec<(K, T)>,
}

impl<K: Ord, T> TopN<K, T> {
    /// Keeps the top `n`.
    pub fn new(n: usize) -> TopN<K, T> {
        TopN {
            n,
            items: Vec::with_capacity(n + 1),
        }
    }

    /// Offers an item with its key.
    pub fn push(&mut self, key: K, item: T) {
        if self.items.len() == self.n {
            match self.items.iter().map(|x| &x.0).min() {
                Some(weakest) if &key > weakest => {}
                _ => return,
            }
        }
        self.items.push((key, item));
        if self.items.len() > self.n {
            if let Some(i) =
                (0..self.items.len()).min_by(|&a, &b| self.items[a].0.cmp(&self.items[b].0))
            {
                self.items.swap_remove(i);
            }
        }
    }

    /// The items, largest key first.
    pub fn into_sorted(mut self) -> Vec<(K, T)> {
        self.items.sort_by(|a, b| b.0.cmp(&a.0));
        self.items
    }
}

/// The goroutines with the most time, at most [`MAX_GOROUTINES`], each
/// offered once with its total: a few kept of millions.
pub(crate) struct TopGoroutines {
    top: TopN<(Time, std::cmp::Reverse<GIdx>), ()>,
    /// How many were offered.
    pub count: u64,
}

impl Default for TopGoroutines {
    fn default() -> Self {
        TopGoroutines {
            top: TopN::new(MAX_GOROUTINES),
            count: 0,
        }
    }
}

impl TopGoroutines {
    /// Offers goroutine `g` with its time.
    pub fn push(&mut self, g: GIdx, time: Time) {
        self.count += 1;
        self.top.push((time, std::cmp::Reverse(g)), ());
    }

    /// The goroutines with the most time first (ties: the first in the table).
    pub fn into_sorted(self) -> Vec<GIdx> {
        self.top
            .into_sorted()
            .into_iter()
            .map(|((_, g), ())| g.0)
            .collect()
    }
}

/// The goroutines of `gs` with the most time, at most [`MAX_GOROUTINES`].
pub(crate) fn top_goroutines(mut gs: Vec<(GIdx, Time)>) -> Vec<GIdx> {
    gs.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    gs.dedup_by_key(|g| g.0);
    gs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    gs.into_iter().take(MAX_GOROUTINES).map(|g| g.0).collect()
}

/// "1 wait", "3 waits".
pub(crate) fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::TopN;

    #[test]
    fn top_n_keeps_the_largest_whatever_the_order() {
        let items = [(5, 'a'), (1, 'b'), (9, 'c'), (5, 'd'), (7, 'e'), (9, 'f')];
        let top = |order: &mut dyn Iterator<Item = &(i32, char)>| {
            let mut t = TopN::new(3);
            for &(k, x) in order {
                t.push((k, std::cmp::Reverse(x)), x);
            }
            t.into_sorted().into_iter().map(|e| e.1).collect::<Vec<_>>()
        };
        assert_eq!(top(&mut items.iter()), vec!['c', 'f', 'e']);
        assert_eq!(top(&mut items.iter().rev()), vec!['c', 'f', 'e']);
    }
}
