//! `gotraceview bench FILE [--frames]`: loads a trace as the window does
//! and prints, as JSON, when its first frame and its first click could
//! happen, how long the load took and the peak memory; `--frames` adds the
//! frame times of a scripted sweep through the window.

use crate::load::{load_path_with, LoadError, LoadOptions, LoadedTrace, Progress};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

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
            if early_trace.take().is_some() {
                crate::load::return_freed_memory();
            }
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

pub(super) fn bench(file: &Path, frames: bool) -> Result<i32, LoadError> {
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
