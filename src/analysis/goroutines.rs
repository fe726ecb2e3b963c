//! Goroutine groups by start function with totals per state (the goroutine
//! analysis page of `go tool trace`).

use super::summary::{ExecStats, Summary};
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
    into.exec_ns += s.exec_ns;
    into.sched_wait_ns += s.sched_wait_ns;
    into.syscall_ns += s.syscall_ns;
    into.syscall_block_ns += s.syscall_block_ns;
    into.total_ns += s.total_ns;
    for &(k, v) in &s.block_ns {
        match into.block_ns.iter_mut().find(|x| x.0 == k) {
            Some(x) => x.1 += v,
            None => into.block_ns.push((k, v)),
        }
    }
    for &(k, v) in &s.range_ns {
        match into.range_ns.iter_mut().find(|x| x.0 == k) {
            Some(x) => x.1 += v,
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
        reasons.sort_by(|a, b| b.1.cmp(&a.1));
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
