//! Where the two stacked timelines of the Compare view line up: each
//! trace's start, or the same instance (the n-th by start) of a region or
//! task type, of a goroutine group or of the GC in both traces.

use super::DistPick;
use crate::model::{GIdx, Trace};
use crate::trace::Time;

/// What the two timelines are aligned on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Align {
    /// Each trace from its own start.
    #[default]
    Starts,
    /// The `n`-th instance (from 0, by start) of a region or task type.
    Instance {
        /// The type.
        of: DistPick,
        /// Which instance.
        n: usize,
    },
    /// The first goroutine of the group of this start function.
    Group(String),
    /// The first GC mark phase.
    Gc,
}

/// One instance in one trace: when it ran, and on which goroutine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    /// Start.
    pub start: Time,
    /// End (the trace's end if it never ended).
    pub end: Time,
    /// The goroutine it ran on (a region's, a task's first, a group's).
    pub g: Option<GIdx>,
}

/// The instances of a region or task type with a start, by start.
pub fn instances(t: &Trace, of: &DistPick) -> Vec<Instance> {
    let mut v: Vec<Instance> = match of {
        DistPick::Region(name) => t
            .regions
            .iter()
            .filter(|r| r.has_start && t.str(r.name) == name)
            .map(|r| Instance {
                start: r.start,
                end: r.end,
                g: Some(r.g),
            })
            .collect(),
        DistPick::Task(name) => t
            .tasks
            .iter()
            .filter(|k| t.str(k.name) == name)
            .filter_map(|k| {
                let start = k.start?;
                Some(Instance {
                    start,
                    end: k.end.unwrap_or(t.meta.end).max(start),
                    g: k.start_g,
                })
            })
            .collect(),
    };
    v.sort_by_key(|i| (i.start, i.end));
    v
}

/// The instance `align` names in `t`, if `t` has it (`None` for
/// [`Align::Starts`]).
pub fn instance(t: &Trace, align: &Align) -> Option<Instance> {
    match align {
        Align::Starts => None,
        Align::Instance { of, n } => instances(t, of).get(*n).copied(),
        Align::Group(name) => {
            let group = t.groups.iter().find(|g| t.str(g.name) == name)?;
            let &g = group.members.first()?;
            let start = t.goroutines.created(g);
            let end = t.lanes.get(g).map_or(start, |l| l.end).max(start);
            Some(Instance {
                start,
                end,
                g: Some(g),
            })
        }
        Align::Gc => t.gc.first().map(|r| Instance {
            start: r.start,
            end: r.end,
            g: None,
        }),
    }
}

/// The region and task types both traces have, regions first, by name.
pub fn common_types(a: &Trace, b: &Trace) -> Vec<DistPick> {
    use std::collections::BTreeSet;
    let regions = |t: &Trace| -> BTreeSet<String> {
        let names: BTreeSet<_> = t.regions.iter().map(|r| r.name).collect();
        names.into_iter().map(|n| t.str(n).to_string()).collect()
    };
    let tasks = |t: &Trace| -> BTreeSet<String> {
        let names: BTreeSet<_> = t.tasks.iter().map(|k| k.name).collect();
        names
            .into_iter()
            .map(|n| t.str(n).to_string())
            .filter(|n| !n.is_empty())
            .collect()
    };
    let mut v: Vec<DistPick> = regions(a)
        .intersection(&regions(b))
        .cloned()
        .map(DistPick::Region)
        .collect();
    v.extend(
        tasks(a)
            .intersection(&tasks(b))
            .cloned()
            .map(DistPick::Task),
    );
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_path, Progress};
    use std::sync::atomic::AtomicBool;

    fn trace(name: &str) -> std::sync::Arc<Trace> {
        let p = format!("{}/testdata/compare/{name}", env!("CARGO_MANIFEST_DIR"));
        let never = AtomicBool::new(false);
        load_path(std::path::Path::new(&p), &Progress::default(), &never)
            .expect("loads")
            .trace
    }

    #[test]
    fn instances_of_a_region_type_are_in_order_of_start() {
        let t = trace("compare_lock_go127.trace");
        let v = instances(&t, &DistPick::Region("lockedUpdate".into()));
        assert!(v.len() > 10, "{} instances", v.len());
        assert!(v.windows(2).all(|w| w[0].start <= w[1].start));
        assert!(v.iter().all(|i| i.end >= i.start && i.g.is_some()));
        let n = Align::Instance {
            of: DistPick::Region("lockedUpdate".into()),
            n: 3,
        };
        assert_eq!(instance(&t, &n), Some(v[3]));
        assert_eq!(instance(&t, &Align::Starts), None);
    }

    #[test]
    fn the_types_of_a_pair_include_its_changed_region() {
        let (a, b) = (
            trace("compare_base_go127.trace"),
            trace("compare_lock_go127.trace"),
        );
        let types = common_types(&a, &b);
        assert!(types.contains(&DistPick::Region("lockedUpdate".into())));
        let g = instance(&a, &Align::Group("main.lockWorker".into())).expect("the group");
        assert!(g.g.is_some() && g.end >= g.start);
    }
}
