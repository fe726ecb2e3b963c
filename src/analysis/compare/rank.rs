//! Which differences between two traces are changes, and their order.
//!
//! A candidate is a metric of something matched by name: a region or task
//! type's p50 or p90 latency, a goroutine group's time running, waiting
//! for a P, in syscalls or blocked for one reason, the blocking time of
//! one profile at one function, or the GC's mark, stop-the-world and
//! mark-assist time. Its effect on time is what it added or removed:
//! a region's p50 growth times its instances (so 300 µs over 1,000
//! instances outranks 2 ms once), a p90's growth times a tenth of them,
//! a sum's growth itself.
//!
//! It is a change when it is large and not noise, all of:
//! - it moved by at least [`RELATIVE_FLOOR`] of its value in A;
//! - its effect is at least [`ABSOLUTE_FLOOR_NS`] and
//!   [`DURATION_FLOOR`] of the longer trace;
//! - for a distribution with at least
//!   [`super::significance::MIN_SAMPLES`] values a side (a type's
//!   latencies, a group's per-goroutine times), the Mann–Whitney U test
//!   says p < [`super::significance::LEVEL`] (for a group with as many
//!   goroutines on both sides, the Wilcoxon signed-rank test of its
//!   goroutines paired in order of creation); for the GC, the rate of
//!   its cycles (or pauses) changed at that level.
//!
//! What cannot be tested (a smaller distribution, a profile's sum) must
//! be larger instead: [`UNTESTED_RELATIVE_FLOOR`] and
//! [`UNTESTED_DURATION_FLOOR`]. The runtime's own goroutines (the GC's
//! workers, the sweeper, the tracer's) are listed but never a change:
//! their waits follow the trace's length, and a program cannot act on
//! them; nor is the blocking at a stack wholly inside the runtime, or at
//! no stack (which names no place in the program).

use super::side::{DistFigures, GroupFigures};
use super::significance::{mann_whitney, poisson_rates, signed_rank, Significance, MIN_SAMPLES};
use super::{Comparison, Pair};
use crate::analysis::frames::{is_runtime_function, is_standard_library};
use crate::analysis::profiles::ProfileKind;
use crate::format;
use std::collections::BTreeMap;

/// Least relative change: 20% of the value in A.
pub const RELATIVE_FLOOR: f64 = 0.2;

/// Least effect on time: 1 ms.
pub const ABSOLUTE_FLOOR_NS: i64 = 1_000_000;

/// Least effect on time as a share of the longer trace: 3%.
pub const DURATION_FLOOR: f64 = 0.03;

/// Least relative change of what cannot be tested: 50%.
pub const UNTESTED_RELATIVE_FLOOR: f64 = 0.5;

/// Least effect of what cannot be tested, as a share of the longer trace: 10%.
pub const UNTESTED_DURATION_FLOOR: f64 = 0.1;

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A goroutine group (by start function).
    Group,
    /// A region type.
    Region,
    /// A task type.
    Task,
    /// The blocking of one profile at one function.
    Profile(ProfileKind),
    /// The garbage collector.
    Gc,
}

impl ChangeKind {
    /// The name the JSON gives it.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Group => "group",
            ChangeKind::Region => "region",
            ChangeKind::Task => "task",
            ChangeKind::Profile(_) => "profile",
            ChangeKind::Gc => "gc",
        }
    }
}

/// One change between A and B.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What it is about.
    pub kind: ChangeKind,
    /// Its name: the start function, region or task type, function, "GC".
    pub name: String,
    /// Which figure moved ("p50", "block (sync)", "sync delay", "stw").
    pub metric: String,
    /// The figure in A, in ns.
    pub a: i64,
    /// The figure in B, in ns.
    pub b: i64,
    /// Time it added (negative: saved), in ns.
    pub effect_ns: i64,
    /// Instances, goroutines or stacks it is over (B's, else A's).
    pub over: u64,
    /// The test, when it is a distribution that could be tested.
    pub significance: Option<Significance>,
}

impl Change {
    /// B minus A.
    pub fn delta(&self) -> i64 {
        self.b.saturating_sub(self.a)
    }

    /// B over A (`None` when A is zero).
    pub fn ratio(&self) -> Option<f64> {
        (self.a != 0).then(|| self.b as f64 / self.a as f64)
    }

    /// What the instances are called.
    fn noun(&self) -> &'static str {
        match self.kind {
            ChangeKind::Group => "goroutine",
            ChangeKind::Region | ChangeKind::Task => "instance",
            ChangeKind::Profile(_) => "stack",
            ChangeKind::Gc => "cycle",
        }
    }

    /// One line for people.
    pub fn text(&self) -> String {
        let what = match self.kind {
            ChangeKind::Group => format!("group {}", self.name),
            ChangeKind::Region => format!("region {}", self.name),
            ChangeKind::Task => format!("task {}", self.name),
            ChangeKind::Profile(k) => format!("{} in {}", k.title(), self.name),
            ChangeKind::Gc => "GC".to_string(),
        };
        let test = self
            .significance
            .map(|s| format!(", {}", format::p_value(s.p)))
            .unwrap_or_default();
        format!(
            "{what}: {} {} -> {} ({}, {}) over {}{test}; {} in all",
            self.metric,
            format::duration(self.a),
            format::duration(self.b),
            format::duration_delta(self.delta()),
            format::ratio(self.ratio()),
            format::count_of(self.over, self.noun()),
            format::duration_delta(self.effect_ns),
        )
    }
}

/// The floors of a comparison.
struct Floors {
    longest_ns: i64,
}

impl Floors {
    fn new(c: &Comparison) -> Floors {
        Floors {
            longest_ns: c.a.info.duration_ns.max(c.b.info.duration_ns),
        }
    }

    /// Whether `ch` is large, by the floors of what was `tested` or not.
    /// Those of what is tested are the lower: a change that fails them
    /// fails either way, and need not be tested.
    fn large(&self, ch: &Change, tested: bool) -> bool {
        let (relative, share) = if tested {
            (RELATIVE_FLOOR, DURATION_FLOOR)
        } else {
            (UNTESTED_RELATIVE_FLOOR, UNTESTED_DURATION_FLOOR)
        };
        let effect_floor = ABSOLUTE_FLOOR_NS.max((self.longest_ns as f64 * share) as i64);
        let d = ch.delta().unsigned_abs() as f64;
        ch.effect_ns.unsigned_abs() >= effect_floor.unsigned_abs()
            && d >= relative * ch.a.unsigned_abs() as f64
            && d > 0.0
    }
}

/// The ranked changes of a comparison.
pub fn changes(c: &Comparison) -> Vec<Change> {
    let floors = Floors::new(c);
    let mut out = Vec::new();
    for (kind, pairs, a, b) in [
        (ChangeKind::Region, &c.regions, &c.a.regions, &c.b.regions),
        (ChangeKind::Task, &c.tasks, &c.a.tasks, &c.b.tasks),
    ] {
        for p in pairs {
            out.extend(dist_change(kind, p, a, b, &floors));
        }
    }
    for p in c
        .groups
        .iter()
        .filter(|p| !p.name.is_empty() && !is_runtime_function(&p.name))
    {
        out.extend(group_changes(p, &c.a.groups, &c.b.groups, &floors));
    }
    out.extend(profile_changes(c));
    out.extend(gc_changes(c));
    out.retain(|ch| {
        floors.large(ch, ch.significance.is_some())
            && ch.significance.is_none_or(|s| s.significant())
    });
    out.sort_by(|x, y| {
        y.effect_ns
            .unsigned_abs()
            .cmp(&x.effect_ns.unsigned_abs())
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.metric.cmp(&y.metric))
    });
    out
}

/// The latency change of a region or task type: its p50 or its p90,
/// whichever added more time (tested only if large).
fn dist_change(
    kind: ChangeKind,
    p: &Pair,
    a: &[DistFigures],
    b: &[DistFigures],
    floors: &Floors,
) -> Option<Change> {
    let (da, db) = (p.a.map(|i| &a[i]), p.b.map(|i| &b[i]));
    let (Some(da), Some(db)) = (da, db) else {
        // Only on one side: its whole time came or went.
        let (d, sign) = match (da, db) {
            (Some(d), None) => (d, -1),
            (None, Some(d)) => (d, 1),
            _ => return None,
        };
        let (a, b) = if sign > 0 {
            (0, d.total_ns())
        } else {
            (d.total_ns(), 0)
        };
        return Some(Change {
            kind,
            name: p.name.clone(),
            metric: "total".into(),
            a,
            b,
            effect_ns: b - a,
            over: d.count,
            significance: None,
        });
    };
    let n = da.durations_ns.len().max(db.durations_ns.len()) as i64;
    let mut ch = [("p50", 0.5, n), ("p90", 0.9, n / 10)]
        .into_iter()
        .map(|(metric, q, weight)| {
            let (qa, qb) = (da.quantile_ns(q), db.quantile_ns(q));
            Change {
                kind,
                name: p.name.clone(),
                metric: metric.into(),
                a: qa,
                b: qb,
                effect_ns: (qb - qa).saturating_mul(weight),
                over: db.count,
                significance: None,
            }
        })
        .max_by_key(|ch| ch.effect_ns.unsigned_abs())?;
    let testable = testable(&da.durations_ns, &db.durations_ns);
    if testable && floors.large(&ch, true) {
        ch.significance = mann_whitney(&da.durations_ns, &db.durations_ns);
    }
    Some(ch)
}

/// Whether two samples are large enough to test: the tests give a
/// significance exactly then.
fn testable(a: &[i64], b: &[i64]) -> bool {
    a.len() >= MIN_SAMPLES && b.len() >= MIN_SAMPLES
}

/// The changes of a goroutine group: each of its times, per goroutine
/// (tested only if large: a test sorts every goroutine's time, and a group
/// can have tens of millions).
fn group_changes(p: &Pair, a: &[GroupFigures], b: &[GroupFigures], floors: &Floors) -> Vec<Change> {
    let (ga, gb) = (p.a.map(|i| &a[i]), p.b.map(|i| &b[i]));
    let over = gb.or(ga).map_or(0, |g| g.count);
    // Borrowed, not copied: a group can have tens of millions.
    fn samples(g: Option<&GroupFigures>) -> BTreeMap<String, &[i64]> {
        let mut m = BTreeMap::new();
        let Some(g) = g else { return m };
        let s = &g.per_goroutine;
        m.insert("exec".to_string(), s.exec_ns.as_slice());
        m.insert("sched wait".to_string(), s.sched_wait_ns.as_slice());
        m.insert("syscall".to_string(), s.syscall_ns.as_slice());
        for (reason, v) in &s.block_ns {
            m.insert(format!("block ({reason})"), v.as_slice());
        }
        m
    }
    let (sa, sb) = (samples(ga), samples(gb));
    let metrics: std::collections::BTreeSet<&String> = sa.keys().chain(sb.keys()).collect();
    let sum =
        |v: Option<&&[i64]>| v.map_or(0, |v| v.iter().fold(0i64, |a, &x| a.saturating_add(x)));
    metrics
        .into_iter()
        .map(|m| {
            let (va, vb) = (sa.get(m), sb.get(m));
            let (a, b) = (sum(va), sum(vb));
            let mut ch = Change {
                kind: ChangeKind::Group,
                name: p.name.clone(),
                metric: m.clone(),
                a,
                b,
                effect_ns: b.saturating_sub(a),
                over,
                significance: None,
            };
            // A group on one side only has nothing to test against.
            let (Some(ga), Some(gb)) = (ga, gb) else {
                return ch;
            };
            // A metric one side never had is all zeros there.
            let len =
                |v: Option<&&[i64]>, g: &GroupFigures| v.map_or(g.count as usize, |v| v.len());
            let testable = len(va, ga) >= MIN_SAMPLES && len(vb, gb) >= MIN_SAMPLES;
            if testable && floors.large(&ch, true) {
                let zeros = |g: &GroupFigures| vec![0; g.count as usize];
                let (za, zb) = (
                    va.is_none().then(|| zeros(ga)),
                    vb.is_none().then(|| zeros(gb)),
                );
                let xa = va.copied().or(za.as_deref()).unwrap_or_default();
                let xb = vb.copied().or(zb.as_deref()).unwrap_or_default();
                // The same number of goroutines: paired in order of
                // creation (see `signed_rank`).
                ch.significance = signed_rank(xa, xb).or_else(|| mann_whitney(xa, xb));
            }
            ch
        })
        .collect()
}

/// The function a stack is "in" for people: its innermost frame in the
/// program's own code, else outside the runtime; `None` for a stack
/// wholly inside the runtime, or empty.
pub fn user_function(functions: &[String]) -> Option<&str> {
    functions
        .iter()
        .find(|f| !is_standard_library(f))
        .or_else(|| functions.iter().find(|f| !is_runtime_function(f)))
        .map(String::as_str)
}

/// The blocking of each profile at each function, over its stacks.
fn profile_changes(c: &Comparison) -> Vec<Change> {
    let mut out = Vec::new();
    for p in &c.profiles {
        // (A, B, stacks) by function.
        let mut by: BTreeMap<&str, (i64, i64, u64)> = BTreeMap::new();
        for s in &p.stacks {
            let Some(f) = user_function(&s.functions) else {
                continue;
            };
            let e = by.entry(f).or_default();
            e.0 = e.0.saturating_add(s.a_ns);
            e.1 = e.1.saturating_add(s.b_ns);
            e.2 += 1;
        }
        out.extend(by.into_iter().map(|(f, (a, b, n))| Change {
            kind: ChangeKind::Profile(p.kind),
            name: f.to_string(),
            metric: format!("{} delay", p.kind.name()),
            a,
            b,
            effect_ns: b.saturating_sub(a),
            over: n,
            significance: None,
        }));
    }
    out
}

/// The GC's mark, stop-the-world and mark-assist times; whether the GC
/// ran more or less often is tested on the rate of its cycles (of its
/// pauses for the stop-the-world time).
fn gc_changes(c: &Comparison) -> Vec<Change> {
    let (a, b) = (&c.a.gc, &c.b.gc);
    let (da, db) = (c.a.info.duration_ns, c.b.info.duration_ns);
    let cycles = poisson_rates(a.count, da, b.count, db);
    let pauses = poisson_rates(a.stw_count, da, b.stw_count, db);
    [
        ("mark phases", a.mark_ns, b.mark_ns, b.count, cycles),
        ("stop-the-world", a.stw_ns, b.stw_ns, b.stw_count, pauses),
        (
            "mark assist",
            a.mark_assist_ns,
            b.mark_assist_ns,
            b.count,
            cycles,
        ),
    ]
    .into_iter()
    .map(|(metric, a, b, over, significance)| Change {
        kind: ChangeKind::Gc,
        name: "GC".into(),
        metric: metric.into(),
        a,
        b,
        effect_ns: b.saturating_sub(a),
        over,
        significance,
    })
    .collect()
}
