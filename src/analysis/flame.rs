//! Flame graph trees: weighted stacks (CPU samples, blocking profile
//! records) merged by function from the root down, with self and total
//! weight per node, and the flat "top" table.

use crate::model::{StackId, StrId, Trace};
use rustc_hash::FxHashMap;

/// A node of the tree: one function at one position of the call path.
#[derive(Debug, Clone)]
pub struct FlameNode {
    /// Function name.
    pub func: StrId,
    /// Weight of all stacks through this node.
    pub total: i64,
    /// Weight of stacks ending here.
    pub self_weight: i64,
    /// Number of samples through this node.
    pub count: u64,
    /// Children (indexes into [`FlameTree::nodes`]), heaviest first.
    pub children: Vec<u32>,
    /// Depth (root = 0).
    pub depth: u16,
}

/// A flame graph: node 0 is the root ("all").
#[derive(Debug, Clone)]
pub struct FlameTree {
    /// Nodes; 0 is the root.
    pub nodes: Vec<FlameNode>,
}

impl FlameTree {
    /// Builds the tree from (stack, weight, count) triples.
    pub fn build(
        trace: &Trace,
        samples: impl IntoIterator<Item = (StackId, i64, u64)>,
    ) -> FlameTree {
        let mut nodes = vec![FlameNode {
            func: 0,
            total: 0,
            self_weight: 0,
            count: 0,
            children: Vec::new(),
            depth: 0,
        }];
        let mut child_of: FxHashMap<(u32, StrId), u32> = FxHashMap::default();
        for (stack, w, c) in samples {
            nodes[0].total = nodes[0].total.saturating_add(w);
            nodes[0].count += c;
            let mut cur = 0u32;
            // Stacks are innermost first; the tree grows from the outermost.
            let frames: Vec<StrId> = trace.stacks.frames_of(stack).map(|f| f.func).collect();
            for &func in frames.iter().rev() {
                let next = match child_of.get(&(cur, func)) {
                    Some(&n) => n,
                    None => {
                        let n = nodes.len() as u32;
                        let depth = nodes[cur as usize].depth.saturating_add(1);
                        nodes.push(FlameNode {
                            func,
                            total: 0,
                            self_weight: 0,
                            count: 0,
                            children: Vec::new(),
                            depth,
                        });
                        nodes[cur as usize].children.push(n);
                        child_of.insert((cur, func), n);
                        n
                    }
                };
                nodes[next as usize].total = nodes[next as usize].total.saturating_add(w);
                nodes[next as usize].count += c;
                cur = next;
            }
            nodes[cur as usize].self_weight = nodes[cur as usize].self_weight.saturating_add(w);
        }
        let totals: Vec<i64> = nodes.iter().map(|n| n.total).collect();
        for n in &mut nodes {
            n.children
                .sort_by(|a, b| totals[*b as usize].cmp(&totals[*a as usize]));
        }
        FlameTree { nodes }
    }

    /// Total weight.
    pub fn total(&self) -> i64 {
        self.nodes[0].total
    }
}

/// One row of the flat profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopRow {
    /// Function.
    pub func: StrId,
    /// Weight where the function is the innermost frame.
    pub flat: i64,
    /// Weight where the function is on the stack (counted once per stack).
    pub cum: i64,
    /// Samples with the function on the stack.
    pub count: u64,
}

/// The flat/cumulative table by function, heaviest cumulative first.
pub fn top_table(
    trace: &Trace,
    samples: impl IntoIterator<Item = (StackId, i64, u64)>,
) -> Vec<TopRow> {
    let mut rows: FxHashMap<StrId, TopRow> = FxHashMap::default();
    for (stack, w, c) in samples {
        let frames: Vec<StrId> = trace.stacks.frames_of(stack).map(|f| f.func).collect();
        if let Some(&leaf) = frames.first() {
            let r = rows.entry(leaf).or_insert(TopRow {
                func: leaf,
                flat: 0,
                cum: 0,
                count: 0,
            });
            r.flat = r.flat.saturating_add(w);
        }
        let mut seen: Vec<StrId> = Vec::with_capacity(frames.len());
        for f in frames {
            if seen.contains(&f) {
                continue;
            }
            seen.push(f);
            let r = rows.entry(f).or_insert(TopRow {
                func: f,
                flat: 0,
                cum: 0,
                count: 0,
            });
            r.cum = r.cum.saturating_add(w);
            r.count += c;
        }
    }
    let mut v: Vec<TopRow> = rows.into_values().collect();
    v.sort_by(|a, b| {
        b.cum
            .cmp(&a.cum)
            .then(b.flat.cmp(&a.flat))
            .then(a.func.cmp(&b.func))
    });
    v
}

/// CPU samples as (stack, weight = 1 sample, count 1), optionally limited to
/// some goroutines and a time range.
pub fn cpu_samples(
    trace: &Trace,
    goroutines: Option<&[crate::model::GIdx]>,
    range: Option<(crate::trace::Time, crate::trace::Time)>,
) -> Vec<(StackId, i64, u64)> {
    trace
        .cpu_samples
        .iter()
        .filter(|s| goroutines.is_none_or(|gs| s.g.is_some_and(|g| gs.contains(&g))))
        .filter(|s| range.is_none_or(|(a, b)| s.time >= a && s.time < b))
        .map(|s| (s.stack, 1, 1))
        .collect()
}
