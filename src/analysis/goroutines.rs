//! Goroutine groups by start function with totals per state (the goroutine
//! analysis page of `go tool trace`).

use super::sketch::QuantileSketch;
use super::summary::types::{ExecStats, NameId, Summary};
use crate::format;
use crate::trace::Time;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
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
}

/// A goroutine listed under its group, with its value in each column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// Goroutine ID.
    pub id: i64,
    /// When to show it on the timeline: its first run, else its creation.
    pub at: Time,
    /// Value per column of the table.
    pub values: Vec<i64>,
}

/// One row per group, with totals and percentiles per column.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// Start function.
    pub name: String,
    /// Number of goroutines.
    pub count: u64,
    /// Sum per column.
    pub totals: Vec<i64>,
    /// (p50, p90, p99, max) per column across the members.
    pub quantiles: Vec<[i64; 4]>,
    /// The goroutines listed: all of them when `complete`, else (a big
    /// group of a big trace) the slowest [`TOP_MEMBERS`] by each column.
    pub members: Vec<MemberRow>,
    /// True when `members` holds every goroutine of the group.
    pub complete: bool,
}

/// The goroutine analysis table: columns present in the data, and groups.
#[derive(Debug, Clone)]
pub struct GroupTable {
    /// Columns in display order (non-overlapping breakdown first, then ranges).
    pub columns: Vec<Column>,
    /// Names of the block reasons and ranges of the columns, by [`NameId`].
    pub names: Vec<String>,
    /// Groups, largest total execution first.
    pub groups: Vec<GroupRow>,
    /// Number of goroutines.
    pub goroutines: u64,
    /// True when the percentiles come from sketches (within 0.8%, see
    /// [`QuantileSketch`]) instead of every value.
    pub approximate: bool,
}

impl GroupTable {
    /// The name of a block reason or range.
    pub fn name(&self, k: NameId) -> &str {
        self.names.get(k as usize).map_or("", String::as_str)
    }

    /// Header text of a column.
    pub fn title(&self, c: Column) -> String {
        match c {
            Column::Total => "Total".into(),
            Column::Exec => "Execution".into(),
            Column::SchedWait => "Sched wait".into(),
            Column::Syscall => "Syscall".into(),
            Column::SyscallBlock => "Syscall blocked".into(),
            Column::Block(k) => format!("Block ({})", self.name(k)),
            Column::Unknown => "Unknown".into(),
            Column::Range(k) => self.name(k).to_string(),
        }
    }

    /// Heap bytes used, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.groups
            .iter()
            .map(|g| {
                g.totals.capacity() * 8
                    + g.quantiles.capacity() * 32
                    + g.members
                        .iter()
                        .map(|m| 48 + m.values.capacity() * 8)
                        .sum::<usize>()
            })
            .sum()
    }
}

/// Goroutines a big group lists per column (its slowest by that column).
pub const TOP_MEMBERS: usize = 256;

/// The table's columns for the block reasons and ranges in use, names
/// sorted as `name` gives them.
fn columns_of(
    block: Vec<NameId>,
    ranges: Vec<NameId>,
    name: impl Fn(NameId) -> String,
) -> Vec<Column> {
    let (mut block, mut ranges) = (block, ranges);
    block.sort_by_key(|&k| name(k));
    ranges.sort_by_key(|&k| name(k));
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
    columns
}

/// Sorts groups largest total execution first (then by name).
fn sort_groups(groups: &mut [GroupRow]) {
    groups.sort_by(|a, b| b.totals[1].cmp(&a.totals[1]).then(a.name.cmp(&b.name)));
}

/// Builds the table of a summary (whole trace or a time range), listing
/// every goroutine, with exact percentiles.
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
    let columns = columns_of(block, ranges, |k| s.name(k).to_string());
    let mut by_name: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut groups: Vec<GroupRow> = Vec::new();
    for g in &s.goroutines {
        let gi = *by_name.entry(g.name.as_str()).or_insert_with(|| {
            groups.push(GroupRow {
                name: g.name.clone(),
                count: 0,
                totals: vec![0; columns.len()],
                quantiles: Vec::new(),
                members: Vec::new(),
                complete: true,
            });
            groups.len() - 1
        });
        groups[gi].count += 1;
        groups[gi].members.push(MemberRow {
            id: g.id,
            at: if g.start > 0 { g.start } else { g.creation },
            values: columns.iter().map(|c| c.value(&g.stats)).collect(),
        });
    }
    let mut vals: Vec<i64> = Vec::new();
    for grp in &mut groups {
        for c in 0..columns.len() {
            vals.clear();
            vals.extend(grp.members.iter().map(|m| m.values[c]));
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
    sort_groups(&mut groups);
    GroupTable {
        columns,
        names: s.names.clone(),
        groups,
        goroutines: s.goroutines.len() as u64,
        approximate: false,
    }
}

/// One column of one group being accumulated.
#[derive(Debug)]
struct ColumnAcc {
    col: Column,
    total: i64,
    sketch: QuantileSketch,
    /// Its slowest goroutines: (value, ID) in a min-heap.
    top: BinaryHeap<Reverse<(i64, i64)>>,
}

/// One group being accumulated by [`GroupTableBuilder`].
#[derive(Debug, Default)]
struct GroupAcc {
    name: String,
    count: u64,
    /// Its columns with a value, in order of first use (a few: searched).
    cols: Vec<ColumnAcc>,
    /// The stats of the goroutines in some `top` list, by ID, with the
    /// number of lists they are in.
    kept: FxHashMap<i64, (Time, ExecStats, u32)>,
}

impl GroupAcc {
    fn col(&mut self, c: Column) -> &mut ColumnAcc {
        let i = match self.cols.iter().position(|a| a.col == c) {
            Some(i) => i,
            None => {
                self.cols.push(ColumnAcc {
                    col: c,
                    total: 0,
                    sketch: QuantileSketch::default(),
                    top: BinaryHeap::new(),
                });
                self.cols.len() - 1
            }
        };
        &mut self.cols[i]
    }
}

/// The goroutine table of a big trace, built as goroutines finish, in
/// memory that grows with the number of groups and columns, not of
/// goroutines: sums, quantile sketches and the slowest goroutines by each
/// column.
#[derive(Debug, Default)]
pub struct GroupTableBuilder {
    groups: Vec<GroupAcc>,
    /// Group of each start function name index.
    by_name: FxHashMap<u32, usize>,
    /// The group of the last goroutine added (runs of one group are common).
    last: Option<(u32, usize)>,
}

impl GroupTableBuilder {
    /// Adds a finished goroutine: `id`, the index and text of its start
    /// function's name, when to show it and its stats.
    pub fn add(&mut self, name_idx: u32, name: &str, id: i64, at: Time, st: &ExecStats) {
        let gi = match self.last {
            Some((n, gi)) if n == name_idx => gi,
            _ => {
                let gi = *self.by_name.entry(name_idx).or_insert_with(|| {
                    self.groups.push(GroupAcc {
                        name: name.to_string(),
                        ..GroupAcc::default()
                    });
                    self.groups.len() - 1
                });
                self.last = Some((name_idx, gi));
                gi
            }
        };
        let g = &mut self.groups[gi];
        g.count += 1;
        let cols = [
            Column::Total,
            Column::Exec,
            Column::SchedWait,
            Column::Syscall,
            Column::SyscallBlock,
            Column::Unknown,
        ]
        .into_iter()
        .chain(st.block_ns.iter().map(|x| Column::Block(x.0)))
        .chain(st.range_ns.iter().map(|x| Column::Range(x.0)));
        let mut lists = 0u32;
        for c in cols {
            let v = c.value(st);
            if v == 0 {
                continue;
            }
            let acc = g.col(c);
            acc.total = acc.total.saturating_add(v);
            acc.sketch.add(v);
            let mut out = None;
            if acc.top.len() < TOP_MEMBERS {
                acc.top.push(Reverse((v, id)));
                lists += 1;
            } else if acc.top.peek().is_some_and(|m| (v, id) > m.0) {
                out = acc.top.pop().map(|Reverse((_, out))| out);
                acc.top.push(Reverse((v, id)));
                lists += 1;
            }
            if let Some(out) = out {
                if let Some(k) = g.kept.get_mut(&out) {
                    k.2 -= 1;
                    if k.2 == 0 {
                        g.kept.remove(&out);
                    }
                }
            }
        }
        if lists > 0 {
            g.kept.insert(id, (at, st.clone(), lists));
        }
    }

    /// The table; `names` are the block reasons and ranges by [`NameId`].
    pub fn finish(self, names: Vec<String>) -> GroupTable {
        let name = |k: NameId| names.get(k as usize).cloned().unwrap_or_default();
        let mut block = Vec::new();
        let mut ranges = Vec::new();
        for g in &self.groups {
            for a in &g.cols {
                match a.col {
                    Column::Block(k) if a.total != 0 && !block.contains(&k) => block.push(k),
                    Column::Range(k) if a.total != 0 && !ranges.contains(&k) => ranges.push(k),
                    _ => {}
                }
            }
        }
        let columns = columns_of(block, ranges, name);
        let mut goroutines = 0;
        let mut groups: Vec<GroupRow> = Vec::with_capacity(self.groups.len());
        for mut g in self.groups {
            goroutines += g.count;
            let find = |cols: &[ColumnAcc], c: &Column| cols.iter().position(|a| a.col == *c);
            let totals = columns
                .iter()
                .map(|c| find(&g.cols, c).map_or(0, |i| g.cols[i].total))
                .collect();
            let quantiles = columns
                .iter()
                .map(|c| {
                    let mut sk = find(&g.cols, c)
                        .map(|i| std::mem::take(&mut g.cols[i].sketch))
                        .unwrap_or_default();
                    sk.add_zeros(g.count - sk.count());
                    [
                        sk.quantile(0.5),
                        sk.quantile(0.9),
                        sk.quantile(0.99),
                        sk.max(),
                    ]
                })
                .collect();
            let mut ids: Vec<i64> = g
                .cols
                .iter()
                .flat_map(|a| a.top.iter().map(|r| r.0 .1))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let members: Vec<MemberRow> = ids
                .into_iter()
                .filter_map(|id| {
                    let (at, st, _) = g.kept.get(&id)?;
                    Some(MemberRow {
                        id,
                        at: *at,
                        values: columns.iter().map(|c| c.value(st)).collect(),
                    })
                })
                .collect();
            groups.push(GroupRow {
                complete: members.len() as u64 == g.count,
                name: g.name,
                count: g.count,
                totals,
                quantiles,
                members,
            });
        }
        sort_groups(&mut groups);
        GroupTable {
            columns,
            names,
            groups,
            goroutines,
            approximate: true,
        }
    }
}

/// The group table as text.
pub fn group_table_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<48} {:>7} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13}",
        "Start function",
        "Count",
        "Exec",
        "Sched wait",
        "Block",
        "Syscall",
        "Syscall block",
        "Unknown"
    );
    for g in groups(s) {
        let name = if g.name.is_empty() {
            "(unknown)"
        } else {
            g.name.as_str()
        };
        let _ = writeln!(
            out,
            "{:<48} {:>7} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13}",
            format::truncate(name, 48),
            g.goroutines.len(),
            format::duration(g.total.exec_ns),
            format::duration(g.total.sched_wait_ns),
            format::duration(g.total.block_total_ns()),
            format::duration(g.total.syscall_ns),
            format::duration(g.total.syscall_block_ns),
            format::duration(g.total.unknown_ns()),
        );
        let mut reasons = g.total.block_ns.clone();
        reasons.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (k, v) in reasons.iter().filter(|x| x.1 > 0) {
            let _ = writeln!(
                out,
                "    blocked on {:<36} {:>13}",
                format::truncate(s.name(*k), 36),
                format::duration(*v)
            );
        }
    }
    out
}
