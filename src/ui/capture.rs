//! Live capture: fetch a trace from a program's `/debug/pprof/trace`
//! endpoint for a number of seconds, once or every N seconds (keeping the
//! last K), streamed to a file in the captures folder and opened in a new
//! tab. A thread does the fetching; the window shows a countdown and Stop.

use super::fetch::fetch_to_file;
use super::fetch::FetchProgress;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureSettings {
    /// The endpoint (`http://host:6060/debug/pprof/trace`).
    pub url: String,
    /// Seconds to trace for.
    pub seconds: u32,
    /// Capture again every `every_s` seconds.
    pub repeat: bool,
    /// Seconds from one capture's start to the next.
    pub every_s: u32,
    /// Captures kept when repeating (older tabs close, their files go).
    pub keep: usize,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings {
            url: "http://localhost:6060/debug/pprof/trace".into(),
            seconds: 5,
            repeat: false,
            every_s: 30,
            keep: 3,
        }
    }
}

/// `url` asking for `seconds` of trace (sets or replaces `seconds=`).
pub fn with_seconds(url: &str, seconds: u32) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("seconds="))
        .map(str::to_string)
        .collect();
    parts.push(format!("seconds={seconds}"));
    format!("{base}?{}", parts.join("&"))
}

/// What a capture thread is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Fetching; the server answers once the time has passed.
    Capturing {
        /// When the server should answer.
        until: Instant,
    },
    /// Waiting for the next capture.
    Waiting {
        /// When it begins.
        until: Instant,
    },
    /// Done or stopped.
    Finished,
}

/// A capture's outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureEvent {
    /// A trace was written here.
    Written(PathBuf),
    /// A capture failed (one line).
    Failed(String),
}

/// A running capture (once or repeated).
pub struct CaptureJob {
    /// What was asked for.
    pub settings: CaptureSettings,
    /// The files written by this job that are kept, oldest first.
    pub kept: Vec<PathBuf>,
    /// Bytes of the capture in progress.
    pub progress: Arc<FetchProgress>,
    phase: Arc<Mutex<Phase>>,
    cancel: Arc<AtomicBool>,
    rx: mpsc::Receiver<CaptureEvent>,
}

impl CaptureJob {
    /// Starts capturing into `dir`; `ctx` repaints on each event.
    pub fn start(settings: CaptureSettings, dir: PathBuf, ctx: egui::Context) -> CaptureJob {
        let (tx, rx) = mpsc::channel();
        let phase = Arc::new(Mutex::new(Phase::Capturing {
            until: Instant::now() + Duration::from_secs(u64::from(settings.seconds)),
        }));
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(FetchProgress::default());
        let (s, p, c, pr) = (
            settings.clone(),
            phase.clone(),
            cancel.clone(),
            progress.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || capture_loop(&s, &dir, &p, &c, &pr, &tx, &ctx));
        if let Err(e) = spawned {
            let (tx, rx2) = mpsc::channel();
            let _ = tx.send(CaptureEvent::Failed(format!("cannot start capturing: {e}")));
            *phase
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Phase::Finished;
            return CaptureJob {
                settings,
                kept: Vec::new(),
                progress,
                phase,
                cancel,
                rx: rx2,
            };
        }
        CaptureJob {
            settings,
            kept: Vec::new(),
            progress,
            phase,
            cancel,
            rx,
        }
    }

    /// What it is doing now.
    pub fn phase(&self) -> Phase {
        *self
            .phase
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stops it (a capture in flight is dropped).
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
        *self
            .phase
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Phase::Finished;
    }

    /// Events since the last call.
    pub fn poll(&self) -> Vec<CaptureEvent> {
        self.rx.try_iter().collect()
    }

    /// Records a written capture; returns the files beyond the last K, to
    /// close and delete.
    pub fn keep(&mut self, path: PathBuf) -> Vec<PathBuf> {
        self.kept.push(path);
        let limit = if self.settings.repeat {
            self.settings.keep.max(1)
        } else {
            usize::MAX
        };
        let extra = self.kept.len().saturating_sub(limit);
        self.kept.drain(..extra).collect()
    }
}

fn capture_loop(
    s: &CaptureSettings,
    dir: &std::path::Path,
    phase: &Mutex<Phase>,
    cancel: &AtomicBool,
    progress: &FetchProgress,
    tx: &mpsc::Sender<CaptureEvent>,
    ctx: &egui::Context,
) {
    let set = |p: Phase| {
        if !cancel.load(Ordering::Relaxed) {
            *phase
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = p;
        }
    };
    let url = with_seconds(s.url.trim(), s.seconds);
    loop {
        let started = Instant::now();
        set(Phase::Capturing {
            until: started + Duration::from_secs(u64::from(s.seconds)),
        });
        progress.bytes.store(0, Ordering::Relaxed);
        let ev = match fetch_to_file(&url, dir, Some(progress), cancel) {
            Ok(p) => CaptureEvent::Written(p),
            Err(e) => CaptureEvent::Failed(e.to_string()),
        };
        if cancel.load(Ordering::Relaxed) {
            // Stopped as this capture finished: it goes like one in
            // flight, without a tab or a file.
            if let CaptureEvent::Written(p) = &ev {
                let _ = std::fs::remove_file(p);
            }
            break;
        }
        if tx.send(ev).is_err() {
            break;
        }
        ctx.request_repaint();
        if !s.repeat {
            break;
        }
        let next = started + Duration::from_secs(u64::from(s.every_s.max(s.seconds).max(1)));
        set(Phase::Waiting { until: next });
        while Instant::now() < next {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    set(Phase::Finished);
    ctx.request_repaint();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duration_goes_in_the_query() {
        assert_eq!(
            with_seconds("http://h:6060/debug/pprof/trace", 5),
            "http://h:6060/debug/pprof/trace?seconds=5"
        );
        assert_eq!(
            with_seconds("http://h/debug/pprof/trace?seconds=1&debug=0", 3),
            "http://h/debug/pprof/trace?debug=0&seconds=3"
        );
    }
}
