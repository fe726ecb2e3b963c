//! The analyses behind the goroutine, task/region and CPU views, on the
//! committed scenario traces: the figures a user reads there.

mod common;

use gotraceview::analysis::annotations::{
    region_types, search_logs, task_timeline, task_types, TaskItem,
};
use gotraceview::analysis::flame::{cpu_samples, top_table, FlameTree};
use gotraceview::analysis::goroutines::{group_table, group_table_listing, Column, TOP_MEMBERS};
use gotraceview::analysis::range_stats::state_totals;
use gotraceview::analysis::summary::GoroutineAnalysis;
use gotraceview::load::{load_bytes, LoadedTrace, Progress};
use std::sync::atomic::AtomicBool;

fn load(name: &str) -> LoadedTrace {
    let path = common::testdata().join("traces").join(name);
    let data = std::fs::read(&path).expect("read");
    load_bytes(name, &data, &Progress::default(), &AtomicBool::new(false)).expect("load")
}

#[test]
fn the_group_table_of_the_records_equals_the_one_of_the_expanded_summary() {
    let files = common::traces(&["traces", "v1"]);
    assert!(files.len() > 20);
    for f in files {
        let (l, name) = (common::load(&f), common::name(&f));
        let GoroutineAnalysis::Records(records) = &l.goroutine_analysis else {
            panic!("{name}: the load kept every goroutine's figures");
        };
        let expanded = records.expand();
        assert_eq!(group_table(records), group_table(&expanded), "{name}");
        assert_eq!(
            group_table_listing(records, 3),
            group_table_listing(&expanded, 3),
            "{name}"
        );
    }
}

#[test]
fn a_big_group_lists_its_slowest_by_each_column_and_sums_every_goroutine() {
    let l = load("stall_go127.trace");
    let summary = l.summary().expect("every goroutine's figures");
    let all = group_table(summary);
    let some = group_table_listing(summary, 1_000);
    let (a, s) = (
        all.groups.iter().find(|g| g.name == "main.handleStream"),
        some.groups.iter().find(|g| g.name == "main.handleStream"),
    );
    let (a, s) = (a.expect("group"), s.expect("group"));
    assert!(a.complete && !s.complete);
    assert_eq!(
        (a.count, &a.totals, &a.quantiles),
        (s.count, &s.totals, &s.quantiles)
    );
    assert!(s.members.len() < a.members.len());
    for m in &s.members {
        assert!(a.members.contains(m), "{} as listed in full", m.id);
    }
    for c in 0..all.columns.len() {
        let mut sorted: Vec<i64> = a.members.iter().map(|m| m.values[c]).collect();
        sorted.sort_unstable();
        let q = |q| gotraceview::analysis::histogram::quantile(&sorted, q);
        let max = sorted.last().copied().unwrap_or(0);
        assert_eq!(a.quantiles[c], [q(0.5), q(0.9), q(0.99), max], "column {c}");
        let mut by_value: Vec<i64> = a.members.iter().map(|m| m.values[c]).collect();
        by_value.sort_unstable_by(|x, y| y.cmp(x));
        by_value.retain(|&v| v != 0);
        by_value.truncate(TOP_MEMBERS);
        let mut listed: Vec<i64> = s.members.iter().map(|m| m.values[c]).collect();
        listed.sort_unstable_by(|x, y| y.cmp(x));
        listed.truncate(by_value.len());
        assert_eq!(listed, by_value, "column {c}: the slowest are listed");
    }
}

#[test]
fn goroutine_groups_show_the_stalled_streams() {
    let l = load("stall_go127.trace");
    let summary = l.summary().expect("every goroutine's figures");
    let table = group_table(summary);
    let g = table
        .groups
        .iter()
        .find(|g| g.name == "main.handleStream")
        .expect("handleStream group");
    assert_eq!(g.members.len(), 10_000);
    assert_eq!(g.count, 10_000);
    assert!(g.complete);
    let select = table
        .columns
        .iter()
        .position(|c| matches!(c, Column::Block(k) if summary.name(*k) == "select"))
        .expect("select column");
    // Four stalled streams waited about a second each.
    assert!(
        g.totals[select] > 3_500_000_000,
        "select block {}",
        g.totals[select]
    );
    assert!(
        g.quantiles[select][3] > 900_000_000,
        "max select wait {}",
        g.quantiles[select][3]
    );
    for (c, q) in g.quantiles.iter().enumerate() {
        assert!(
            q[0] <= q[1] && q[1] <= q[2] && q[2] <= q[3],
            "column {c}: {q:?}"
        );
        let sum: i64 = g.members.iter().map(|m| m.values[c]).sum();
        assert_eq!(sum, g.totals[c]);
    }
}

#[test]
fn range_summary_covers_the_range() {
    let l = load("stall_go127.trace");
    let t = &l.trace;
    let (t0, t1) = (t.meta.start, t.meta.end);
    let s = l
        .summary_in_range(t0, t1, &AtomicBool::new(false), &|_, _| {})
        .expect("range");
    // Over the whole trace, lane-based times agree with the goroutine
    // analysis (which counts from generation starts) to within a few µs per goroutine.
    let ours: i64 = s.goroutines.iter().map(|g| g.stats.exec_ns).sum();
    let go: i64 = l
        .summary()
        .expect("records")
        .goroutines
        .iter()
        .map(|g| g.stats.exec_ns)
        .sum();
    assert!((ours - go).abs() < 1_000_000, "exec ours {ours} go {go}");
    // A window in the middle: every state total fits in the window.
    let mid = t0 + (t1 - t0) / 2;
    let lanes: Vec<_> = t.goroutines.indexes().collect();
    let st = state_totals(t, &lanes, mid, mid + 1_000_000);
    let alive = s.goroutines.len() as i64;
    assert!(st.by_state.iter().sum::<i64>() <= alive * 1_000_000);
}

#[test]
fn tasks_and_regions_by_type() {
    let l = load("annotations_go127.trace");
    let t = &l.trace;
    let tasks = task_types(t);
    let count = |name: &str| {
        tasks
            .iter()
            .find(|x| t.str(x.name) == name)
            .map_or(0, |x| x.count)
    };
    assert_eq!(count("request"), 240);
    assert_eq!(count("backend"), 240);
    assert_eq!(count("retry"), 60);
    for ty in &tasks {
        assert_eq!(ty.histogram.count, ty.durations.len());
        assert!(ty.durations.windows(2).all(|w| w[0] <= w[1]));
    }
    let regions = region_types(t);
    let total: usize = regions.iter().map(|r| r.count).sum();
    assert_eq!(total, t.regions.len());
    let stuck = regions
        .iter()
        .find(|r| t.str(r.name) == "stuck")
        .expect("stuck region");
    assert_eq!(stuck.durations.len(), 0, "the stuck region never ends");
    // A request task: begins, holds regions on 4 goroutines and logs, ends.
    let req = tasks
        .iter()
        .find(|x| t.str(x.name) == "request")
        .expect("request");
    let tl = task_timeline(t, req.members[0] as usize);
    assert_eq!(tl.items.first().map(|x| &x.1), Some(&TaskItem::Begin));
    assert_eq!(tl.items.last().map(|x| &x.1), Some(&TaskItem::End));
    assert!(tl.items.iter().any(|x| matches!(x.1, TaskItem::Region(_))));
    assert!(tl.goroutines.len() >= 4, "{:?}", tl.goroutines);
    assert!(tl.items.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(!search_logs(t, "503").is_empty());
}

#[test]
fn cpu_flame_graph_adds_up() {
    let l = load("cpuprofile_go127.trace");
    let t = &l.trace;
    let samples = cpu_samples(t, None, None);
    assert!(samples.len() >= 20, "{} samples", samples.len());
    let tree = FlameTree::build(t, samples.clone());
    assert_eq!(tree.total(), samples.len() as i64);
    for n in &tree.nodes {
        let children: i64 = n
            .children
            .iter()
            .map(|&c| tree.nodes[c as usize].total)
            .sum();
        assert_eq!(children + n.self_weight, n.total);
    }
    let top = top_table(t, samples);
    let names: Vec<&str> = top.iter().map(|r| t.str(r.func)).collect();
    assert!(names.iter().any(|n| n.starts_with("main.")), "{names:?}");
    assert!(top.iter().all(|r| r.flat <= r.cum));
}
