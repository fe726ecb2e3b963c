//! Loading a trace file into the model: memory-map it, stream its ordered
//! events into the model builder and the goroutine summarizer, report
//! progress, honour cancellation, and turn every failure into one line
//! naming the file.

mod pipeline;

use crate::analysis::gclog::GcLog;
use crate::analysis::summary::{CompactSummary, Summary};
use crate::model::{Loss, Trace, TraceMeta};
use crate::trace::header::Header;
use crate::trace::source::{EventReader, CHUNK_EVENTS};
use crate::trace::EventType;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// Phases of a load, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LoadPhase {
    /// Opening and mapping the file.
    Opening = 0,
    /// Finding and decoding generations.
    Decoding = 1,
    /// Ordering events and building lanes.
    Building = 2,
    /// Sorting and indexing.
    Finishing = 3,
    /// Done.
    Done = 4,
}

impl LoadPhase {
    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            LoadPhase::Opening => "opening",
            LoadPhase::Decoding => "decoding generations",
            LoadPhase::Building => "ordering events and building lanes",
            LoadPhase::Finishing => "indexing",
            LoadPhase::Done => "done",
        }
    }
}

/// Shared progress of a load (written by the loader, read by the UI).
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    /// Bytes of the file processed.
    pub bytes_done: AtomicU64,
    /// File size.
    pub bytes_total: AtomicU64,
    /// Events read.
    pub events: AtomicU64,
}

impl Progress {
    /// Current phase.
    pub fn phase(&self) -> LoadPhase {
        match self.phase.load(Ordering::Relaxed) {
            0 => LoadPhase::Opening,
            1 => LoadPhase::Decoding,
            2 => LoadPhase::Building,
            3 => LoadPhase::Finishing,
            _ => LoadPhase::Done,
        }
    }

    fn set_phase(&self, p: LoadPhase) {
        self.phase.store(p as u8, Ordering::Relaxed);
    }

    /// Fraction done in [0, 1].
    pub fn fraction(&self) -> f32 {
        let total = self.bytes_total.load(Ordering::Relaxed).max(1);
        (self.bytes_done.load(Ordering::Relaxed) as f64 / total as f64).clamp(0.0, 1.0) as f32
    }
}

/// A failed load: which file, and what was wrong, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file (or URL) as the user named it.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

/// A loaded trace: the model and the goroutine analysis.
#[derive(Debug)]
pub struct LoadedTrace {
    /// Display name (file path or URL).
    pub name: String,
    /// The model.
    pub trace: Trace,
    /// Go's goroutine analysis, compact (see [`LoadedTrace::summary`]).
    pub goroutine_analysis: CompactSummary,
    /// The analysis as a [`Summary`], made on first use.
    summary: OnceLock<Summary>,
    /// What minimum mutator utilization needs.
    pub gc_log: GcLog,
    /// Wall time of the load.
    pub load_ms: f64,
}

impl LoadedTrace {
    /// Go's goroutine analysis. Computed during the load and kept compact
    /// (about 100 bytes per goroutine); this expands it into the
    /// [`Summary`] structure (names as `String`s, maps as `Vec`s: about 270
    /// bytes per goroutine) the first time it is asked for.
    pub fn summary(&self) -> &Summary {
        self.summary
            .get_or_init(|| self.goroutine_analysis.expand())
    }
}

/// Loads a trace file.
pub fn load_path(
    path: &Path,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<LoadedTrace, LoadError> {
    let name = path.display().to_string();
    let err = |m: String| LoadError {
        file: name.clone(),
        message: m,
    };
    progress.set_phase(LoadPhase::Opening);
    let meta = std::fs::metadata(path).map_err(|e| err(io_message(&e)))?;
    if meta.is_dir() {
        return Err(err("is a directory, not a trace file".into()));
    }
    if meta.len() == 0 {
        return Err(err("empty file (0 bytes), not a Go execution trace".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| err(io_message(&e)))?;
    // SAFETY: the map is read-only; if another process truncates the file
    // while we read it we may fault, which is the accepted risk of mmap
    // (the same as every mmap-based reader).
    let map =
        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| err(format!("cannot map file: {e}")))?;
    let _ = map.advise(memmap2::Advice::Sequential);
    // Pages of the file count in our resident memory until we drop them:
    // drop each part once it is read (the reader never looks back).
    let release = |start: usize, end: usize| {
        // SAFETY: `map` is a read-only, shared mapping of a file. DONTNEED
        // only drops this process's references to the pages; any later
        // read of them faults the same bytes back in from the file (or the
        // page cache), so no data anyone holds changes.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
        };
    };
    load_data(&name, &map, progress, cancel, &release)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Loads a trace held in memory; `name` is used in messages.
///
/// The events are read and ordered on the calling thread and handed, a
/// chunk at a time, to two threads: one builds the model, the other the
/// goroutine analysis and the GC log (see [`pipeline`]).
pub fn load_bytes(
    name: &str,
    data: &[u8],
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<LoadedTrace, LoadError> {
    load_data(name, data, progress, cancel, &|_, _| {})
}

/// Bytes of the file read between two calls of the page release callback.
const RELEASE_STEP: usize = 4 << 20;

/// [`load_bytes`], calling `release(start, end)` for byte ranges of `data`
/// that will not be read again.
fn load_data(
    name: &str,
    data: &[u8],
    progress: &Progress,
    cancel: &AtomicBool,
    release: &dyn Fn(usize, usize),
) -> Result<LoadedTrace, LoadError> {
    let start = Instant::now();
    let (mut loaded, recap) = load_pass(name, data, progress, cancel, release, None)?;
    if let Some(cap) = recap {
        // Reading failed inside a generation. Like go tool trace, the
        // timeline keeps only complete generations: read again up to the
        // last generation boundary (the goroutine analysis, as Go's, keeps
        // every event it saw).
        let (again, _) = load_pass(name, data, progress, cancel, &|_, _| {}, Some(cap))?;
        loaded.trace = Trace {
            meta: TraceMeta {
                loss: loaded.trace.meta.loss.take(),
                generations: loaded.trace.meta.generations,
                ..again.trace.meta.clone()
            },
            ..again.trace
        };
        loaded.gc_log = again.gc_log;
    }
    loaded.load_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(loaded)
}

/// One pass over the events, stopping after `cap` events if given. Returns
/// the load and, when reading failed after the last generation boundary,
/// the number of events up to that boundary.
fn load_pass(
    name: &str,
    data: &[u8],
    progress: &Progress,
    cancel: &AtomicBool,
    release: &dyn Fn(usize, usize),
    cap: Option<u64>,
) -> Result<(LoadedTrace, Option<u64>), LoadError> {
    let err = |m: String| LoadError {
        file: name.to_string(),
        message: m,
    };
    progress
        .bytes_total
        .store(data.len() as u64, Ordering::Relaxed);
    progress.set_phase(LoadPhase::Decoding);
    let (header, mut reader) = EventReader::new(data).map_err(|e| err(e.to_string()))?;
    progress.set_phase(LoadPhase::Building);
    // Everything but the event batches is decoded into tables by now; the
    // event batches are read generation after generation.
    release(0, data.len());
    let mut released = header.len;
    let version = version_name(&header);
    let mut recap = None;
    let out = pipeline::run(|sink| {
        let mut chunk = Vec::new();
        let mut n: u64 = 0;
        let mut real_events: u64 = 0;
        let mut failure = None;
        // Events up to and including the last sync (generation boundary).
        let mut through_sync: u64 = 0;
        loop {
            sink.recycle(&mut chunk);
            let want = cap.map_or(CHUNK_EVENTS, |c| {
                (c.saturating_sub(n) as usize).min(CHUNK_EVENTS)
            });
            if want == 0 {
                break;
            }
            let res = reader.read_chunk(&mut chunk, want);
            let got = chunk.len() as u64;
            if let Some(i) = chunk.iter().rposition(|e| e.typ == EventType::SYNC_EVENT) {
                through_sync = n + i as u64 + 1;
            }
            n += got;
            real_events += chunk
                .iter()
                .filter(|e| e.typ != EventType::SYNC_EVENT)
                .count() as u64;
            if got > 0 {
                sink.send(reader.table(), std::mem::take(&mut chunk));
            }
            if let Err(e) = res {
                failure = Some(e);
                break;
            }
            if got == 0 {
                break;
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(err("loading cancelled".into()));
            }
            progress.events.store(n, Ordering::Relaxed);
            progress.bytes_done.store(
                (header.len + reader.consumed_bytes()) as u64,
                Ordering::Relaxed,
            );
            let done = (header.len + reader.completed_bytes()).min(data.len());
            if done >= released + RELEASE_STEP {
                release(released, done);
                released = done;
            }
        }
        progress.events.store(n, Ordering::Relaxed);
        if failure.is_none() && real_events == 0 {
            return Err(err("the trace contains no events".into()));
        }
        if failure.is_none() {
            if let Some(tail) = reader.unread_tail() {
                failure = Some(crate::trace::TraceError::new(format!(
                    "incomplete generation at the end ({tail} bytes); trace likely truncated"
                )));
            } else if let Some(msg) = reader.truncation() {
                failure = Some(crate::trace::TraceError::new(msg));
            }
        }
        let mut loss = None;
        let partial = failure.is_some() && cap.is_none() && n > through_sync && through_sync > 0;
        if let Some(e) = failure {
            if real_events == 0 {
                return Err(err(e.to_string()));
            }
            let kept = header.len + reader.completed_bytes();
            loss = Some(Loss {
                message: first_line(&e.to_string()),
                bytes_lost: (data.len() - kept.min(data.len())) as u64,
            });
        }
        progress.set_phase(LoadPhase::Finishing);
        recap = partial.then_some(through_sync);
        Ok(pipeline::End {
            version: version.clone(),
            file_bytes: data.len() as u64,
            generations: reader.generations() - u64::from(partial),
            loss,
        })
    })?;
    progress
        .bytes_done
        .store(data.len() as u64, Ordering::Relaxed);
    progress.set_phase(LoadPhase::Done);
    Ok((
        LoadedTrace {
            name: name.to_string(),
            trace: out.trace,
            goroutine_analysis: out.summary,
            summary: OnceLock::new(),
            gc_log: out.gc_log,
            load_ms: 0.0,
        },
        recap,
    ))
}

fn version_name(h: &Header) -> String {
    h.version_name()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stall_trace() -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/traces/stall_go127.trace");
        std::fs::read(path).expect("committed trace")
    }

    #[test]
    fn cancelling_stops_the_load_and_its_threads() {
        let data = stall_trace();
        let err =
            load_bytes("stall", &data, &Progress::default(), &AtomicBool::new(true)).unwrap_err();
        assert_eq!(err.to_string(), "stall: loading cancelled");
    }

    #[test]
    fn the_summary_is_expanded_once_on_demand() {
        let data = stall_trace();
        let l = load_bytes(
            "stall",
            &data,
            &Progress::default(),
            &AtomicBool::new(false),
        )
        .expect("load");
        let n = l.goroutine_analysis.goroutine_count();
        assert!(n > 10_000);
        assert_eq!(l.summary().goroutines.len(), n);
        assert!(std::ptr::eq(l.summary(), l.summary()));
    }
}
