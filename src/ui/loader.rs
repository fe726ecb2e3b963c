//! Loading off the UI thread: a named thread per trace reads a file, a
//! dropped file's bytes or a URL (fetched with progress), runs the engine's
//! loader with its progress and cancel flag, builds the UI indexes, and
//! hands back the result; the window keeps repainting meanwhile.

use super::derived::TraceData;
use crate::load::{load_bytes, load_path_with, LoadError, LoadOptions, Progress};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
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

    /// Name shown in tabs and messages.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Url(u) => u.clone(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }
}

/// True for http:// and https:// URLs.
pub fn is_url(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// Download progress of a URL.
#[derive(Debug, Default)]
pub struct FetchProgress {
    /// Bytes received.
    pub bytes: AtomicU64,
    /// Content-Length (0 if unknown).
    pub total: AtomicU64,
    /// Set once the download is complete.
    pub done: AtomicBool,
}

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
    cancel: Arc<AtomicBool>,
    rx: mpsc::Receiver<Result<TraceData, LoadError>>,
    /// Where the view was, when this load reads a trace again.
    pub restore: Option<super::reload::ViewSnapshot>,
}

impl LoadJob {
    /// Starts loading on a new thread with `options` (see
    /// [`LoadOptions`]); `ctx` is asked to repaint when done.
    pub fn start(source: Source, options: LoadOptions, ctx: Option<egui::Context>) -> LoadJob {
        let progress = Arc::new(Progress::default());
        let cancel = Arc::new(AtomicBool::new(false));
        let fetch = matches!(source, Source::Url(_)).then(|| Arc::new(FetchProgress::default()));
        let (tx, rx) = mpsc::channel();
        let name = source.name();
        let (p, c, f) = (progress.clone(), cancel.clone(), fetch.clone());
        let spawned = std::thread::Builder::new()
            .name("trace-loader".into())
            .spawn(move || {
                let res = run(source, options, &p, &c, f.as_deref()).map(TraceData::new);
                let _ = tx.send(res);
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
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
            cancel,
            rx,
            restore: None,
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
    }

    /// True once cancel was asked.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

fn run(
    source: Source,
    options: LoadOptions,
    p: &Progress,
    cancel: &AtomicBool,
    fetch: Option<&FetchProgress>,
) -> Result<crate::load::LoadedTrace, LoadError> {
    match source {
        Source::Path(path) => load_path_with(&path, options, p, cancel),
        Source::Bytes { name, data } => load_bytes(&name, &data, p, cancel),
        Source::Url(url) => {
            let data = super::fetch::fetch(&url, fetch, cancel)?;
            load_bytes(&url, &data, p, cancel)
        }
    }
}
