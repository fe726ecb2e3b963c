//! "Watch folder…": a thread looks at a folder twice a second and reports
//! each new Go trace file (by its `go 1.` header) once it has stopped
//! growing — the flight recorder's snapshots, a test rerun with `-trace` —
//! newest first. Files there before watching began are ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, SystemTime};

/// How often the folder is listed.
pub const POLL: Duration = Duration::from_millis(500);

/// A watched folder.
pub struct FolderWatch {
    /// The folder.
    pub dir: PathBuf,
    cancel: Arc<AtomicBool>,
    rx: mpsc::Receiver<PathBuf>,
}

/// True if the file starts like a Go execution trace.
pub fn looks_like_trace(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"go 1.")
}

/// Sizes and modification times of the files in `dir`.
fn listing(dir: &Path) -> HashMap<PathBuf, (u64, SystemTime)> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let m = e.metadata().ok()?;
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    (m.is_file() && !name.ends_with(".part") && !name.starts_with('.')).then(|| {
                        (
                            e.path(),
                            (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)),
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

impl FolderWatch {
    /// Starts watching `dir` (which must be a folder).
    pub fn start(dir: PathBuf, ctx: egui::Context) -> Result<FolderWatch, String> {
        if !dir.is_dir() {
            return Err(format!("{}: not a folder", dir.display()));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (d, c) = (dir.clone(), cancel.clone());
        // Listed now, not on the thread: a file written right after this
        // returns is new, however late the thread starts.
        let known = listing(&dir);
        std::thread::Builder::new()
            .name("watch-folder".into())
            .spawn(move || watch_loop(&d, known, &c, &tx, &ctx))
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        Ok(FolderWatch { dir, cancel, rx })
    }

    /// New trace files since the last call, newest first.
    pub fn poll(&self) -> Vec<PathBuf> {
        self.rx.try_iter().collect()
    }

    /// Stops watching.
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for FolderWatch {
    fn drop(&mut self) {
        self.stop();
    }
}

fn watch_loop(
    dir: &Path,
    mut known: HashMap<PathBuf, (u64, SystemTime)>,
    cancel: &AtomicBool,
    tx: &mpsc::Sender<PathBuf>,
    ctx: &egui::Context,
) {
    // New files seen growing: size at the last look.
    let mut pending: HashMap<PathBuf, (u64, SystemTime)> = HashMap::new();
    while !cancel.load(Ordering::Relaxed) {
        std::thread::sleep(POLL);
        let now = listing(dir);
        let mut ready = Vec::new();
        for (p, st) in &now {
            if known.get(p) == Some(st) {
                continue;
            }
            match pending.get(p) {
                Some(prev) if prev == st && st.0 > 0 => {
                    pending.remove(p);
                    known.insert(p.clone(), *st);
                    if looks_like_trace(p) {
                        ready.push((st.1, p.clone()));
                    }
                }
                _ => {
                    pending.insert(p.clone(), *st);
                }
            }
        }
        pending.retain(|p, _| now.contains_key(p));
        known.retain(|p, _| now.contains_key(p));
        ready.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (_, p) in ready {
            if tx.send(p).is_err() {
                return;
            }
            ctx.request_repaint();
        }
    }
}
