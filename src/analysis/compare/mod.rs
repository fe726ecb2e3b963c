//! Two traces of one program compared: A (the baseline) and B. Each side's
//! figures are what the single-trace analyses give for it ([`side`]); they
//! are matched by name (goroutine groups by start function, regions and
//! tasks by type, profile stacks by their functions) and the changes that
//! are both large and not noise are ranked by their effect on time
//! ([`rank`]; the floors and the test are stated there and in
//! [`significance`]). A trace compared with itself has no change.

pub mod diff;
pub mod flame;
pub mod json;
pub mod profiles;
pub mod rank;
pub mod side;
pub mod significance;

pub use rank::{Change, ChangeKind};
pub use side::SideFigures;

use crate::analysis::profiles::ProfileKind;
use std::collections::BTreeMap;

/// Something found by name in A, B or both: its index in each side's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The name both sides share.
    pub name: String,
    /// Index in A's list, if A has it.
    pub a: Option<usize>,
    /// Index in B's list, if B has it.
    pub b: Option<usize>,
}

/// Matches two lists by name, in name order.
fn pair_by_name<T>(a: &[T], b: &[T], name: impl Fn(&T) -> &str) -> Vec<Pair> {
    let mut by: BTreeMap<&str, (Option<usize>, Option<usize>)> = BTreeMap::new();
    for (i, x) in a.iter().enumerate() {
        by.entry(name(x)).or_default().0 = Some(i);
    }
    for (i, x) in b.iter().enumerate() {
        by.entry(name(x)).or_default().1 = Some(i);
    }
    by.into_iter()
        .map(|(n, (a, b))| Pair {
            name: n.to_string(),
            a,
            b,
        })
        .collect()
}

/// One stack of a profile in both traces, matched by its functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDelta {
    /// Its functions, leaf first.
    pub functions: Vec<String>,
    /// Time waited there in A.
    pub a_ns: i64,
    /// Time waited there in B.
    pub b_ns: i64,
    /// Waits there in A.
    pub a_count: u64,
    /// Waits there in B.
    pub b_count: u64,
}

/// A blocking profile of both traces over the union of their stacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileDelta {
    /// Which profile.
    pub kind: ProfileKind,
    /// Its stacks, largest change first.
    pub stacks: Vec<StackDelta>,
}

impl ProfileDelta {
    fn new(kind: ProfileKind, a: &SideFigures, b: &SideFigures) -> ProfileDelta {
        let mut by: BTreeMap<Vec<String>, StackDelta> = BTreeMap::new();
        for (side, figures) in [(0, a), (1, b)] {
            let Some(p) = figures.profile(kind) else {
                continue;
            };
            for s in &p.stacks {
                let functions: Vec<String> = s.frames.iter().map(|f| f.func.clone()).collect();
                let e = by.entry(functions.clone()).or_insert(StackDelta {
                    functions,
                    a_ns: 0,
                    b_ns: 0,
                    a_count: 0,
                    b_count: 0,
                });
                if side == 0 {
                    e.a_ns = e.a_ns.saturating_add(s.delay_ns);
                    e.a_count += s.count;
                } else {
                    e.b_ns = e.b_ns.saturating_add(s.delay_ns);
                    e.b_count += s.count;
                }
            }
        }
        let mut stacks: Vec<StackDelta> = by.into_values().collect();
        stacks.sort_by(|x, y| {
            (y.b_ns - y.a_ns)
                .abs()
                .cmp(&(x.b_ns - x.a_ns).abs())
                .then_with(|| x.functions.cmp(&y.functions))
        });
        ProfileDelta { kind, stacks }
    }
}

/// Two traces compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The baseline's figures.
    pub a: SideFigures,
    /// The other trace's figures.
    pub b: SideFigures,
    /// Goroutine groups, matched by start function.
    pub groups: Vec<Pair>,
    /// Region types, matched by name.
    pub regions: Vec<Pair>,
    /// Task types, matched by name.
    pub tasks: Vec<Pair>,
    /// The four blocking profiles over the union of stacks.
    pub profiles: Vec<ProfileDelta>,
    /// What changed, largest effect on time first.
    pub changes: Vec<Change>,
}

/// Compares B with the baseline A.
pub fn compare(a: SideFigures, b: SideFigures) -> Comparison {
    let groups = pair_by_name(&a.groups, &b.groups, |g| g.function.as_str());
    let regions = pair_by_name(&a.regions, &b.regions, |r| r.name.as_str());
    let tasks = pair_by_name(&a.tasks, &b.tasks, |r| r.name.as_str());
    let profiles: Vec<ProfileDelta> = ProfileKind::ALL
        .iter()
        .map(|&k| ProfileDelta::new(k, &a, &b))
        .collect();
    let mut c = Comparison {
        a,
        b,
        groups,
        regions,
        tasks,
        profiles,
        changes: Vec::new(),
    };
    c.changes = rank::changes(&c);
    c
}

impl Comparison {
    /// The profile of `kind` over both traces.
    pub fn profile(&self, kind: ProfileKind) -> Option<&ProfileDelta> {
        self.profiles.iter().find(|p| p.kind == kind)
    }
}
