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

/// Computes every finding of the trace.
pub fn findings(trace: &Trace) -> Findings {
    let parts: [(FindingKind, Vec<Finding>, &str); 6] = [
        (
            FindingKind::Leak,
            leaks::leaks(trace),
            "no goroutine of the program is blocked at the end of the trace",
        ),
        (
            FindingKind::SchedLatency,
            sched::sched_latency(trace),
            "no goroutine was ever runnable",
        ),
        (
            FindingKind::Stw,
            gc::stw_pauses(trace),
            "no stop-the-world pause in the trace",
        ),
        (
            FindingKind::Gc,
            gc::assists(trace),
            "no goroutine was charged mark assist",
        ),
        (
            FindingKind::Syscall,
            syscalls::syscalls(trace),
            "no system call that ended in the trace",
        ),
        (
            FindingKind::Contention,
            contention::contention(trace),
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

/// Keeps the `n` items with the largest keys (ties: the first seen);
/// `n` is small, so a plain vector does.
pub(crate) struct TopN<T> {
    n: usize,
    /// `(key, sequence number, item)`.
    items: Vec<(Time, usize, T)>,
    seq: usize,
}

impl<T> TopN<T> {
    /// Keeps the top `n`.
    pub fn new(n: usize) -> TopN<T> {
        TopN {
            n,
            items: Vec::with_capacity(n),
            seq: 0,
        }
    }

    /// Offers an item with its key.
    pub fn push(&mut self, key: Time, item: T) {
        self.seq += 1;
        if self.items.len() < self.n {
            self.items.push((key, self.seq, item));
            return;
        }
        // The weakest: smallest key, latest seen among equals.
        let weakest = self
            .items
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
            .map(|(i, x)| (i, x.0));
        if let Some((i, k)) = weakest {
            if key > k {
                self.items[i] = (key, self.seq, item);
            }
        }
    }

    /// The items, largest key first.
    pub fn into_sorted(mut self) -> Vec<(Time, T)> {
        self.items.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.items.into_iter().map(|(k, _, x)| (k, x)).collect()
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

/// Whether goroutine `g` is part of the runtime (its start function is).
pub(crate) fn is_runtime_goroutine(trace: &Trace, g: GIdx) -> bool {
    let name = trace.str(trace.goroutines.name(g as usize));
    crate::analysis::frames::is_runtime_function(name)
}

#[cfg(test)]
mod tests {
    use super::TopN;

    #[test]
    fn top_n_keeps_the_largest_first_seen_on_ties() {
        let mut t = TopN::new(3);
        for (k, x) in [(5, 'a'), (1, 'b'), (9, 'c'), (5, 'd'), (7, 'e'), (9, 'f')] {
            t.push(k, x);
        }
        assert_eq!(t.into_sorted(), vec![(9, 'c'), (9, 'f'), (7, 'e')]);
    }
}
