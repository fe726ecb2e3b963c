//! The figures of one trace that a comparison reads, each computed by the
//! code that computes it for that trace alone: goroutine groups from Go's
//! goroutine analysis (what `stats --json` prints), regions and tasks by
//! type (the Regions and Tasks views), the blocking profiles (`pprof`),
//! and the GC's counts, pauses and MMU (`mmu`). Everything is owned
//! (names as strings), so the trace itself can be dropped.

use super::profiles::ProfileFigures;
use crate::analysis::annotations::{region_types, task_types, TypeStats};
use crate::analysis::gclog::GcLog;
use crate::analysis::goroutines::{Column, GoroutineFigures};
use crate::analysis::histogram::quantile;
use crate::analysis::mmu::{mutator_utilization, MmuCurve, UtilFlags};
use crate::analysis::profiles::{Profile, ProfileKind};
use crate::analysis::summary::{ExecStats, NameId};
use crate::model::Trace;
use std::collections::BTreeMap;

/// Which trace, as the comparison names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceInfo {
    /// The file, as the user named it.
    pub file: String,
    /// Its duration.
    pub duration_ns: i64,
    /// The Go version of its format ("1.26").
    pub go_version: String,
}

/// The goroutines of one start function (Go's goroutine analysis, summed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFigures {
    /// The start function.
    pub function: String,
    /// Number of goroutines.
    pub count: u64,
    /// Running.
    pub exec_ns: i64,
    /// Runnable, waiting for a P.
    pub sched_wait_ns: i64,
    /// In syscalls.
    pub syscall_ns: i64,
    /// In syscalls after losing the P.
    pub syscall_block_ns: i64,
    /// Blocked, by reason (as `stats --json` names them).
    pub block_ns: BTreeMap<String, i64>,
    /// Each goroutine's value of each metric, in one order.
    pub per_goroutine: GroupSamples,
}

/// Each goroutine's values of a group's metrics (for the two-sample test
/// and the percentiles), one entry a goroutine in each vector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSamples {
    /// Lifetime in the trace.
    pub total_ns: Vec<i64>,
    /// Running.
    pub exec_ns: Vec<i64>,
    /// Waiting for a P.
    pub sched_wait_ns: Vec<i64>,
    /// In syscalls.
    pub syscall_ns: Vec<i64>,
    /// Blocked, by reason (0 for a goroutine never blocked for it).
    pub block_ns: BTreeMap<String, Vec<i64>>,
}

impl GroupFigures {
    /// The p50, p90 and p99 of the goroutines' total time.
    pub fn total_quantiles(&self) -> [i64; 3] {
        let mut v = self.per_goroutine.total_ns.clone();
        v.sort_unstable();
        [0.5, 0.9, 0.99].map(|q| quantile(&v, q))
    }
}

/// The latencies of the regions (or tasks) of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFigures {
    /// The type.
    pub name: String,
    /// Number of instances.
    pub count: u64,
    /// Durations of the complete ones, sorted.
    pub durations_ns: Vec<i64>,
}

impl DistFigures {
    fn new(trace: &Trace, t: &TypeStats) -> DistFigures {
        DistFigures {
            name: trace.str(t.name).to_string(),
            count: t.count as u64,
            durations_ns: t.durations.clone(),
        }
    }

    /// Sum of the durations.
    pub fn total_ns(&self) -> i64 {
        self.durations_ns
            .iter()
            .fold(0i64, |a, &d| a.saturating_add(d))
    }

    /// The duration at quantile `q` (0 when none is complete).
    pub fn quantile_ns(&self, q: f64) -> i64 {
        quantile(&self.durations_ns, q)
    }

    /// The longest duration.
    pub fn max_ns(&self) -> i64 {
        self.durations_ns.last().copied().unwrap_or(0)
    }
}

/// Windows of the MMU points kept for the curve: 1 µs to 1 s, five a
/// decade.
fn mmu_windows() -> impl Iterator<Item = i64> {
    (0..=30).map(|i| (1_000.0 * 10f64.powf(f64::from(i) / 5.0)).round() as i64)
}

/// Windows whose MMU the comparison lists (1 ms, 10 ms, 100 ms).
pub const MMU_WINDOWS_NS: [i64; 3] = [1_000_000, 10_000_000, 100_000_000];

/// What the GC cost a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct GcFigures {
    /// GC cycles (mark phases).
    pub count: u64,
    /// Time in mark phases.
    pub mark_ns: i64,
    /// Stop-the-world pauses (for any reason).
    pub stw_count: u64,
    /// Their total.
    pub stw_ns: i64,
    /// Time goroutines spent in mark assists (Go's "GC mark assist" range).
    pub mark_assist_ns: i64,
    /// The MMU (go tool trace's default flags) at [`MMU_WINDOWS_NS`].
    pub mmu: [f64; 3],
    /// The MMU curve: (window, MMU), windows of 1 µs to 1 s.
    pub mmu_curve: Vec<(i64, f64)>,
}

impl GcFigures {
    fn new(trace: &Trace, summary: &impl GoroutineFigures, gc_log: &GcLog) -> GcFigures {
        let sum = |v: &[crate::model::TimeRange]| {
            v.iter()
                .fold(0i64, |a, r| a.saturating_add(r.end.saturating_sub(r.start)))
        };
        let mut scratch = ExecStats::default();
        let assist = summary
            .names()
            .iter()
            .position(|n| n == "GC mark assist")
            .map_or(0, |k| {
                let column = Column::Range(k as NameId);
                (0..summary.count())
                    .map(|i| summary.value(i, column, &mut scratch))
                    .fold(0i64, i64::saturating_add)
            });
        let curve = MmuCurve::new(mutator_utilization(gc_log, UtilFlags::DEFAULT));
        GcFigures {
            count: trace.gc.len() as u64,
            mark_ns: sum(&trace.gc),
            stw_count: trace.stw.len() as u64,
            stw_ns: sum(&trace.stw),
            mark_assist_ns: assist,
            mmu: MMU_WINDOWS_NS.map(|w| curve.mmu(w)),
            mmu_curve: mmu_windows().map(|w| (w, curve.mmu(w))).collect(),
        }
    }
}

/// Everything a comparison reads of one trace.
#[derive(Debug, Clone)]
pub struct SideFigures {
    /// Which trace.
    pub info: TraceInfo,
    /// Goroutine groups, by start function.
    pub groups: Vec<GroupFigures>,
    /// Region types, by name.
    pub regions: Vec<DistFigures>,
    /// Task types, by name.
    pub tasks: Vec<DistFigures>,
    /// The blocking profiles, in the order of [`ProfileKind::ALL`].
    pub profiles: Vec<ProfileFigures>,
    /// The GC.
    pub gc: GcFigures,
}

impl SideFigures {
    /// The figures of a trace: its model (or overview), Go's goroutine
    /// analysis with every goroutine, its GC log and its four profiles.
    pub fn new(
        file: &str,
        trace: &Trace,
        summary: &impl GoroutineFigures,
        gc_log: &GcLog,
        profiles: &[(ProfileKind, Profile)],
    ) -> SideFigures {
        SideFigures {
            info: TraceInfo {
                file: file.to_string(),
                duration_ns: trace.duration(),
                go_version: trace.meta.version.clone(),
            },
            groups: groups(summary),
            regions: region_types(trace)
                .iter()
                .map(|t| DistFigures::new(trace, t))
                .collect(),
            tasks: task_types(trace)
                .iter()
                .map(|t| DistFigures::new(trace, t))
                .collect(),
            profiles: profiles
                .iter()
                .map(|(k, p)| ProfileFigures::new(trace, *k, p))
                .collect(),
            gc: GcFigures::new(trace, summary, gc_log),
        }
    }

    /// The profile of `kind`, if computed.
    pub fn profile(&self, kind: ProfileKind) -> Option<&ProfileFigures> {
        self.profiles.iter().find(|p| p.kind == kind)
    }
}

/// The goroutine groups of Go's analysis, by start function name.
fn groups(s: &impl GoroutineFigures) -> Vec<GroupFigures> {
    let mut by: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for i in 0..s.count() {
        by.entry(s.start_function(i)).or_default().push(i as u32);
    }
    let names = s.names();
    let name = |k: NameId| names.get(usize::from(k)).map_or("", String::as_str);
    let mut scratch = ExecStats::default();
    by.into_iter()
        .map(|(function, members)| {
            let n = members.len();
            let mut samples = GroupSamples::default();
            let mut syscall_block_ns = 0i64;
            for (k, &i) in members.iter().enumerate() {
                let st = s.stats(i as usize, &mut scratch);
                samples.total_ns.push(st.total_ns);
                samples.exec_ns.push(st.exec_ns);
                samples.sched_wait_ns.push(st.sched_wait_ns);
                samples.syscall_ns.push(st.syscall_ns);
                syscall_block_ns = syscall_block_ns.saturating_add(st.syscall_block_ns);
                for &(r, v) in &st.block_ns {
                    samples
                        .block_ns
                        .entry(name(r).to_string())
                        .or_insert_with(|| vec![0; n])[k] += v;
                }
            }
            let total = |v: &[i64]| v.iter().fold(0i64, |a, &x| a.saturating_add(x));
            GroupFigures {
                function: function.to_string(),
                count: n as u64,
                exec_ns: total(&samples.exec_ns),
                sched_wait_ns: total(&samples.sched_wait_ns),
                syscall_ns: total(&samples.syscall_ns),
                syscall_block_ns,
                block_ns: samples
                    .block_ns
                    .iter()
                    .map(|(k, v)| (k.clone(), total(v)))
                    .collect(),
                per_goroutine: samples,
            }
        })
        .collect()
}
