//! The `compare --json` document.

use super::side::{DistFigures, GcFigures, GroupFigures, TraceInfo, MMU_WINDOWS_NS};
use super::{Comparison, Pair};
use crate::analysis::compare::rank;
use crate::analysis::compare::significance;
use serde_json::{json, Map, Value};

fn info(i: &TraceInfo) -> Value {
    json!({ "file": i.file, "duration_ns": i.duration_ns, "go_version": i.go_version })
}

fn group(g: &GroupFigures) -> Value {
    let [p50, p90, p99] = g.total_quantiles();
    json!({
        "count": g.count,
        "exec_ns": g.exec_ns,
        "sched_wait_ns": g.sched_wait_ns,
        "syscall_ns": g.syscall_ns,
        "syscall_block_ns": g.syscall_block_ns,
        "block_ns": g.block_ns,
        "total_p50_ns": p50,
        "total_p90_ns": p90,
        "total_p99_ns": p99,
    })
}

fn dist(d: &DistFigures) -> Value {
    json!({
        "count": d.count,
        "total_ns": d.total_ns(),
        "p50_ns": d.quantile_ns(0.5),
        "p90_ns": d.quantile_ns(0.9),
        "p99_ns": d.quantile_ns(0.99),
        "max_ns": d.max_ns(),
    })
}

fn gc(g: &GcFigures) -> Value {
    let mut mmu = Map::new();
    for (w, v) in MMU_WINDOWS_NS.iter().zip(g.mmu) {
        mmu.insert(format!("{}ms", w / 1_000_000), json!(v));
    }
    json!({
        "count": g.count,
        "mark_ns": g.mark_ns,
        "stw_count": g.stw_count,
        "stw_ns": g.stw_ns,
        "mark_assist_ns": g.mark_assist_ns,
        "mmu": mmu,
    })
}

fn pairs<T>(pairs: &[Pair], key: &str, a: &[T], b: &[T], f: impl Fn(&T) -> Value) -> Vec<Value> {
    pairs
        .iter()
        .map(|p| {
            json!({
                key: p.name,
                "a": p.a.map_or(Value::Null, |i| f(&a[i])),
                "b": p.b.map_or(Value::Null, |i| f(&b[i])),
            })
        })
        .collect()
}

/// The comparison as one JSON object.
pub fn to_json(c: &Comparison) -> Value {
    let mut profiles = Map::new();
    for p in &c.profiles {
        let stacks: Vec<Value> = p
            .stacks
            .iter()
            .map(|s| {
                json!({
                    "frames": s.functions,
                    "a_ns": s.a_ns,
                    "b_ns": s.b_ns,
                    "a_count": s.a_count,
                    "b_count": s.b_count,
                })
            })
            .collect();
        profiles.insert(p.kind.name().to_string(), Value::Array(stacks));
    }
    let changes: Vec<Value> = c
        .changes
        .iter()
        .map(|ch| {
            json!({
                "kind": ch.kind.name(),
                "name": ch.name,
                "metric": ch.metric,
                "a": ch.a,
                "b": ch.b,
                "delta": ch.delta(),
                "ratio": ch.ratio(),
                "effect_ns": ch.effect_ns,
                "over": ch.over,
                "significance": ch.significance.map(|s| json!({
                    "test": s.test, "p": s.p, "level": s.level,
                })),
                "text": ch.text(),
            })
        })
        .collect();
    json!({
        "a": info(&c.a.info),
        "b": info(&c.b.info),
        "groups": pairs(&c.groups, "function", &c.a.groups, &c.b.groups, group),
        "regions": pairs(&c.regions, "name", &c.a.regions, &c.b.regions, dist),
        "tasks": pairs(&c.tasks, "name", &c.a.tasks, &c.b.tasks, dist),
        "profiles": profiles,
        "gc": { "a": gc(&c.a.gc), "b": gc(&c.b.gc) },
        "floors": {
            "relative": rank::RELATIVE_FLOOR,
            "absolute_ns": rank::ABSOLUTE_FLOOR_NS,
            "of_duration": rank::DURATION_FLOOR,
            "untested_relative": rank::UNTESTED_RELATIVE_FLOOR,
            "untested_of_duration": rank::UNTESTED_DURATION_FLOOR,
            "tests": ["mann-whitney-u", "wilcoxon-signed-rank", "poisson-rate"],
            "level": significance::LEVEL,
            "min_samples": significance::MIN_SAMPLES,
        },
        "changes": changes,
    })
}
