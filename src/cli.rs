//! The headless command line: check, stats, dump, pprof, mmu, export,
//! bench, critical-path, findings, compare (and the window when no
//! subcommand is given).

mod bench;
pub mod compare;
pub mod why;

pub use bench::{mark_process_start, peak_rss_bytes};

use crate::analysis::summary::Summary;
use crate::format;
use crate::load::{load_path_with, LoadError, LoadOptions, LoadedTrace, Progress};
use crate::trace::dump::event_string;
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// gotraceview: a viewer for Go execution traces.
#[derive(Parser, Debug)]
#[command(name = "gotraceview", version, about)]
pub struct Cli {
    /// What to do (no subcommand: open the viewer window).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Trace files or URLs to open in the viewer.
    pub files: Vec<String>,
    /// Install the .desktop entry and MIME type for the current user.
    #[arg(long)]
    pub install_desktop: bool,
    /// The view to show once a trace is loaded (keys 1 to 8 switch views).
    #[arg(long, value_name = "VIEW", value_parser = ["timeline", "goroutines", "profiles", "mmu", "tasks", "regions", "cpu", "findings", "compare"])]
    pub tab: Option<String>,
    /// Memory the models of a trace may use (e.g. 2G, 512M; default: an
    /// eighth of the machine's memory). A trace whose whole model needs
    /// more than half of it gets an overview and detail tiles read from
    /// the file as the view needs them.
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_budget)]
    pub memory_budget: Option<u64>,
}

fn parse_budget(s: &str) -> Result<u64, String> {
    LoadOptions::parse_size(s).ok_or_else(|| format!("not a size: {s} (e.g. 2G, 512M)"))
}

/// Headless subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the whole trace and print one line about it.
    Check {
        /// Trace file.
        file: PathBuf,
    },
    /// The goroutine analysis (like go tool trace's), as a table or JSON.
    Stats {
        /// Trace file.
        file: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the ordered events, one per line (like `go tool trace -d=parsed`).
    Dump {
        /// Trace file.
        file: PathBuf,
    },
    /// Write a blocking profile (like `go tool trace -pprof=TYPE`) as gzipped pprof.
    Pprof {
        /// Profile type: net, sync, syscall or sched.
        #[arg(long = "type", value_parser = ["net", "sync", "syscall", "sched"])]
        kind: String,
        /// Trace file.
        file: PathBuf,
        /// Output file (`go tool pprof OUT` reads it).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Minimum mutator utilization for windows of 1µs, 10µs, ... 10s.
    Mmu {
        /// Trace file.
        file: PathBuf,
        /// Print JSON (the only output format, kept for symmetry with stats).
        #[arg(long)]
        json: bool,
        /// Do not count stop-the-world pauses as GC time.
        #[arg(long)]
        no_stw: bool,
        /// Do not count background mark workers.
        #[arg(long)]
        no_background: bool,
        /// Do not count mark assists.
        #[arg(long)]
        no_assist: bool,
        /// Count sweeping.
        #[arg(long)]
        sweep: bool,
        /// Per-P ("per-goroutine") utilization instead of system-wide.
        #[arg(long)]
        per_proc: bool,
        /// Also print these percentiles of mutator utilization (e.g. 99 or 99.9).
        #[arg(long = "percentile")]
        percentiles: Vec<f64>,
        /// Also list the N worst windows of each size.
        #[arg(long, default_value_t = 0)]
        worst: usize,
    },
    /// The critical path of a goroutine, region or task: what it waited on.
    #[command(name = "critical-path")]
    CriticalPath {
        /// Trace file.
        file: PathBuf,
        /// Goroutine ID (with --from/--to: part of its life; default its whole life).
        #[arg(long, conflicts_with_all = ["region", "task"])]
        goroutine: Option<i64>,
        /// Start of the interval (ns, the clock of `dump`).
        #[arg(long, requires = "goroutine")]
        from: Option<i64>,
        /// End of the interval (ns, the clock of `dump`).
        #[arg(long, requires = "goroutine")]
        to: Option<i64>,
        /// Region type: its slowest instance (or every one with --all).
        #[arg(long, conflicts_with = "task")]
        region: Option<String>,
        /// Task type: its slowest instance (or every one with --all).
        #[arg(long)]
        task: Option<String>,
        /// Totals over every instance of the region or task type.
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The worst moments of the trace: leaks, scheduler latency, STW, GC,
    /// syscalls, contention.
    Findings {
        /// Trace file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What changed from trace A (the baseline) to trace B, ranked by its
    /// effect on time, when it is not noise.
    Compare {
        /// The baseline trace.
        a: PathBuf,
        /// The trace compared with it.
        b: PathBuf,
        /// Print the whole comparison as JSON.
        #[arg(long)]
        json: bool,
        /// Write the difference of this blocking profile (B minus A) as
        /// gzipped pprof (`go tool pprof -top OUT` reads it).
        #[arg(long, value_name = "TYPE", value_parser = ["net", "sync", "syscall", "sched"], requires = "output")]
        pprof: Option<String>,
        /// Output file of --pprof.
        #[arg(short = 'o', long = "output", requires = "pprof")]
        output: Option<PathBuf>,
    },
    /// Write the trace (or a time range of it) in another tool's format.
    Export {
        /// Perfetto's protobuf trace (opens in ui.perfetto.dev and trace_processor).
        #[arg(long, required = true)]
        perfetto: bool,
        /// Trace file.
        file: PathBuf,
        /// Output file (e.g. OUT.pftrace).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Start of the range, in ns from the start of the trace (as the viewer's axis shows).
        #[arg(long, value_name = "NS")]
        from: Option<i64>,
        /// End of the range, in ns from the start of the trace.
        #[arg(long, value_name = "NS")]
        to: Option<i64>,
    },
    /// Load the trace fully and print load time and memory as JSON.
    Bench {
        /// Trace file.
        file: PathBuf,
        /// Also replay a scripted sweep through the viewer on a headless
        /// egui context and print frame_ms_p50 / frame_ms_p99.
        #[arg(long)]
        frames: bool,
    },
}

/// Runs a headless subcommand; returns the process exit code.
pub fn run(cmd: Command) -> i32 {
    let res = match cmd {
        Command::Check { file } => check(&file),
        Command::Stats { file, json } => stats(&file, json),
        Command::Dump { file } => dump(&file),
        Command::Bench { file, frames } => bench::bench(&file, frames),
        Command::Pprof { kind, file, output } => pprof(&kind, &file, &output),
        Command::CriticalPath {
            file,
            goroutine,
            from,
            to,
            region,
            task,
            all,
            json,
        } => why::critical_path_cmd(
            &file,
            &why::PathQuery {
                goroutine,
                from_ns: from,
                to_ns: to,
                region,
                task,
                all,
                json,
            },
        ),
        Command::Findings { file, json } => why::findings_cmd(&file, json),
        Command::Compare {
            a,
            b,
            json,
            pprof,
            output,
        } => compare::compare_cmd(&compare::CompareArgs {
            a,
            b,
            json,
            pprof,
            output,
        }),
        Command::Export {
            perfetto: _,
            file,
            output,
            from,
            to,
        } => export(&file, &output, from, to),
        Command::Mmu {
            file,
            json: _,
            no_stw,
            no_background,
            no_assist,
            sweep,
            per_proc,
            percentiles,
            worst,
        } => {
            let flags = crate::analysis::mmu::UtilFlags {
                stw: !no_stw,
                background: !no_background,
                assist: !no_assist,
                sweep,
                per_proc,
            };
            mmu(&file, flags, &percentiles, worst)
        }
    };
    match res {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gotraceview: {e}");
            1
        }
    }
}

/// Loads a file with the configured options, showing progress on stderr
/// when it is a terminal.
pub fn load_with_progress(path: &Path) -> Result<LoadedTrace, LoadError> {
    load_with_progress_using(path, LoadOptions::configured())
}

/// [`load_with_progress`] with `options`.
pub fn load_with_progress_using(
    path: &Path,
    options: LoadOptions,
) -> Result<LoadedTrace, LoadError> {
    let progress = Arc::new(Progress::default());
    let cancel = AtomicBool::new(false);
    let done = Arc::new(AtomicBool::new(false));
    let reporter = if std::io::stderr().is_terminal() {
        let (p, d) = (progress.clone(), done.clone());
        Some(
            std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || {
                    let mut shown = false;
                    while !d.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(250));
                        if d.load(Ordering::Relaxed) {
                            break;
                        }
                        shown = true;
                        eprint!(
                            "\r{:>5.1}% {} ({} events)   ",
                            p.fraction() * 100.0,
                            p.phase().name(),
                            p.events.load(Ordering::Relaxed)
                        );
                    }
                    if shown {
                        eprint!("\r{:60}\r", "");
                    }
                })
                .ok(),
        )
    } else {
        None
    };
    let res = load_path_with(path, options, &progress, &cancel);
    done.store(true, Ordering::Relaxed);
    if let Some(Some(h)) = reporter {
        let _ = h.join();
    }
    res
}

fn loss_line(l: &LoadedTrace) -> Option<String> {
    l.trace.meta.loss.as_ref().map(|loss| {
        format!(
            "{}: trace is incomplete: {}; kept {} generations, lost {} of {}",
            l.name,
            loss.message,
            l.trace.meta.generations,
            format::bytes(loss.bytes_lost),
            format::bytes(l.trace.meta.file_bytes)
        )
    })
}

/// The line `check` prints about a trace that loaded.
fn check_line(l: &LoadedTrace) -> String {
    let t = &l.trace;
    format!(
        "go {} trace: {} generations, {} events, {} goroutines, {} procs, {} threads, duration {}",
        t.meta.version,
        t.meta.generations,
        format::count(t.meta.events),
        format::count(t.goroutines.len() as u64),
        t.procs.len(),
        t.threads.len(),
        format::duration(t.duration())
    )
}

fn check(file: &Path) -> Result<i32, LoadError> {
    let l = load_with_progress(file)?;
    println!("{}", check_line(&l));
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
        return Ok(1);
    }
    Ok(0)
}

/// The `stats --json` document.
pub fn stats_json(l: &LoadedTrace) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let empty = Summary::default();
    let s: &Summary = l.summary().unwrap_or(&empty);
    let map = |v: &[(u16, i64)]| -> Value {
        let mut m = Map::new();
        for &(k, ns) in v {
            m.insert(s.name(k).to_string(), json!(ns));
        }
        Value::Object(m)
    };
    let goroutines: Vec<Value> = s
        .goroutines
        .iter()
        .map(|g| {
            json!({
                "id": g.id,
                "name": g.name,
                "exec_ns": g.stats.exec_ns,
                "sched_wait_ns": g.stats.sched_wait_ns,
                "syscall_ns": g.stats.syscall_ns,
                "syscall_block_ns": g.stats.syscall_block_ns,
                "total_ns": g.stats.total_ns,
                "block_ns_by_reason": map(&g.stats.block_ns),
                "range_ns": map(&g.stats.range_ns),
                "regions": g.regions.len(),
            })
        })
        .collect();
    let tasks: Vec<Value> = s
        .tasks
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "parent": t.parent.unwrap_or(0),
                "complete": t.complete(),
                "logs": t.logs,
                "regions": t.regions.len(),
                "goroutines": t.goroutines.len(),
            })
        })
        .collect();
    json!({
        "version": l.trace.meta.version,
        "duration_ns": l.trace.duration(),
        "goroutines": goroutines,
        "tasks": tasks,
    })
}

fn stats(file: &Path, json: bool) -> Result<i32, LoadError> {
    let options = LoadOptions {
        per_goroutine: true,
        ..LoadOptions::configured()
    };
    let l = load_with_progress_using(file, options)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    if json {
        let _ = serde_json::to_writer_pretty(&mut out, &stats_json(&l));
        let _ = writeln!(out);
        return Ok(0);
    }
    let _ = write!(
        out,
        "{}",
        crate::analysis::goroutines::group_table_text(l.summary().unwrap_or(&Summary::default()))
    );
    Ok(0)
}

fn dump(file: &Path) -> Result<i32, LoadError> {
    let name = file.display().to_string();
    let err = |m: String| LoadError {
        file: name.clone(),
        message: m,
    };
    let data = std::fs::read(file).map_err(|e| err(e.to_string()))?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let res = crate::trace::source::for_each_event(&data, |ev, t| {
        let _ = writeln!(out, "{}", event_string(ev, t));
    });
    let _ = out.flush();
    match res {
        Ok(_) => Ok(0),
        Err((e, _)) => Err(err(e.to_string().lines().next().unwrap_or("").to_string())),
    }
}

fn pprof(kind: &str, file: &Path, output: &Path) -> Result<i32, LoadError> {
    use crate::analysis::profiles::ProfileKind;
    // The four profiles are folded while the trace loads (a big trace is
    // not read again for them).
    let options = LoadOptions {
        profiles: true,
        ..LoadOptions::configured()
    };
    let l = load_with_progress_using(file, options)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    let kind = ProfileKind::parse(kind).unwrap_or(ProfileKind::Sync);
    let (bytes, prof) = pprof_bytes(&l, kind).map_err(|message| LoadError {
        file: file.display().to_string(),
        message,
    })?;
    std::fs::write(output, bytes).map_err(|e| LoadError {
        file: output.display().to_string(),
        message: format!("cannot write profile: {e}"),
    })?;
    eprintln!(
        "{}: {} samples, {} waits, {} total delay",
        kind.title(),
        prof.records.len(),
        prof.total_count(),
        format::duration(prof.total_delay_ns())
    );
    Ok(0)
}

/// What `pprof` writes for a loaded trace: the gzipped pprof profile of
/// `kind` over the whole trace, and the profile.
pub fn pprof_bytes(
    l: &LoadedTrace,
    kind: crate::analysis::profiles::ProfileKind,
) -> Result<(Vec<u8>, crate::analysis::profiles::Profile), String> {
    let cancel = AtomicBool::new(false);
    let all = crate::analysis::profiles::ProfileScope::All;
    let p = l.blocking_profile(kind, &all, &cancel, &|_, _| {})?;
    let bytes = crate::analysis::pprof::encode_gzipped(&crate::analysis::pprof::to_pprof(
        &p.stacks_of,
        &p.profile,
    ));
    Ok((bytes, p.profile))
}

fn export(
    file: &Path,
    output: &Path,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<i32, LoadError> {
    let l = load_with_progress(file)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    let start = l.trace.meta.start;
    let opts = crate::export::ExportOptions {
        name: file
            .file_name()
            .map_or_else(|| l.name.clone(), |n| n.to_string_lossy().into_owned()),
        from_ns: from.map(|ns| start + ns),
        to_ns: to.map(|ns| start + ns),
        parts: crate::export::Parts::All,
    };
    let cancel = AtomicBool::new(false);
    let s = l
        .export_perfetto_file(&opts, output, &cancel)
        .map_err(|message| LoadError {
            file: output.display().to_string(),
            message,
        })?;
    eprintln!(
        "{}: {} tracks, {} slices, {} instants, {} flows, {} counter values, {} bytes",
        output.display(),
        s.tracks,
        s.slices,
        s.instants,
        s.flows,
        s.counter_values,
        s.bytes
    );
    Ok(0)
}

fn mmu(
    file: &Path,
    flags: crate::analysis::mmu::UtilFlags,
    percentiles: &[f64],
    worst: usize,
) -> Result<i32, LoadError> {
    let l = load_with_progress(file)?;
    if let Some(line) = loss_line(&l) {
        eprintln!("gotraceview: {line}");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&mmu_json(&l, flags, percentiles, worst)).unwrap_or_default()
    );
    Ok(0)
}

/// What `mmu --json` prints for a loaded trace: the MMU (and the
/// percentile curves and worst windows asked for) at windows of 1 µs,
/// 10 µs … 10 s.
pub fn mmu_json(
    l: &LoadedTrace,
    flags: crate::analysis::mmu::UtilFlags,
    percentiles: &[f64],
    worst: usize,
) -> serde_json::Value {
    use crate::analysis::mmu::{mutator_utilization, MmuCurve};
    use serde_json::json;
    let curve = MmuCurve::new(mutator_utilization(&l.gc_log, flags));
    let quantiles: Vec<f64> = percentiles.iter().map(|p| 1.0 - p / 100.0).collect();
    let mut points = Vec::new();
    let mut w: i64 = 1_000;
    while w <= 10_000_000_000 {
        let mut p = json!({ "window_ns": w, "mmu": curve.mmu(w) });
        if !quantiles.is_empty() {
            let mud = curve.mud(w, &quantiles);
            for (pct, v) in percentiles.iter().zip(mud) {
                p[format!("p{pct}")] = json!(v);
            }
        }
        if worst > 0 {
            p["worst"] = json!(curve
                .examples(w, worst)
                .iter()
                .map(|x| json!({"time_ns": x.time, "util": x.util}))
                .collect::<Vec<_>>());
        }
        points.push(p);
        w *= 10;
    }
    json!({ "mmu": points })
}
