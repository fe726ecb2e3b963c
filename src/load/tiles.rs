//! Detail tiles of a big trace. The load keeps the overview (lanes folded
//! into buckets) and where each generation is in the file; the spans of a
//! few generations are read again when the view needs them: from the file
//! (not a map, so a file truncated under us is an error, never a SIGBUS),
//! ordered on their own (as Go's parser reads a trace that starts at any
//! generation) and built into a [`Trace`] in the overview's goroutine
//! indexes. Tiles are built on rayon threads and kept in a cache under a
//! memory budget, least recently used first out.

use crate::analysis::fold::TileParts;
use crate::model::{ModelBuilder, Trace};
use crate::trace::reader::V2Reader;
use crate::trace::Time;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What identifies the contents of a file without reading it: rewriting
/// it (a new `go test -trace` run) changes at least one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIdentity {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl FileIdentity {
    /// The identity of the file at `path` now.
    pub fn of(path: &Path) -> std::io::Result<FileIdentity> {
        let m = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(FileIdentity {
            len: m.len(),
            modified: m.modified().ok(),
            inode,
        })
    }

    /// Why the file at `path` is not the one whose identity was `self`
    /// any more (rewritten, deleted), if it is not: one line.
    pub fn changed(&self, path: &Path) -> Option<String> {
        match FileIdentity::of(path) {
            Ok(now) if now == *self => None,
            Ok(_) => Some(format!("{}: the trace changed on disk", path.display())),
            Err(e) => Some(format!("{}: {e}", path.display())),
        }
    }
}

/// One generation of the trace: where its bytes are and when it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSpan {
    /// Offsets of its batches in the trace body (after the header).
    pub body_range: (usize, usize),
    /// Its first event (the sync event the reader makes for it).
    pub start_ns: Time,
    /// The next generation's start, or the trace's end.
    pub end_ns: Time,
    /// Time of the last event before it: Go's reader makes event times
    /// strictly increasing across generations, so a tile starts its clock
    /// there to give every event the time the whole read gave it.
    pub clock_before: Time,
}

/// Where the detail of a big trace comes from: the file and its
/// generations.
#[derive(Debug, Clone)]
pub struct TileSource {
    /// The trace file.
    pub path: PathBuf,
    identity: FileIdentity,
    /// Format version (22, 23, 25, 26).
    pub version: u32,
    /// Length of the file header (the body starts there).
    pub header_len: usize,
    /// The generations read by the load, in order.
    pub gens: Vec<GenSpan>,
    /// Bytes of tiles the cache may keep.
    pub budget_bytes: u64,
}

/// Why a tile could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileError {
    /// The file is not the one that was loaded any more.
    Changed(String),
    /// Reading or ordering failed.
    Failed(String),
}

impl std::fmt::Display for TileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TileError::Changed(m) | TileError::Failed(m) => f.write_str(m),
        }
    }
}

impl TileSource {
    /// A source for `path` as it is now (`identity` taken before it was
    /// read), with the generations the load found.
    pub fn new(
        path: PathBuf,
        identity: FileIdentity,
        version: u32,
        header_len: usize,
        gens: Vec<GenSpan>,
        budget_bytes: u64,
    ) -> TileSource {
        TileSource {
            path,
            identity,
            version,
            header_len,
            gens,
            budget_bytes,
        }
    }

    /// The generations overlapping `[t0, t1)` (at least one when there
    /// are any).
    pub fn gens_in(&self, t0: Time, t1: Time) -> Range<usize> {
        let n = self.gens.len();
        let a = self
            .gens
            .partition_point(|g| g.end_ns <= t0)
            .min(n.saturating_sub(1));
        let b = self
            .gens
            .partition_point(|g| g.start_ns < t1)
            .max(a + 1)
            .min(n);
        a..b
    }

    /// The time range of generations `gens`.
    pub fn time_range(&self, gens: &Range<usize>) -> (Time, Time) {
        let first = self.gens.get(gens.start).map_or(0, |g| g.start_ns);
        let last = gens
            .end
            .checked_sub(1)
            .and_then(|i| self.gens.get(i))
            .map_or(first, |g| g.end_ns);
        (first, last)
    }

    /// Why the file is not the one that was loaded any more, if it is not.
    pub fn changed(&self) -> Option<String> {
        self.identity.changed(&self.path)
    }

    /// Reads generations `gens` again and builds their whole model (every
    /// span, interval, flow and counter) in the indexes of `whole` (the
    /// overview the load made): a window of the trace's whole model, the
    /// spans and intervals open at its edges whole.
    pub fn build(
        &self,
        whole: &Trace,
        gens: Range<usize>,
        cancel: &AtomicBool,
    ) -> Result<Trace, TileError> {
        self.build_parts(whole, gens, TileParts::Full, cancel)
    }

    /// [`TileSource::build`], with only `parts` of the model (a fold that
    /// reads only goroutine lanes gets tiles without proc and thread
    /// intervals, flows and counters: a third of the memory).
    pub fn build_parts(
        &self,
        whole: &Trace,
        gens: Range<usize>,
        parts: TileParts,
        cancel: &AtomicBool,
    ) -> Result<Trace, TileError> {
        if gens.is_empty() || gens.end > self.gens.len() {
            return Err(TileError::Failed(format!("no generations {gens:?}")));
        }
        if let Some(m) = self.changed() {
            return Err(TileError::Changed(m));
        }
        let from = self.gens[gens.start].body_range.0;
        let to = self.gens[gens.end - 1].body_range.1;
        let bytes = self.read_body(from, to)?;
        let mut reader = V2Reader::new(&bytes, self.version, self.header_len + from);
        reader.set_clock(self.gens[gens.start].clock_before);
        let mut b = match parts {
            TileParts::Full => ModelBuilder::tile(&whole.strings, &whole.stacks),
            TileParts::Lanes => ModelBuilder::tile_lanes(&whole.strings, &whole.stacks),
        };
        let end = self.gens.get(gens.end).map(|g| g.start_ns);
        b.carry_edges_from(whole, self.gens[gens.start].start_ns, end);
        let mut chunk = Vec::new();
        loop {
            chunk.clear();
            let res = reader.read_chunk(&mut chunk, crate::trace::source::CHUNK_EVENTS);
            let table = reader.table().clone();
            for ev in &chunk {
                b.event(ev, &table);
            }
            if let Err(e) = res {
                return Err(TileError::Failed(format!(
                    "{}: generations {}-{}: {}",
                    self.path.display(),
                    gens.start + 1,
                    gens.end,
                    e.to_string().lines().next().unwrap_or("")
                )));
            }
            if chunk.is_empty() {
                break;
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(TileError::Failed("cancelled".into()));
            }
        }
        Ok(b.finish(whole.meta.version.clone(), 0, gens.len() as u64)
            .into_tile_of(whole))
    }

    /// The own time of the tile of generations `gens`: from its first
    /// generation's start to the next generation's (`None` after the last).
    /// (The first tile's begins at `Time::MIN`, as a resident trace's one
    /// tile does.)
    pub fn own_time(&self, gens: &Range<usize>) -> (Time, Option<Time>) {
        let from = match gens.start {
            0 => Time::MIN,
            k => self.gens.get(k).map_or(0, |g| g.start_ns),
        };
        (from, self.gens.get(gens.end).map(|g| g.start_ns))
    }

    /// Bytes `from..to` of the trace body, read from the file.
    fn read_body(&self, from: usize, to: usize) -> Result<Vec<u8>, TileError> {
        let changed = |e: std::io::Error| {
            TileError::Changed(format!(
                "{}: the trace changed on disk ({e})",
                self.path.display()
            ))
        };
        let f = std::fs::File::open(&self.path).map_err(changed)?;
        let mut buf = vec![0u8; to - from];
        let at = (self.header_len + from) as u64;
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&f, &mut buf, at).map_err(changed)?;
        #[cfg(not(unix))]
        {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = f;
            f.seek(SeekFrom::Start(at)).map_err(changed)?;
            f.read_exact(&mut buf).map_err(changed)?;
        }
        Ok(buf)
    }
}

/// What the cache has for some generations.
#[derive(Debug, Clone)]
pub enum TileStatus {
    /// Built: the model of (at least) those generations.
    Ready(Arc<Trace>),
    /// Being built.
    Building,
    /// Could not be built.
    Failed(TileError),
}

struct Entry {
    gens: Range<usize>,
    status: TileStatus,
    bytes: u64,
    last_used: u64,
}

#[derive(Default)]
struct CacheState {
    entries: Vec<Entry>,
    clock: u64,
}

/// A callback run when a tile is ready (the viewer repaints).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// The detail tiles of one trace: built on demand on rayon threads, kept
/// least recently used first out under the source's budget.
pub struct TileCache {
    src: Arc<TileSource>,
    whole: Arc<Trace>,
    state: Mutex<CacheState>,
    notify: Mutex<Option<Notify>>,
    cancel: AtomicBool,
}

/// Requests older than this many newer ones are not built any more.
const STALE_REQUESTS: u64 = 8;

impl TileCache {
    /// An empty cache for the tiles of `src` in the indexes of `whole`.
    pub fn new(src: Arc<TileSource>, whole: Arc<Trace>) -> Arc<TileCache> {
        Arc::new(TileCache {
            src,
            whole,
            state: Mutex::new(CacheState::default()),
            notify: Mutex::new(None),
            cancel: AtomicBool::new(false),
        })
    }

    /// The source of the tiles.
    pub fn source(&self) -> &TileSource {
        &self.src
    }

    /// Sets what to call when a tile is ready.
    pub fn set_notify(&self, f: Notify) {
        if let Ok(mut n) = self.notify.lock() {
            *n = Some(f);
        }
    }

    /// Stops building (the trace was closed).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The tile for generations `gens` if one is built (a tile covering
    /// more generations will do), else starts building it (unless
    /// `start` is false) and says so.
    pub fn request(self: &Arc<Self>, gens: Range<usize>, start: bool) -> TileStatus {
        let Ok(mut st) = self.state.lock() else {
            return TileStatus::Failed(TileError::Failed("tile cache poisoned".into()));
        };
        st.clock += 1;
        let now = st.clock;
        let covering = st.entries.iter_mut().find(|e| {
            e.gens.start <= gens.start
                && gens.end <= e.gens.end
                && matches!(e.status, TileStatus::Ready(_))
        });
        if let Some(e) = covering {
            e.last_used = now;
            return e.status.clone();
        }
        if let Some(e) = st.entries.iter_mut().find(|e| e.gens == gens) {
            e.last_used = now;
            return e.status.clone();
        }
        if !start {
            return TileStatus::Building;
        }
        st.entries.push(Entry {
            gens: gens.clone(),
            status: TileStatus::Building,
            bytes: 0,
            last_used: now,
        });
        drop(st);
        let me = Arc::clone(self);
        rayon::spawn(move || me.build(gens));
        TileStatus::Building
    }

    /// Builds a requested tile, unless it went stale meanwhile.
    fn build(&self, gens: Range<usize>) {
        let stale = self.state.lock().map_or(true, |st| {
            st.entries
                .iter()
                .find(|e| e.gens == gens)
                .is_none_or(|e| st.clock - e.last_used > STALE_REQUESTS)
        });
        if stale {
            if let Ok(mut st) = self.state.lock() {
                st.entries.retain(|e| e.gens != gens);
            }
            return;
        }
        let res = self.src.build(&self.whole, gens.clone(), &self.cancel);
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        if let Some(e) = st.entries.iter_mut().find(|e| e.gens == gens) {
            match res {
                Ok(t) => {
                    e.bytes = t.heap_bytes() as u64;
                    e.status = TileStatus::Ready(Arc::new(t));
                }
                Err(err) => e.status = TileStatus::Failed(err),
            }
        }
        Self::evict(&mut st, self.src.budget_bytes, &gens);
        drop(st);
        let notify = self.notify.lock().ok().and_then(|n| n.clone());
        if let Some(f) = notify {
            f();
        }
    }

    /// Drops the least recently used tiles (never `keep`) until the ready
    /// ones fit in `budget`.
    fn evict(st: &mut CacheState, budget: u64, keep: &Range<usize>) {
        loop {
            let total: u64 = st.entries.iter().map(|e| e.bytes).sum();
            if total <= budget {
                return;
            }
            let victim = st
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| &e.gens != keep && matches!(e.status, TileStatus::Ready(_)))
                .min_by_key(|(_, e)| e.last_used)
                .map(|(i, _)| i);
            match victim {
                Some(i) => {
                    st.entries.swap_remove(i);
                }
                None => return,
            }
        }
    }

    /// Bytes of the tiles kept.
    pub fn bytes(&self) -> u64 {
        self.state
            .lock()
            .map_or(0, |st| st.entries.iter().map(|e| e.bytes).sum())
    }
}
