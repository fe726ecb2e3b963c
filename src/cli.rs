//! The headless command line: check, stats, dump, pprof, mmu, export,
//! bench, critical-path, findings, compare (and the window when no
//! subcommand is given).

pub mod compare;
pub mod why;

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
        Command::Bench { file, frames } => bench(&file, frames),
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

/// Peak resident memory of this process (VmHWM), in bytes.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// When the process started (set by `main` first thing).
static PROCESS_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Records the start of the process (for `bench`'s `first_frame_ms`).
pub fn mark_process_start() {
    let _ = PROCESS_START.set(std::time::Instant::now());
}

fn since_start_ms() -> f64 {
    let t0 = *PROCESS_START.get_or_init(std::time::Instant::now);
    (t0.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

/// What `bench` measures of a load.
struct BenchLoad {
    loaded: LoadedTrace,
    /// From process start until a frame with the time axis and data.
    first_frame_ms: f64,
    /// From process start until a click on a goroutine's span selected it
    /// (on the first generations of a big trace, loaded on their own).
    first_interactive_ms: Option<f64>,
    /// Generations behind that first click (None: the whole trace).
    first_interactive_generations: Option<usize>,
    /// From process start until the load ended.
    load_ms: f64,
}

/// Loads as the viewer does (the load on its own thread and, for a big
/// trace, its first generations on another) and notes when the first
/// frame with the trace's time axis and data could be drawn (the load's
/// first preview, or its end) and when a click could first select a span.
// N.B. over 80 lines: one loop watching two loads (the whole one and the
// first generations) and timing the frames a user would see.
fn bench_load(file: &Path) -> Result<BenchLoad, LoadError> {
    let progress = Arc::new(Progress::default());
    let cancel = Arc::new(AtomicBool::new(false));
    let spawn_err = |e: std::io::Error| LoadError {
        file: file.display().to_string(),
        message: format!("cannot start the loader thread: {e}"),
    };
    let (p, c, path) = (progress.clone(), cancel.clone(), file.to_path_buf());
    let job = std::thread::Builder::new()
        .name("trace-loader".into())
        .spawn(move || load_path_with(&path, LoadOptions::configured(), &p, &c))
        .map_err(spawn_err)?;
    let (p, c, path) = (progress.clone(), cancel.clone(), file.to_path_buf());
    let early = std::thread::Builder::new()
        .name("first-generations".into())
        .spawn(move || {
            crate::load::load_first_generations(&path, LoadOptions::configured(), &p, &c)
        })
        .map_err(spawn_err)?;
    let (mut first_frame_ms, mut first_interactive_ms) = (None, None);
    let (mut early, mut early_trace) = (Some(early), None);
    while !job.is_finished() {
        if first_frame_ms.is_none() {
            if let (Some(axis), Some(pv)) = (progress.axis(), progress.preview()) {
                // Draw it as the window would; the frame counts.
                std::hint::black_box(preview_frame_ms(axis, &pv));
                first_frame_ms = Some(since_start_ms());
            }
        }
        if early
            .as_ref()
            .is_some_and(std::thread::JoinHandle::is_finished)
        {
            if let Some(Ok(Some(l))) = early.take().map(|e| e.join().ok()).and_then(|r| r) {
                let generations = l.first_part.map(|p| p.generations);
                // The window keeps it until the load is finishing.
                let l = Arc::new(l);
                if click_a_span(&l).is_ok() {
                    first_interactive_ms = Some((since_start_ms(), generations));
                }
                early_trace = Some(l);
            }
        }
        if progress.phase() >= crate::load::LoadPhase::Finishing {
            // As the window does: the whole trace is nearly there.
            early_trace = None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let l = match job.join() {
        Ok(r) => r?,
        Err(p) => std::panic::resume_unwind(p),
    };
    let load_ms = since_start_ms();
    drop(early_trace);
    // The first generations, if still loading, are of no use now.
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    // The view of the first generations is a frame with data too.
    let first_frame_ms = match (first_frame_ms, first_interactive_ms) {
        (Some(a), Some((b, _))) => Some(a.min(b)),
        (a, b) => a.or(b.map(|b| b.0)),
    };
    let first_frame_ms = first_frame_ms.unwrap_or_else(|| {
        // The whole model: the first frame is the loaded trace's.
        let axis = (l.trace.meta.start, l.trace.meta.end);
        std::hint::black_box(preview_frame_ms(
            axis,
            &crate::model::preview::Preview::empty(),
        ));
        since_start_ms()
    });
    let l = Arc::new(l);
    let first_interactive =
        first_interactive_ms.or_else(|| click_a_span(&l).is_ok().then(|| (since_start_ms(), None)));
    drop(cancel);
    let loaded = Arc::try_unwrap(l).map_err(|_| LoadError {
        file: file.display().to_string(),
        message: "the loaded trace is still shared".into(),
    })?;
    Ok(BenchLoad {
        loaded,
        first_frame_ms,
        first_interactive_ms: first_interactive.map(|f| f.0),
        first_interactive_generations: first_interactive.and_then(|f| f.1),
        load_ms,
    })
}

/// A click on a goroutine's span of `l`, as in the window (see
/// `ui::bench::click_a_goroutine_span`).
#[cfg(feature = "gui")]
fn click_a_span(l: &Arc<LoadedTrace>) -> Result<(), String> {
    crate::ui::bench::click_a_goroutine_span(crate::ui::derived::TraceData::shared(l.clone()))
}

#[cfg(not(feature = "gui"))]
fn click_a_span(_l: &Arc<LoadedTrace>) -> Result<(), String> {
    Err("built without the window".into())
}

#[cfg(feature = "gui")]
fn preview_frame_ms(
    axis: (crate::trace::Time, crate::trace::Time),
    pv: &crate::model::preview::Preview,
) -> f64 {
    crate::ui::bench::preview_frame_ms(axis, Some(pv))
}

#[cfg(not(feature = "gui"))]
fn preview_frame_ms(
    _axis: (crate::trace::Time, crate::trace::Time),
    _pv: &crate::model::preview::Preview,
) -> f64 {
    0.0
}

fn bench(file: &Path, frames: bool) -> Result<i32, LoadError> {
    let BenchLoad {
        loaded: l,
        first_frame_ms,
        first_interactive_ms,
        first_interactive_generations,
        load_ms,
    } = bench_load(file)?;
    let peak_load = peak_rss_bytes();
    // The goroutine analysis is computed by the load; making the table the
    // Goroutines tab shows (from every goroutine's figures, for a trace
    // that keeps them) is timed on its own.
    let t0 = std::time::Instant::now();
    let table = l.group_table();
    let goroutines = table.goroutines;
    let groups = table.groups.len();
    let expand_ms = t0.elapsed().as_secs_f64() * 1e3;
    let mut v = serde_json::json!({
        "first_frame_ms": first_frame_ms,
        "first_interactive_ms": first_interactive_ms,
        // Generations loaded on their own for that first click (null: the
        // whole trace).
        "first_interactive_generations": first_interactive_generations,
        // Until the overview and the goroutine analysis (as the Goroutines
        // tab shows it) are ready, from process start.
        "load_ms": ((load_ms + expand_ms) * 10.0).round() / 10.0,
        "loader_ms": (l.load_ms * 10.0).round() / 10.0,
        "events": l.trace.meta.events,
        "peak_rss_bytes": peak_rss_bytes(),
        "peak_rss_bytes_load": peak_load,
        "overview": l.trace.meta.bucket_ns.is_some(),
        "generations": l.trace.meta.generations,
        "file_bytes": l.trace.meta.file_bytes,
        "goroutines": l.trace.goroutines.len(),
        "spans": l.trace.spans.len(),
        "summary_goroutines": goroutines,
        "summary_groups": groups,
        "goroutine_table_ms": (expand_ms * 10.0).round() / 10.0,
    });
    if frames {
        match frame_bench(l) {
            Ok(f) => {
                if let (Some(obj), serde_json::Value::Object(fo)) = (v.as_object_mut(), f) {
                    obj.extend(fo);
                }
            }
            Err(m) => {
                return Err(LoadError {
                    file: file.display().to_string(),
                    message: m,
                })
            }
        }
    }
    println!("{v}");
    Ok(0)
}

fn pprof(kind: &str, file: &Path, output: &Path) -> Result<i32, LoadError> {
    use crate::analysis::profiles::ProfileKind;
    // N.B. a big trace is read as an overview and then again, a
    // generation at a time, for the profile (see `load/stream.rs`).
    let l = load_with_progress_using(file, LoadOptions::configured())?;
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

#[cfg(feature = "gui")]
fn frame_bench(l: LoadedTrace) -> Result<serde_json::Value, String> {
    let data = crate::ui::derived::TraceData::new(l);
    let stats = crate::ui::bench::run(data);
    serde_json::to_value(stats).map_err(|e| e.to_string())
}

#[cfg(not(feature = "gui"))]
fn frame_bench(_l: LoadedTrace) -> Result<serde_json::Value, String> {
    Err("--frames needs gotraceview built with the `gui` feature".into())
}
