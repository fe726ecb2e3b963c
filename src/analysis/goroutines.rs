//! Goroutine groups by start function with totals per state (the goroutine
//! analysis page of `go tool trace`).

use super::summary::{ExecStats, NameId, Summary};
use std::fmt::Write;

/// Totals of one group of goroutines sharing a start function.
#[derive(Debug, Clone, Default)]
pub struct GroupStats {
    /// Start function.
    pub name: String,
    /// Goroutine IDs in the group.
    pub goroutines: Vec<i64>,
    /// Sum of the members' stats.
    pub total: ExecStats,
}

fn accumulate(into: &mut ExecStats, s: &ExecStats) {
    into.exec_ns = into.exec_ns.saturating_add(s.exec_ns);
    into.sched_wait_ns = into.sched_wait_ns.saturating_add(s.sched_wait_ns);
    into.syscall_ns = into.syscall_ns.saturating_add(s.syscall_ns);
    into.syscall_block_ns = into.syscall_block_ns.saturating_add(s.syscall_block_ns);
    into.total_ns = into.total_ns.saturating_add(s.total_ns);
    for &(k, v) in &s.block_ns {
        match into.block_ns.iter_mut().find(|x| x.0 == k) {
            Some(x) => x.1 = x.1.saturating_add(v),
            None => into.block_ns.push((k, v)),
        }
    }
    for &(k, v) in &s.range_ns {
        match into.range_ns.iter_mut().find(|x| x.0 == k) {
            Some(x) => x.1 = x.1.saturating_add(v),
            None => into.range_ns.push((k, v)),
        }
    }
}

/// Groups goroutines by start function, sorted by total execution time.
pub fn groups(s: &Summary) -> Vec<GroupStats> {
    let mut by_name: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut out: Vec<GroupStats> = Vec::new();
    for g in &s.goroutines {
        let i = *by_name.entry(g.name.as_str()).or_insert_with(|| {
            out.push(GroupStats {
                name: g.name.clone(),
                ..GroupStats::default()
            });
            out.len() - 1
        });
        out[i].goroutines.push(g.id);
        accumulate(&mut out[i].total, &g.stats);
    }
    out.sort_by(|a, b| {
        b.total
            .exec_ns
            .cmp(&a.total.exec_ns)
            .then(a.name.cmp(&b.name))
    });
    out
}

/// A column of the goroutine table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Lifetime in the trace.
    Total,
    /// Running.
    Exec,
    /// Waiting for a P.
    SchedWait,
    /// In syscalls.
    Syscall,
    /// In syscalls without a P.
    SyscallBlock,
    /// Blocked for one reason (index into `Summary::names`).
    Block(NameId),
    /// Not accounted for.
    Unknown,
    /// In a special range (GC mark assist, STW...).
    Range(NameId),
}

impl Column {
    /// The column's value for one goroutine.
    pub fn value(self, s: &ExecStats) -> i64 {
        let find = |v: &[(NameId, i64)], k: NameId| v.iter().find(|x| x.0 == k).map_or(0, |x| x.1);
        match self {
            Column::Total => s.total_ns,
            Column::Exec => s.exec_ns,
            Column::SchedWait => s.sched_wait_ns,
            Column::Syscall => s.syscall_ns,
            Column::SyscallBlock => s.syscall_block_ns,
            Column::Block(k) => find(&s.block_ns, k),
            Column::Unknown => s.unknown_ns(),
            Column::Range(k) => find(&s.range_ns, k),
        }
    }

    /// Header text.
    pub fn title(self, summary: &Summary) -> String {
        match self {
            Column::Total => "Total".into(),
            Column::Exec => "Execution".into(),
            Column::SchedWait => "Sched wait".into(),
            Column::Syscall => "Syscall".into(),
            Column::SyscallBlock => "Syscall blocked".into(),
            Column::Block(k) => format!("Block ({})", summary.name(k)),
            Column::Unknown => "Unknown".into(),
            Column::Range(k) => summary.name(k).to_string(),
        }
    }
}

/// One row per group, with totals and percentiles per column.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// Start function.
    pub name: String,
    /// Indexes into `Summary::goroutines`.
    pub members: Vec<usize>,
    /// Sum per column.
    pub totals: Vec<i64>,
    /// (p50, p90, p99, max) per column across the members.
    pub quantiles: Vec<[i64; 4]>,
}

/// The goroutine analysis table: columns present in the data, and groups.
#[derive(Debug, Clone)]
pub struct GroupTable {
    /// Columns in display order (non-overlapping breakdown first, then ranges).
    pub columns: Vec<Column>,
    /// Groups, largest total execution first.
    pub groups: Vec<GroupRow>,
}

/// Builds the table of a summary (whole trace or a time range).
pub fn group_table(s: &Summary) -> GroupTable {
    let mut block: Vec<NameId> = Vec::new();
    let mut ranges: Vec<NameId> = Vec::new();
    for g in &s.goroutines {
        for &(k, v) in &g.stats.block_ns {
            if v != 0 && !block.contains(&k) {
                block.push(k);
            }
        }
        for &(k, v) in &g.stats.range_ns {
            if v != 0 && !ranges.contains(&k) {
                ranges.push(k);
            }
        }
    }
    block.sort_by(|a, b| s.name(*a).cmp(s.name(*b)));
    ranges.sort_by(|a, b| s.name(*a).cmp(s.name(*b)));
    let mut columns = vec![
        Column::Total,
        Column::Exec,
        Column::SchedWait,
        Column::Syscall,
        Column::SyscallBlock,
    ];
    columns.extend(block.into_iter().map(Column::Block));
    columns.push(Column::Unknown);
    columns.extend(ranges.into_iter().map(Column::Range));

    let mut by_name: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut groups: Vec<GroupRow> = Vec::new();
    for (i, g) in s.goroutines.iter().enumerate() {
        let gi = *by_name.entry(g.name.as_str()).or_insert_with(|| {
            groups.push(GroupRow {
                name: g.name.clone(),
                members: Vec::new(),
                totals: vec![0; columns.len()],
                quantiles: Vec::new(),
            });
            groups.len() - 1
        });
        groups[gi].members.push(i);
    }
    for grp in &mut groups {
        let mut vals: Vec<i64> = Vec::with_capacity(grp.members.len());
        for (c, col) in columns.iter().enumerate() {
            vals.clear();
            vals.extend(
                grp.members
                    .iter()
                    .map(|&m| col.value(&s.goroutines[m].stats)),
            );
            grp.totals[c] = vals.iter().fold(0i64, |a, &v| a.saturating_add(v));
            vals.sort_unstable();
            grp.quantiles.push([
                super::histogram::quantile(&vals, 0.5),
                super::histogram::quantile(&vals, 0.9),
                super::histogram::quantile(&vals, 0.99),
                vals.last().copied().unwrap_or(0),
            ]);
        }
    }
    groups.sort_by(|a, b| b.totals[1].cmp(&a.totals[1]).then(a.name.cmp(&b.name)));
    GroupTable { columns, groups }
}

fn ms(ns: i64) -> String {
    format!("{:.3}", ns as f64 / 1e6)
}

/// The group table as text (durations in milliseconds).
pub fn group_table_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<48} {:>7} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "Start function",
        "Count",
        "Exec ms",
        "Sched ms",
        "Block ms",
        "Syscall ms",
        "Sys-blk ms",
        "Unknown ms"
    );
    for g in groups(s) {
        let name = if g.name.is_empty() {
            "(unknown)"
        } else {
            g.name.as_str()
        };
        let _ = writeln!(
            out,
            "{:<48} {:>7} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
            truncate(name, 48),
            g.goroutines.len(),
            ms(g.total.exec_ns),
            ms(g.total.sched_wait_ns),
            ms(g.total.block_total_ns()),
            ms(g.total.syscall_ns),
            ms(g.total.syscall_block_ns),
            ms(g.total.unknown_ns()),
        );
        let mut reasons = g.total.block_ns.clone();
        reasons.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (k, v) in reasons.iter().filter(|x| x.1 > 0) {
            let _ = writeln!(
                out,
                "    blocked on {:<36} {:>12}",
                truncate(s.name(*k), 36),
                ms(*v)
            );
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{t}…")
    }
}
