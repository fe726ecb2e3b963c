//! A differential flame graph's tree: the stacks of a profile of both
//! traces merged root first by function, each node with its time in A and
//! in B. The window draws a node as wide as the larger of the two and
//! coloured by B minus A (growth red, shrink blue, as pprof and
//! speedscope draw them).

use super::ProfileDelta;

/// One node: a function called along one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffNode {
    /// The function ("" for the root).
    pub func: String,
    /// Time under it in A.
    pub a_ns: i64,
    /// Time under it in B.
    pub b_ns: i64,
    /// Its callees (indexes into [`DiffTree::nodes`]), by name.
    pub children: Vec<u32>,
    /// Depth (0 for the root).
    pub depth: u16,
}

impl DiffNode {
    /// B minus A.
    pub fn delta_ns(&self) -> i64 {
        self.b_ns.saturating_sub(self.a_ns)
    }

    /// Its width in the graph: the larger of its two times.
    pub fn weight(&self) -> i64 {
        self.a_ns.max(self.b_ns)
    }
}

/// The merged tree; node 0 is the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffTree {
    /// The nodes.
    pub nodes: Vec<DiffNode>,
}

/// Deepest path kept (the pprof limit of a stack).
const MAX_DEPTH: usize = 128;

impl DiffTree {
    /// The tree of a profile of both traces.
    pub fn new(p: &ProfileDelta) -> DiffTree {
        let mut t = DiffTree {
            nodes: vec![DiffNode {
                func: String::new(),
                a_ns: 0,
                b_ns: 0,
                children: Vec::new(),
                depth: 0,
            }],
        };
        for s in &p.stacks {
            let mut at = 0usize;
            t.add(at, s.a_ns, s.b_ns);
            for (d, f) in s.functions.iter().rev().take(MAX_DEPTH).enumerate() {
                at = t.child(at, f, d as u16 + 1);
                t.add(at, s.a_ns, s.b_ns);
            }
        }
        let n = t.nodes.len();
        for i in 0..n {
            let mut kids = std::mem::take(&mut t.nodes[i].children);
            kids.sort_by(|&x, &y| t.nodes[x as usize].func.cmp(&t.nodes[y as usize].func));
            t.nodes[i].children = kids;
        }
        t
    }

    fn add(&mut self, i: usize, a: i64, b: i64) {
        let n = &mut self.nodes[i];
        n.a_ns = n.a_ns.saturating_add(a);
        n.b_ns = n.b_ns.saturating_add(b);
    }

    fn child(&mut self, parent: usize, func: &str, depth: u16) -> usize {
        if let Some(&c) = self.nodes[parent]
            .children
            .iter()
            .find(|&&c| self.nodes[c as usize].func == func)
        {
            return c as usize;
        }
        let i = self.nodes.len();
        self.nodes.push(DiffNode {
            func: func.to_string(),
            a_ns: 0,
            b_ns: 0,
            children: Vec::new(),
            depth,
        });
        self.nodes[parent].children.push(i as u32);
        i
    }

    /// The root.
    pub fn root(&self) -> &DiffNode {
        &self.nodes[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::StackDelta;
    use crate::analysis::profiles::ProfileKind;

    fn stack(f: &[&str], a_ns: i64, b_ns: i64) -> StackDelta {
        StackDelta {
            functions: f.iter().map(ToString::to_string).collect(),
            a_ns,
            b_ns,
            a_count: 1,
            b_count: 1,
        }
    }

    #[test]
    fn stacks_merge_root_first_with_both_times() {
        let p = ProfileDelta {
            kind: ProfileKind::Sync,
            stacks: vec![
                stack(&["sync.Lock", "main.update", "main.main"], 100, 400),
                stack(&["chanrecv", "main.wait", "main.main"], 50, 10),
            ],
        };
        let t = DiffTree::new(&p);
        assert_eq!((t.root().a_ns, t.root().b_ns), (150, 410));
        let main = &t.nodes[t.root().children[0] as usize];
        assert_eq!((main.func.as_str(), main.depth), ("main.main", 1));
        let names: Vec<&str> = main
            .children
            .iter()
            .map(|&c| t.nodes[c as usize].func.as_str())
            .collect();
        assert_eq!(names, ["main.update", "main.wait"]);
        let wait = &t.nodes[main.children[1] as usize];
        assert_eq!((wait.delta_ns(), wait.weight()), (-40, 50));
    }
}
