//! Goroutine groups by start function with totals per state (the goroutine
//! analysis page of `go tool trace`).

use super::histogram;
use super::sketch::QuantileSketch;
use super::summary::types::{ExecStats, NameId, Summary};
use super::summary::CompactSummary;
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Most goroutines a group lists one by one in [`group_table`]; a bigger
/// group lists its slowest [`TOP_MEMBERS`] by each column (its sums and
/// percentiles are still over every goroutine, exactly). A table of a
/// million rows is of no use to read, and would cost ~130 bytes a row.
pub const LISTED_MEMBERS: usize = 10_000;

/// Every goroutine's figures, as [`group_table`] reads them: goroutines
/// by index, in ID order.
pub trait GoroutineFigures {
    /// Number of goroutines.
    fn count(&self) -> usize;
    /// Names of the block reasons and ranges, by [`NameId`].
    fn names(&self) -> &[String];
    /// The block reasons and ranges some goroutine spent time in.
    fn keys_used(&self) -> (Vec<NameId>, Vec<NameId>);
    /// The start function of goroutine `i` (its group).
    fn start_function(&self, i: usize) -> &str;
    /// Go's ID of goroutine `i`.
    fn id(&self, i: usize) -> i64;
    /// When to show goroutine `i`: its first run, else its creation.
    fn shown_at(&self, i: usize) -> Time;
    /// The value of goroutine `i` in column `c` (`scratch` is reused).
    fn value(&self, i: usize, c: Column, scratch: &mut ExecStats) -> i64;
    /// Every figure of goroutine `i` (made in `scratch` if need be).
    fn stats<'a>(&'a self, i: usize, scratch: &'a mut ExecStats) -> &'a ExecStats;
}

impl GoroutineFigures for Summary {
    fn count(&self) -> usize {
        self.goroutines.len()
    }
    fn names(&self) -> &[String] {
        &self.names
    }
    fn keys_used(&self) -> (Vec<NameId>, Vec<NameId>) {
        let (mut block, mut ranges) = (Vec::new(), Vec::new());
        for g in &self.goroutines {
            for (keys, kvs) in [
                (&mut block, &g.stats.block_ns),
                (&mut ranges, &g.stats.range_ns),
            ] {
                for &(k, v) in kvs {
                    if v != 0 && !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        (block, ranges)
    }
    fn start_function(&self, i: usize) -> &str {
        &self.goroutines[i].name
    }
    fn id(&self, i: usize) -> i64 {
        self.goroutines[i].id
    }
    fn shown_at(&self, i: usize) -> Time {
        let g = &self.goroutines[i];
        if g.start > 0 {
            g.start
        } else {
            g.creation
        }
    }
    fn value(&self, i: usize, c: Column, _: &mut ExecStats) -> i64 {
        c.value(&self.goroutines[i].stats)
    }
    fn stats<'a>(&'a self, i: usize, _: &'a mut ExecStats) -> &'a ExecStats {
        &self.goroutines[i].stats
    }
}

impl GoroutineFigures for CompactSummary {
    fn count(&self) -> usize {
        self.goroutine_count()
    }
    fn names(&self) -> &[String] {
        CompactSummary::names(self)
    }
    fn keys_used(&self) -> (Vec<NameId>, Vec<NameId>) {
        CompactSummary::keys_used(self)
    }
    fn start_function(&self, i: usize) -> &str {
        CompactSummary::start_function(self, i)
    }
    fn id(&self, i: usize) -> i64 {
        CompactSummary::id(self, i)
    }
    fn shown_at(&self, i: usize) -> Time {
        CompactSummary::shown_at(self, i)
    }
    fn value(&self, i: usize, c: Column, scratch: &mut ExecStats) -> i64 {
        match c {
            Column::Total => self.durations(i)[4],
            Column::Exec => self.durations(i)[0],
            Column::SchedWait => self.durations(i)[1],
            Column::Syscall => self.durations(i)[2],
            Column::SyscallBlock => self.durations(i)[3],
            Column::Block(k) => self.keyed_ns(i, true, k),
            Column::Range(k) => self.keyed_ns(i, false, k),
            Column::Unknown => {
                self.stats_into(i, scratch);
                scratch.unknown_ns()
            }
        }
    }
    fn stats<'a>(&'a self, i: usize, scratch: &'a mut ExecStats) -> &'a ExecStats {
        self.stats_into(i, scratch);
        scratch
    }
}

/// Builds the table of a summary (whole trace or a time range), with
/// exact sums and percentiles, listing every goroutine of a group of at
/// most [`LISTED_MEMBERS`].
pub fn group_table(s: &impl GoroutineFigures) -> GroupTable {
    group_table_listing(s, LISTED_MEMBERS)
}

/// The goroutines of each group, in ID order: the groups (start function
/// and size) in order of their first goroutine, and the goroutines'
/// indexes grouped so (`members[starts[k]..starts[k + 1]]`).
struct Grouped<'a> {
    names: Vec<&'a str>,
    starts: Vec<usize>,
    members: Vec<u32>,
}

fn grouped(s: &impl GoroutineFigures) -> Grouped<'_> {
    let n = s.count();
    let mut by_name: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut group_of: Vec<u32> = Vec::with_capacity(n);
    let mut last: Option<(&str, u32)> = None;
    for i in 0..n {
        let name = s.start_function(i);
        let k = match last {
            // Goroutines of one group often come in runs.
            Some((l, k)) if l == name => k,
            _ => *by_name.entry(name).or_insert_with(|| {
                names.push(name);
                names.len() as u32 - 1
            }),
        };
        last = Some((name, k));
        group_of.push(k);
    }
    // A counting sort keeps ID order within each group.
    let mut starts = vec![0usize; names.len() + 1];
    for &k in &group_of {
        starts[k as usize + 1] += 1;
    }
    for k in 0..names.len() {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut members = vec![0u32; n];
    for (i, &k) in group_of.iter().enumerate() {
        members[next[k as usize]] = i as u32;
        next[k as usize] += 1;
    }
    Grouped {
        names,
        starts,
        members,
    }
}

/// The values at sorted positions `ranks` of `vals` (0 when empty),
/// reordering it as selecting them leaves it: each rank's element in its
/// sorted place, the smaller before it and the larger after. A selection a
/// rank, from the largest, each in the part before the last: linear, where
/// sorting a group of a million goroutines for each column was not.
fn values_at_ranks<const N: usize>(vals: &mut [(i64, u32)], ranks: [usize; N]) -> [i64; N] {
    let mut order: [usize; N] = std::array::from_fn(|k| k);
    order.sort_unstable_by_key(|&k| std::cmp::Reverse(ranks[k]));
    let mut out = [0; N];
    let mut end = vals.len();
    for k in order {
        let r = ranks[k];
        if r >= vals.len() {
            continue;
        }
        if r < end {
            vals[..end].select_nth_unstable(r);
            end = r;
        }
        out[k] = vals[r].0;
    }
    out
}

/// [`group_table`], listing every goroutine of groups of at most `listed`
/// (and the slowest [`TOP_MEMBERS`] by each column of bigger ones).
// N.B. one column at a time: a group's values are gathered, its
// percentiles and its slowest selected, then dropped, so the table costs
// about 16 bytes a goroutine while it is made, not a row each.
pub fn group_table_listing(s: &impl GoroutineFigures, listed: usize) -> GroupTable {
    let (block, ranges) = s.keys_used();
    let names = s.names();
    let name = |k: NameId| names.get(k as usize).cloned().unwrap_or_default();
    let columns = columns_of(block, ranges, name);
    let grouped = grouped(s);
    let mut scratch = ExecStats::default();
    let mut groups: Vec<GroupRow> = Vec::with_capacity(grouped.names.len());
    let mut vals: Vec<(i64, u32)> = Vec::new();
    for (k, &group_name) in grouped.names.iter().enumerate() {
        let of = &grouped.members[grouped.starts[k]..grouped.starts[k + 1]];
        let complete = of.len() <= listed;
        let mut totals = Vec::with_capacity(columns.len());
        let mut quantiles = Vec::with_capacity(columns.len());
        // The goroutines listed: all, or the slowest by each column.
        let mut shown: Vec<u32> = if complete { of.to_vec() } else { Vec::new() };
        for &c in &columns {
            vals.clear();
            vals.extend(
                of.iter()
                    .map(|&i| (s.value(i as usize, c, &mut scratch), i)),
            );
            totals.push(vals.iter().fold(0i64, |a, v| a.saturating_add(v.0)));
            let len = vals.len();
            let rank = |q: f64| histogram::quantile_index(len, q).unwrap_or(0);
            let top = len.saturating_sub(TOP_MEMBERS);
            let mut ranks = [rank(0.5), rank(0.9), rank(0.99), len.saturating_sub(1), top];
            // Most goroutines of a group have no time in most columns: when
            // none is negative, the zeros come first sorted, and only the
            // others need selecting (ranks among the zeros give 0).
            let zeros = if vals.iter().all(|v| v.0 >= 0) {
                vals.retain(|v| v.0 != 0);
                let zeros = len - vals.len();
                ranks = ranks.map(|r| r.checked_sub(zeros).unwrap_or(usize::MAX));
                ranks[4] = top.saturating_sub(zeros);
                zeros
            } else {
                0
            };
            let [p50, p90, p99, max, _] = values_at_ranks(&mut vals, ranks);
            quantiles.push([p50, p90, p99, max]);
            if !complete {
                // At and after rank `top`: the slowest (by value, then ID).
                let top = top.saturating_sub(zeros).min(vals.len());
                let slowest = vals[top..].iter().filter(|v| v.0 != 0);
                shown.extend(slowest.map(|v| v.1));
            }
        }
        shown.sort_unstable();
        shown.dedup();
        let members = shown
            .into_iter()
            .map(|i| MemberRow {
                id: s.id(i as usize),
                at: s.shown_at(i as usize),
                values: columns
                    .iter()
                    .map(|&c| s.value(i as usize, c, &mut scratch))
                    .collect(),
            })
            .collect();
        groups.push(GroupRow {
            name: group_name.to_string(),
            count: of.len() as u64,
            totals,
            quantiles,
            members,
            complete,
        });
    }
    sort_groups(&mut groups);
    GroupTable {
        columns,
        names: names.to_vec(),
        groups,
        goroutines: s.count() as u64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_ranks_are_those_of_the_sorted_values() {
        // A few hundred values with repeats, in a scrambled order.
        let vals: Vec<(i64, u32)> = (0..517u32)
            .map(|i| ((i64::from(i) * 7919) % 101 - 20, i))
            .collect();
        let mut sorted = vals.clone();
        sorted.sort_unstable();
        let len = vals.len();
        let ranks = [258, 0, len - 1, 465, 258, 511, 30];
        let mut v = vals.clone();
        let got = values_at_ranks(&mut v, ranks);
        assert_eq!(got, ranks.map(|r| sorted[r].0));
        // After the selections, what follows a rank is what follows it sorted.
        let mut tail = v[465..].to_vec();
        tail.sort_unstable();
        assert_eq!(tail, sorted[465..]);
        assert_eq!(values_at_ranks(&mut [], [0, 3]), [0, 0]);
    }
}
