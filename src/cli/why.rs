//! `gotraceview critical-path` and `gotraceview findings`: why was it
//! slow, on the command line (text, or JSON with `--json`).

use super::{load_with_progress, loss_line};
use crate::analysis::critical_path::{
    aggregate, aggregate_json, critical_path, path_json, region_targets, regions_named, slowest,
    task_targets, tasks_named, CriticalPath, PathState, Target,
};
use crate::analysis::findings::findings_json;
use crate::format;
use crate::load::{LoadError, LoadedTrace};
use crate::model::Trace;
use crate::trace::{GoId, Time};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// What `critical-path` was asked for.
#[derive(Debug, Clone, Default)]
pub struct PathQuery {
    /// A goroutine ID.
    pub goroutine: Option<i64>,
    /// Start of its interval (ns, the clock of `dump`).
    pub from_ns: Option<Time>,
    /// End of its interval.
    pub to_ns: Option<Time>,
    /// A region type.
    pub region: Option<String>,
    /// A task type.
    pub task: Option<String>,
    /// Totals over every instance of the region or task type.
    pub all: bool,
    /// Print JSON.
    pub json: bool,
}

/// Most segments the text output lists.
const MAX_TEXT_SEGMENTS: usize = 200;

/// The targets a query names (one, or every instance with `--all`), and
/// what names them in the JSON.
fn targets(t: &Trace, q: &PathQuery) -> Result<(Vec<Target>, Value), String> {
    if let Some(id) = q.goroutine {
        let g = t
            .goroutines
            .find(GoId(id))
            .ok_or_else(|| format!("no goroutine {id} in the trace"))?;
        let target = Target::goroutine(t, g, q.from_ns, q.to_ns)
            .ok_or_else(|| format!("goroutine {id} has no time in the interval asked"))?;
        return Ok((vec![target], json!({ "goroutine": id })));
    }
    let (kind, name, targets) = match (&q.region, &q.task) {
        (Some(r), _) => ("region", r, region_targets(t, &regions_named(t, r))),
        (None, Some(k)) => ("task", k, task_targets(t, &tasks_named(t, k))),
        (None, None) => {
            return Err("say which: --goroutine ID, --region NAME or --task NAME".into())
        }
    };
    if targets.is_empty() {
        return Err(format!("no complete {kind} named {name:?} in the trace"));
    }
    let what = json!({ kind: name });
    if q.all {
        Ok((targets, what))
    } else {
        Ok((slowest(&targets).into_iter().collect(), what))
    }
}

/// Runs `critical-path`.
pub fn critical_path_cmd(file: &Path, q: &PathQuery) -> Result<i32, LoadError> {
    let l = load_with_progress(file)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    let out = critical_path_output(&l, q).map_err(|message| LoadError {
        file: file.display().to_string(),
        message,
    })?;
    write_stdout(&out);
    Ok(0)
}

/// What `critical-path` prints for a loaded trace (the text, or with
/// `--json` the JSON); the error is one line.
pub fn critical_path_output(l: &LoadedTrace, q: &PathQuery) -> Result<String, String> {
    let t = &l.trace;
    let mut out = String::new();
    let (targets, what) = targets(t, q)?;
    let tiles = l.tile_access();
    if q.all && (q.region.is_some() || q.task.is_some()) {
        let a = aggregate(&*tiles, &targets);
        if q.json {
            let _ = writeln!(out, "{}", pretty(&aggregate_json(t, what, &a)));
        } else {
            let _ = writeln!(
                out,
                "{} instances, {} in all, {} hops",
                a.instances,
                format::duration(a.duration_ns),
                a.hops
            );
            print_totals(&mut out, &a.totals_ns, a.duration_ns);
            for &(c, d) in &a.by_cause_ns {
                let _ = writeln!(out, "  {:<40} {:>14}", c.label(t), format::duration(d));
            }
        }
        return Ok(out);
    }
    let started = std::time::Instant::now();
    let p = critical_path(&*tiles, targets[0]);
    let compute = started.elapsed();
    if q.json {
        let _ = writeln!(out, "{}", pretty(&path_json(t, &p)));
    } else {
        print_path(&mut out, t, &p, compute);
    }
    Ok(out)
}

/// Writes `s` to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(s: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn print_totals(out: &mut String, totals: &[Time; 5], all: Time) {
    for s in PathState::ALL {
        let d = totals[s as usize];
        let pct = if all > 0 {
            d as f64 * 100.0 / all as f64
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "{:<10} {:>14} {pct:5.1}%",
            s.name(),
            format::duration(d)
        );
    }
}

fn print_path(out: &mut String, t: &Trace, p: &CriticalPath, compute: std::time::Duration) {
    let tg = &p.target;
    let _ = writeln!(
        out,
        "critical path of {} from {} to {} ({}): {} segments, {} hops, computed in {}",
        t.goroutine_label(tg.g),
        tg.start_ns,
        tg.end_ns,
        format::duration(tg.duration_ns()),
        p.segments.len(),
        p.hops.len(),
        format::duration_of(compute)
    );
    print_totals(out, &p.totals_ns(), tg.duration_ns());
    let _ = writeln!(out, "by goroutine:");
    for (g, d) in p.by_goroutine_ns().into_iter().take(20) {
        let _ = writeln!(
            out,
            "  {:<50} {:>14}",
            t.goroutine_label(g),
            format::duration(d)
        );
    }
    let _ = writeln!(out, "segments:");
    for s in p.segments.iter().take(MAX_TEXT_SEGMENTS) {
        let _ = writeln!(
            out,
            "  {:>20} {:>12}  {:<9} {:<28} {}",
            s.start_ns,
            format::duration(s.duration_ns()),
            format::goroutine(Some(t.goroutines.id(s.g).0)),
            s.cause.label(t),
            crate::analysis::frames::user_frame_text(t, s.stack)
        );
    }
    if p.segments.len() > MAX_TEXT_SEGMENTS {
        let _ = writeln!(
            out,
            "  ... {} more (--json lists them all)",
            p.segments.len() - MAX_TEXT_SEGMENTS
        );
    }
}

/// Runs `findings`.
pub fn findings_cmd(file: &Path, json_out: bool) -> Result<i32, LoadError> {
    let l = load_with_progress(file)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    let out = findings_output(&l, json_out).map_err(|message| LoadError {
        file: file.display().to_string(),
        message,
    })?;
    write_stdout(&out);
    Ok(0)
}

/// What `findings` prints for a loaded trace (the text, or with `--json`
/// the JSON); the error is one line.
pub fn findings_output(l: &LoadedTrace, json_out: bool) -> Result<String, String> {
    let t = &l.trace;
    let never = std::sync::atomic::AtomicBool::new(false);
    let f = l.findings(&never, &|_, _| {})?;
    let mut out = String::new();
    if json_out {
        let _ = writeln!(out, "{}", pretty(&findings_json(t, &f)));
        return Ok(out);
    }
    for x in &f.findings {
        let _ = writeln!(
            out,
            "{:<14} {:>12}  {}",
            x.kind.name(),
            format::duration(x.duration_ns),
            x.text
        );
    }
    for n in &f.notes {
        let _ = writeln!(out, "{:<14} {:>12}  {}", n.0.name(), "-", n.1);
    }
    Ok(out)
}
