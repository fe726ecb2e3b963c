//! Loading a trace file into the model: read it with positioned reads as
//! the reader needs its bytes, stream its ordered events into the model
//! builder and the goroutine summarizer, report progress, honour
//! cancellation, and turn every failure into one line naming the file.

pub mod compare;
#[cfg(test)]
pub(crate) mod cut_under_load;
mod early;
mod heap;
mod options;
mod pipeline;
mod stream;
pub mod tiles;

pub use early::{load_first_generations, FirstPart};
pub use heap::return_freed_memory;
pub use options::LoadOptions;
pub use pipeline::Layout;
pub use stream::LoadedProfile;

/// Lanes of the overview hold at most about this many buckets.
const OVERVIEW_BUCKETS: i64 = 1 << 16;

use crate::analysis::compare::profiles::{AllProfiles, ProfilesWhileLoading};
use crate::analysis::gclog::GcLog;
use crate::analysis::goroutines::{group_table, GroupTable};
use crate::analysis::summary::{GoroutineAnalysis, Summarizer, Summary};
use crate::model::{Loss, ModelBuilder, Trace, TraceMeta};
use crate::trace::bytes::{ReadAt, TraceBytes};
use crate::trace::header::Header;
use crate::trace::source::{EventReader, CHUNK_EVENTS};
use crate::trace::EventType;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tiles::{FileIdentity, GenSpan, TileSource};

/// A file that may be read again for detail tiles.
struct TileOrigin {
    path: std::path::PathBuf,
    identity: FileIdentity,
    options: LoadOptions,
}

/// Phases of a load, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum LoadPhase {
    /// Opening the file and reading its header.
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
    /// The trace's time range, known from its batch headers before any
    /// event is read (v2 traces).
    axis: std::sync::Mutex<Option<(crate::trace::Time, crate::trace::Time)>>,
    /// What the model holds so far, renewed at each generation.
    preview: std::sync::Mutex<Option<Arc<crate::model::preview::Preview>>>,
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

    /// The trace's time range, once known.
    pub fn axis(&self) -> Option<(crate::trace::Time, crate::trace::Time)> {
        self.axis.lock().ok().and_then(|a| *a)
    }

    /// What the model holds so far, if anything yet.
    pub fn preview(&self) -> Option<Arc<crate::model::preview::Preview>> {
        self.preview.lock().ok().and_then(|p| p.clone())
    }

    /// Publishes what the model holds so far.
    pub fn set_preview(&self, p: crate::model::preview::Preview) {
        if let Ok(mut slot) = self.preview.lock() {
            *slot = Some(Arc::new(p));
        }
    }

    fn set_axis(&self, a: (crate::trace::Time, crate::trace::Time)) {
        if let Ok(mut slot) = self.axis.lock() {
            *slot = Some(a);
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
    /// The model: every span, or for a big trace the overview
    /// (`meta.bucket_ns` is some) whose detail comes from `tiles`.
    pub trace: Arc<Trace>,
    /// Where the detail tiles of an overview come from.
    pub tiles: Option<Arc<TileSource>>,
    /// The file it was read from and what it was then (None for bytes).
    pub file: Option<(std::path::PathBuf, FileIdentity)>,
    /// Go's goroutine analysis: every goroutine's figures, compact (see
    /// [`LoadedTrace::summary`]), or for a big trace only its table.
    pub goroutine_analysis: GoroutineAnalysis,
    /// The analysis as a [`Summary`], made on first use.
    summary: OnceLock<Summary>,
    /// The table of the analysis, made on first use.
    table: OnceLock<GroupTable>,
    /// What minimum mutator utilization needs.
    pub gc_log: GcLog,
    /// Wall time of the load.
    pub load_ms: f64,
    /// For a load of a big trace's first generations only (while the
    /// whole of it loads), how much of it this holds.
    pub first_part: Option<FirstPart>,
    /// The options of a load from a file (None: read from bytes, always
    /// whole): a comparison loads the other trace the same way.
    pub options: Option<LoadOptions>,
    /// The four blocking profiles of the whole trace, when the options
    /// asked to fold them while it loaded.
    pub profiles: Option<AllProfiles>,
}

impl LoadedTrace {
    /// Writes the trace (or `opts`' range of it) as a Perfetto trace to
    /// `out`: the whole model, or for a big trace its overview's runtime
    /// tracks and then one detail tile per generation in the range (never
    /// more than one in memory). The error is one line.
    pub fn export_perfetto_file(
        &self,
        opts: &crate::export::ExportOptions,
        out: &Path,
        cancel: &AtomicBool,
    ) -> Result<crate::export::ExportStats, String> {
        let Some(src) = &self.tiles else {
            return crate::export::export_perfetto_file(&self.trace, opts, out, cancel);
        };
        let t = &self.trace;
        let gens = src.gens_in(
            opts.from_ns.unwrap_or(t.meta.start),
            opts.to_ns.unwrap_or(t.meta.end).saturating_add(1),
        );
        let mut tiles = gens.map(|k| {
            let (a, b) = src.time_range(&(k..k + 1));
            src.build(t, k..k + 1, cancel)
                .map(|tile| (tile, a, b))
                .map_err(|e| e.to_string())
        });
        crate::export::export_perfetto_tiled_file(t, opts, &mut tiles, out, cancel)
    }

    /// Why the file this trace was read from is not what was read any more
    /// (rewritten by a new `go test -trace` run, deleted), if it is not.
    pub fn changed_on_disk(&self) -> Option<String> {
        let (path, was) = self.file.as_ref()?;
        was.changed(path)
    }

    /// Go's goroutine analysis. Computed during the load and kept compact
    /// (about 100 bytes per goroutine); this expands it into the
    /// [`Summary`] structure (names as `String`s, maps as `Vec`s: about 270
    /// bytes per goroutine) the first time it is asked for.
    pub fn summary(&self) -> Option<&Summary> {
        match &self.goroutine_analysis {
            GoroutineAnalysis::Records(c) => Some(self.summary.get_or_init(|| c.expand())),
            GoroutineAnalysis::Groups(_) => None,
        }
    }

    /// Drops every goroutine's figures, keeping the table of groups (what
    /// a big trace keeps when it is opened to be viewed).
    pub fn keep_only_groups(&mut self) {
        if let GoroutineAnalysis::Groups(_) = self.goroutine_analysis {
            return;
        }
        self.group_table();
        if let Some(table) = self.table.take() {
            self.goroutine_analysis = GoroutineAnalysis::Groups(table);
            self.summary = OnceLock::new();
        }
    }

    /// The table of goroutine groups of the analysis (what the Goroutines
    /// tab shows): made from every goroutine's figures on first use, or
    /// computed by the load for a big trace.
    pub fn group_table(&self) -> &GroupTable {
        match &self.goroutine_analysis {
            GoroutineAnalysis::Groups(t) => t,
            // From the records themselves: the expanded summary costs
            // ~270 bytes a goroutine.
            GoroutineAnalysis::Records(c) => self.table.get_or_init(|| group_table(c)),
        }
    }
}

/// Loads a trace file with the [`LoadOptions::configured`].
pub fn load_path(
    path: &Path,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<LoadedTrace, LoadError> {
    load_path_with(path, LoadOptions::configured(), progress, cancel)
}

/// What a load says of a file that was cut or rewritten while it was read
/// (a new `go test -trace` run): what was read may mix two files or miss
/// its end, so it is not shown.
pub const CHANGED_WHILE_READ: &str = "the trace changed on disk while it was read";

/// Loads a trace file. Its bytes are read with positioned reads when the
/// reader needs them, never through a map: a file cut under the load makes
/// a read fail (where a map would kill the process with SIGBUS), and a file
/// that is not at the end of the load what it was at the start is an error
/// ([`CHANGED_WHILE_READ`]).
pub fn load_path_with(
    path: &Path,
    options: LoadOptions,
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
    let identity = FileIdentity::of(path).map_err(|e| err(io_message(&e)))?;
    let file = std::fs::File::open(path).map_err(|e| err(io_message(&e)))?;
    let reads = file_reads(path, file);
    let origin = TileOrigin {
        path: path.to_path_buf(),
        identity,
        options,
    };
    let data = TraceBytes::file(&*reads, identity.size());
    let loaded = load_data(
        &name,
        data,
        Some(&origin),
        Figures::AsOptions,
        progress,
        cancel,
    );
    // Whatever the load made of it (a loss, an error, or a trace mixing
    // two files if it was rewritten at the same size), it is not the file
    // that is there now.
    if !cancel.load(Ordering::Relaxed) && identity.changed(path).is_some() {
        return Err(err(CHANGED_WHILE_READ.into()));
    }
    let mut l = loaded?;
    l.file = Some((origin.path, origin.identity));
    Ok(l)
}

/// What a load reads a file through: the file.
#[cfg(not(test))]
fn file_reads(_path: &Path, file: std::fs::File) -> Box<dyn ReadAt> {
    Box::new(file)
}

/// What a load reads a file through: the file, or one that a test cuts or
/// rewrites at a chosen read (see [`cut_under_load`]).
#[cfg(test)]
fn file_reads(path: &Path, file: std::fs::File) -> Box<dyn ReadAt> {
    cut_under_load::reads(path, file)
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
    load_data(
        name,
        TraceBytes::Memory(data),
        None,
        Figures::AsOptions,
        progress,
        cancel,
    )
}

/// [`load_bytes`] of bytes in memory or in a file.
fn load_data(
    name: &str,
    data: TraceBytes<'_>,
    origin: Option<&TileOrigin>,
    figures: Figures,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<LoadedTrace, LoadError> {
    let start = Instant::now();
    let (mut loaded, recap) = load_pass(name, data, origin, figures, progress, cancel, None)?;
    if let Some(cap) = recap {
        // Reading failed inside a generation. Like go tool trace, the
        // timeline keeps only complete generations: read again up to the
        // last generation boundary (the goroutine analysis, as Go's, keeps
        // every event it saw).
        let (again, _) = load_pass(name, data, origin, figures, progress, cancel, Some(cap))?;
        let mut trace = Arc::unwrap_or_clone(again.trace);
        trace.meta = TraceMeta {
            loss: loaded.trace.meta.loss.clone(),
            generations: loaded.trace.meta.generations,
            ..trace.meta.clone()
        };
        loaded.trace = Arc::new(trace);
        loaded.tiles = again.tiles;
        loaded.gc_log = again.gc_log;
    }
    loaded.load_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(loaded)
}

/// Which figures of each goroutine a load's goroutine analysis keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Figures {
    /// Every goroutine's, except for a big trace whose options say not.
    AsOptions,
    /// Only the table of groups (the first generations shown while the
    /// whole trace loads: the Goroutines tab needs no more).
    Groups,
}

/// One pass over the events, stopping after `cap` events if given. Returns
/// the load and, when reading failed after the last generation boundary,
/// the number of events up to that boundary.
// N.B. over 80 lines: the steps of a pass in order (open, choose the
// model, feed the pipeline, make the tile source), each a few lines.
fn load_pass(
    name: &str,
    data: TraceBytes<'_>,
    origin: Option<&TileOrigin>,
    figures: Figures,
    progress: &Progress,
    cancel: &AtomicBool,
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
    let (header, mut reader) = EventReader::open(data).map_err(|e| err(e.to_string()))?;
    progress.set_phase(LoadPhase::Building);
    let extents = reader.extents().to_vec();
    if let (Some(f), Some(l)) = (extents.first(), extents.last()) {
        progress.set_axis((
            f.start_ns,
            l.last_batch_ns.max(f.start_ns.saturating_add(1)),
        ));
    }
    // A big v2 trace read from a file gets an overview and detail tiles.
    let tiled =
        origin.filter(|o| !extents.is_empty() && !o.options.whole_model_fits(data.len() as u64));
    let groups_only = figures == Figures::Groups;
    let summarizer = if groups_only || tiled.is_some_and(|o| !o.options.per_goroutine) {
        Summarizer::grouped()
    } else {
        Summarizer::new()
    };
    let layout = origin
        .and_then(|o| o.options.layout)
        .unwrap_or_else(Layout::for_this_machine);
    let mut feed = Feed {
        header: &header,
        version: version_name(&header),
        file_bytes: data.len(),
        cap,
        keep_syncs: tiled.is_some(),
        syncs: Vec::new(),
        recap: None,
    };
    let mut builder = model_builder(tiled.is_some(), &extents);
    let profiles = Arc::new(OnceLock::new());
    if origin.is_some_and(|o| o.options.profiles) {
        builder.set_span_sink(Box::new(ProfilesWhileLoading::new(Arc::clone(&profiles))));
    }
    let out = pipeline::run(layout, builder, summarizer, Some(progress), |sink| {
        feed.run(&mut reader, sink, progress, cancel).map_err(err)
    })?;
    progress
        .bytes_done
        .store(data.len() as u64, Ordering::Relaxed);
    progress.set_phase(LoadPhase::Done);
    let tiles = tiled.map(|o| {
        Arc::new(TileSource::new(
            o.path.clone(),
            o.identity,
            header.version,
            header.len,
            gen_spans(
                &extents,
                &feed.syncs,
                out.trace.meta.generations as usize,
                out.trace.meta.end,
            ),
            o.options.tile_budget(),
        ))
    });
    Ok((
        LoadedTrace {
            name: name.to_string(),
            trace: Arc::new(out.trace),
            tiles,
            file: None,
            goroutine_analysis: out.summary,
            summary: OnceLock::new(),
            table: OnceLock::new(),
            gc_log: out.gc_log,
            load_ms: 0.0,
            first_part: None,
            options: origin.map(|o| o.options),
            profiles: Arc::into_inner(profiles).and_then(OnceLock::into_inner),
        },
        feed.recap,
    ))
}

/// The model builder of a load: the whole model, or for a big trace
/// (`tiled`) an overview with about [`OVERVIEW_BUCKETS`] buckets across
/// the time of its generations.
fn model_builder(tiled: bool, extents: &[crate::trace::reader::GenExtent]) -> ModelBuilder {
    if !tiled {
        return ModelBuilder::whole();
    }
    let first = extents.first().map_or(0, |e| e.start_ns);
    let last = extents
        .iter()
        .map(|e| e.last_batch_ns)
        .max()
        .unwrap_or(first);
    ModelBuilder::overview((last.saturating_sub(first) / OVERVIEW_BUCKETS).max(1 << 10))
}

/// The reading side of a load pass: reads ordered events in chunks and
/// sends them to the pipeline's consumers, noting progress, generation
/// boundaries and how the stream ended.
struct Feed<'h> {
    header: &'h Header,
    version: String,
    file_bytes: usize,
    /// Stop after this many events (a second pass up to the last whole
    /// generation).
    cap: Option<u64>,
    /// Note each sync event (a tiled trace: where its tiles start).
    keep_syncs: bool,
    /// Each sync event's time, with the time of the last other event
    /// before it (the reader's clock a tile of its generation starts from).
    syncs: Vec<(crate::trace::Time, crate::trace::Time)>,
    /// Set when reading failed inside a generation: the events up to the
    /// last generation boundary, for a second pass.
    recap: Option<u64>,
}

/// What a [`Feed`] counted of the events it sent.
#[derive(Default)]
struct Sent {
    events: u64,
    /// Events other than the reader's sync events.
    real_events: u64,
    /// Events up to and including the last sync (generation boundary).
    through_sync: u64,
    last_time: crate::trace::Time,
}

impl Feed<'_> {
    /// Sends every event (or `cap` of them) to `sink`; how the stream ended.
    fn run(
        &mut self,
        reader: &mut EventReader<'_>,
        sink: &pipeline::Sink,
        progress: &Progress,
        cancel: &AtomicBool,
    ) -> Result<pipeline::End, String> {
        let mut chunk = Vec::new();
        let mut sent = Sent::default();
        let mut failure = None;
        loop {
            sink.recycle(&mut chunk);
            let want = self.cap.map_or(CHUNK_EVENTS, |c| {
                (c.saturating_sub(sent.events) as usize).min(CHUNK_EVENTS)
            });
            if want == 0 {
                break;
            }
            let res = reader.read_chunk(&mut chunk, want);
            let got = chunk.len();
            self.count(&chunk, &mut sent);
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
                return Err("loading cancelled".into());
            }
            progress.events.store(sent.events, Ordering::Relaxed);
            progress.bytes_done.store(
                (self.header.len + reader.consumed_bytes()) as u64,
                Ordering::Relaxed,
            );
        }
        progress.events.store(sent.events, Ordering::Relaxed);
        progress.set_phase(LoadPhase::Finishing);
        self.end(reader, &sent, failure)
    }

    /// Counts a chunk's events and notes its generation boundaries.
    fn count(&mut self, chunk: &[crate::trace::Event], sent: &mut Sent) {
        if let Some(i) = chunk.iter().rposition(|e| e.typ == EventType::SYNC_EVENT) {
            sent.through_sync = sent.events + i as u64 + 1;
        }
        for e in chunk {
            if e.typ == EventType::SYNC_EVENT {
                if self.keep_syncs {
                    self.syncs.push((e.time, sent.last_time));
                }
            } else {
                sent.last_time = e.time;
                sent.real_events += 1;
            }
        }
        sent.events += chunk.len() as u64;
    }

    /// How the stream ended: the loss if reading failed or the trace was
    /// cut, and whether a second pass should stop at the last whole
    /// generation.
    fn end(
        &mut self,
        reader: &EventReader<'_>,
        sent: &Sent,
        mut failure: Option<crate::trace::TraceError>,
    ) -> Result<pipeline::End, String> {
        if failure.is_none() && sent.real_events == 0 {
            return Err("the trace contains no events".into());
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
        let partial = failure.is_some()
            && self.cap.is_none()
            && sent.events > sent.through_sync
            && sent.through_sync > 0;
        let mut loss = None;
        if let Some(e) = failure {
            if sent.real_events == 0 {
                return Err(e.to_string());
            }
            let kept = self.header.len + reader.completed_bytes();
            loss = Some(Loss {
                message: first_line(&e.to_string()),
                bytes_lost: (self.file_bytes - kept.min(self.file_bytes)) as u64,
            });
        }
        self.recap = partial.then_some(sent.through_sync);
        Ok(pipeline::End {
            version: self.version.clone(),
            file_bytes: self.file_bytes as u64,
            generations: reader.generations() - u64::from(partial),
            loss,
        })
    }
}

/// The generations read, from their extents (the batches) and the times
/// of the sync events the reader made for them (the k-th starts the k-th
/// generation) with the time of the last event before each. A
/// generation's bytes end where the next one's begin (Go before 1.26
/// finds the end of a generation by reading the next one's first batch).
fn gen_spans(
    extents: &[crate::trace::reader::GenExtent],
    syncs: &[(crate::trace::Time, crate::trace::Time)],
    generations: usize,
    end: crate::trace::Time,
) -> Vec<GenSpan> {
    let n = generations.min(extents.len()).min(syncs.len());
    (0..n)
        .map(|k| GenSpan {
            body_range: (
                extents[k].body_range.0,
                extents
                    .get(k + 1)
                    .map_or(extents[k].body_range.1, |e| e.body_range.0),
            ),
            start_ns: syncs[k].0,
            end_ns: syncs
                .get(k + 1)
                .map_or(end, |s| s.0)
                .min(end)
                .max(syncs[k].0),
            clock_before: syncs[k].1,
        })
        .collect()
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
        assert_eq!(l.summary().expect("records").goroutines.len(), n);
        assert!(std::ptr::eq(l.summary().unwrap(), l.summary().unwrap()));
    }
}
