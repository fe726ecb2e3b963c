//! Loading off the UI thread: a named thread per trace reads a file, a
//! dropped file's bytes or a URL (streamed to a file in the captures
//! folder with progress), runs the engine's loader with its progress and
//! cancel flag, builds the UI indexes, and hands back the result; then it
//! hashes the content (the key of the trace's bookmarks). The window keeps
//! repainting meanwhile.

use super::derived::TraceData;
use crate::load::{load_bytes, load_path_with, LoadError, LoadOptions, Progress};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Where a trace comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// An http(s) URL (e.g. net/http/pprof's /debug/pprof/trace).
    Url(String),
    /// Bytes already in memory (a dropped file without a path).
    Bytes {
        /// Display name.
        name: String,
        /// Contents.
        data: Arc<[u8]>,
    },
}

impl Source {
    /// A command-line argument: a URL if it starts with http:// or https://, else a path.
    pub fn from_arg(arg: &str) -> Source {
        if is_url(arg) {
            Source::Url(arg.to_string())
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// What the recent-files list keeps: an absolute path (so that it opens
    /// from any directory) or the URL; None for dropped bytes.
    pub fn recent_entry(&self) -> Option<String> {
        match self {
            Source::Path(p) => Some(
                std::fs::canonicalize(p)
                    .or_else(|_| std::path::absolute(p))
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string(),
            ),
            Source::Url(u) => Some(u.clone()),
            Source::Bytes { .. } => None,
        }
    }

    /// Name shown in tabs and messages.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Url(u) => u.clone(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }
}

pub use super::fetch::is_url;

/// Download progress of a URL (kept with the download).
pub use super::fetch::FetchProgress;

/// A load in progress.
pub struct LoadJob {
    /// What is loaded.
    pub source_name: String,
    /// The engine's progress.
    pub progress: Arc<Progress>,
    /// Download progress (URLs).
    pub fetch: Option<Arc<FetchProgress>>,
    /// When it began.
    pub started: Instant,
    /// The entry for the recent-files list (see [`Source::recent_entry`]).
    pub recent_entry: Option<String>,
    /// The content hash of the trace, set after it loaded (see [`content_key`]).
    pub content_key: Arc<OnceLock<String>>,
    cancel: Arc<AtomicBool>,
    rx: mpsc::Receiver<Result<TraceData, LoadError>>,
    /// Where the view was, when this load reads a trace again.
    pub restore: Option<Box<super::reload::ViewSnapshot>>,
    /// The first generations of a big trace, loaded on their own.
    early: EarlyLoad,
}

/// The first generations of a big trace, loaded on their own thread while
/// the whole trace loads, and then shown: zoomable and clickable long
/// before the load ends (see `load::load_first_generations`).
#[derive(Default)]
struct EarlyLoad {
    rx: Option<mpsc::Receiver<TraceData>>,
    /// Stops it: the whole load ended first, or was cancelled.
    cancel: Arc<AtomicBool>,
    /// Its view, once loaded.
    view: Option<Box<super::view::TraceView>>,
    /// What its view showed first: if it shows the same at the end, the
    /// user did not move in it.
    shown_first: Option<super::reload::ViewSnapshot>,
    /// What its view showed when it was closed, as the whole load was
    /// finishing (to keep its memory out of the load's peak).
    shown_last: Option<super::reload::ViewSnapshot>,
}

impl EarlyLoad {
    /// Loads the first generations of the file at `path`, if it is big
    /// enough for that to help.
    fn start(
        path: PathBuf,
        options: LoadOptions,
        whole: Arc<Progress>,
        ctx: Option<egui::Context>,
    ) -> EarlyLoad {
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let c = cancel.clone();
        let spawned = std::thread::Builder::new()
            .name("first-generations".into())
            .spawn(move || {
                // Failures are the whole load's to report.
                if let Ok(Some(l)) = crate::load::load_first_generations(&path, options, &whole, &c)
                {
                    if !c.load(Ordering::Relaxed) && tx.send(TraceData::new(l)).is_ok() {
                        if let Some(ctx) = &ctx {
                            ctx.request_repaint();
                        }
                    }
                }
            });
        EarlyLoad {
            rx: spawned.is_ok().then_some(rx),
            cancel,
            view: None,
            shown_first: None,
            shown_last: None,
        }
    }
}

impl LoadJob {
    /// Starts loading on a new thread with `options` (see
    /// [`LoadOptions`]); `ctx` is asked to repaint when done; URLs are
    /// downloaded into `captures`.
    pub fn start(
        source: Source,
        options: LoadOptions,
        ctx: Option<egui::Context>,
        captures: PathBuf,
    ) -> LoadJob {
        let progress = Arc::new(Progress::default());
        let cancel = Arc::new(AtomicBool::new(false));
        let fetch = matches!(source, Source::Url(_)).then(|| Arc::new(FetchProgress::default()));
        let (tx, rx) = mpsc::channel();
        let name = source.name();
        let recent_entry = source.recent_entry();
        let early = match &source {
            Source::Path(p) => EarlyLoad::start(p.clone(), options, progress.clone(), ctx.clone()),
            _ => EarlyLoad::default(),
        };
        let early_cancel = early.cancel.clone();
        let content_key = Arc::new(OnceLock::new());
        let (p, c, f, k) = (
            progress.clone(),
            cancel.clone(),
            fetch.clone(),
            content_key.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("trace-loader".into())
            .spawn(move || {
                let (res, hash_of) = match run(source, options, &p, &c, f.as_deref(), &captures) {
                    Ok((l, h)) => (Ok(TraceData::new(l)), Some(h)),
                    Err(e) => (Err(e), None),
                };
                early_cancel.store(true, Ordering::Relaxed);
                let _ = tx.send(res);
                if let Some(ctx) = &ctx {
                    ctx.request_repaint();
                }
                // Off the critical path: the view shows before its bookmarks.
                if let Some(key) = hash_of.and_then(|h| h.key()) {
                    let _ = k.set(key);
                    if let Some(ctx) = &ctx {
                        ctx.request_repaint();
                    }
                }
            });
        let (rx, fail) = match spawned {
            Ok(_) => (rx, None),
            Err(e) => (rx, Some(e.to_string())),
        };
        let job = LoadJob {
            source_name: name.clone(),
            progress,
            fetch,
            started: Instant::now(),
            recent_entry,
            content_key,
            cancel,
            rx,
            restore: None,
            early,
        };
        if let Some(m) = fail {
            // No thread: report through a fresh channel.
            let (tx, rx) = mpsc::channel();
            let _ = tx.send(Err(LoadError {
                file: name,
                message: format!("cannot start the loader thread: {m}"),
            }));
            return LoadJob { rx, ..job };
        }
        job
    }

    /// The result, once the load has finished.
    pub fn poll(&self) -> Option<Result<TraceData, LoadError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(LoadError {
                file: self.source_name.clone(),
                message: "the loader stopped unexpectedly".into(),
            })),
        }
    }

    /// Waits for the result (tests, bench).
    pub fn wait(&self, timeout: Duration) -> Option<Result<TraceData, LoadError>> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Asks the loader to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.early.cancel.store(true, Ordering::Relaxed);
    }

    /// The view of the trace's first generations, once they loaded (a big
    /// trace, while the whole of it loads), where the view was before a
    /// reload.
    pub fn early_view(&mut self) -> Option<&mut super::view::TraceView> {
        if self.progress.phase() >= crate::load::LoadPhase::Finishing {
            // The whole trace is a moment away, and the load's memory at
            // its peak: close the view, remembering where it was.
            self.early.rx = None;
            if let Some(v) = self.early.view.take() {
                self.early.shown_last = Some(v.snapshot());
                drop(v);
                // Off the UI thread: a trim walks every arena of a heap
                // of gigabytes.
                let trim = std::thread::Builder::new().name("return-freed-memory".into());
                let _ = trim.spawn(crate::load::return_freed_memory);
            }
            return None;
        }
        if let Some(data) = self.early.rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.early.rx = None;
            let mut v = super::view::TraceView::new(data);
            if let Some(s) = &self.restore {
                v.restore(s);
            }
            self.early.shown_first = Some(v.snapshot());
            self.early.view = Some(Box::new(v));
        }
        self.early.view.as_deref_mut()
    }

    /// Where the loaded trace's view should open: where the user went in
    /// the view of the first generations, else where the view was before
    /// a reload. Ends that view.
    pub fn take_restore(&mut self) -> Option<Box<super::reload::ViewSnapshot>> {
        self.early.rx = None;
        let last = self.early.view.take().map(|v| v.snapshot());
        let moved = last
            .or_else(|| self.early.shown_last.take())
            .filter(|s| self.early.shown_first.as_ref() != Some(s));
        moved.map(Box::new).or_else(|| self.restore.take())
    }

    /// True once cancel was asked.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// What to hash for the content key: the file, or bytes in memory.
enum HashOf {
    File(PathBuf),
    Bytes(Arc<[u8]>),
}

impl HashOf {
    fn key(&self) -> Option<String> {
        match self {
            HashOf::File(p) => file_content_key(p).ok(),
            HashOf::Bytes(b) => Some(content_key(b)),
        }
    }
}

fn run(
    source: Source,
    options: LoadOptions,
    p: &Progress,
    cancel: &AtomicBool,
    fetch: Option<&FetchProgress>,
    captures: &Path,
) -> Result<(crate::load::LoadedTrace, HashOf), LoadError> {
    match source {
        Source::Path(path) => {
            load_path_with(&path, options, p, cancel).map(|l| (l, HashOf::File(path)))
        }
        Source::Bytes { name, data } => {
            load_bytes(&name, &data, p, cancel).map(|l| (l, HashOf::Bytes(data)))
        }
        Source::Url(url) => {
            let path = super::fetch::fetch_to_file(&url, captures, fetch, cancel)?;
            let mut l = load_path_with(&path, options, p, cancel).map_err(|e| LoadError {
                file: url.clone(),
                message: e.message,
            })?;
            l.name = url;
            Ok((l, HashOf::File(path)))
        }
    }
}

/// A 64-bit hash of the whole content and its length, in hex: the same
/// trace file gets the same key wherever it lives.
pub fn content_key(data: &[u8]) -> String {
    let mut h = ContentHasher::default();
    h.update(data);
    h.finish()
}

/// [`content_key`] of a file, read in 1 MiB blocks.
pub fn file_content_key(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = ContentHasher::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// FNV-style mixing of 8-byte words (fast; not cryptographic). Blocks are
/// fed in any sizes: a partial word is carried to the next block.
#[derive(Default)]
struct ContentHasher {
    h: u64,
    len: u64,
    carry: Vec<u8>,
}

impl ContentHasher {
    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if !self.carry.is_empty() {
            let take = (8 - self.carry.len()).min(data.len());
            self.carry.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.carry.len() == 8 {
                let w = std::mem::take(&mut self.carry);
                self.word(&w);
            }
        }
        let mut words = data.chunks_exact(8);
        for w in &mut words {
            self.word(w);
        }
        self.carry.extend_from_slice(words.remainder());
    }

    fn word(&mut self, w: &[u8]) {
        let mut b = [0u8; 8];
        b[..w.len()].copy_from_slice(w);
        self.h = (self.h ^ u64::from_le_bytes(b))
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29);
    }

    fn finish(mut self) -> String {
        let tail = std::mem::take(&mut self.carry);
        if !tail.is_empty() {
            self.word(&tail);
        }
        format!("{:016x}-{}", self.h, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_key_does_not_depend_on_block_sizes() {
        let data: Vec<u8> = (0..10_007u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = content_key(&data);
        let mut h = ContentHasher::default();
        for c in data.chunks(13) {
            h.update(c);
        }
        assert_eq!(h.finish(), whole);
        let mut other = data.clone();
        other[5000] ^= 1;
        assert_ne!(content_key(&other), whole);
        assert!(whole.ends_with("-10007"));
    }
}
