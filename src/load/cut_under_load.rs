//! Test support: a file cut or rewritten under a running load, at a chosen
//! read of it, so that every moment of a load can be tried and the same
//! moment tried again. A test plans a change for a path; the next load of
//! that path reads the file through [`Cutting`], which makes the change
//! just before the chosen read.

use crate::trace::bytes::{read_file_at, ReadAt};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How the file is changed.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Cut to this many bytes (`go test -trace` starting a new trace).
    Truncate(u64),
    /// Overwritten in place from its start with these bytes (a new trace
    /// of the same size).
    Rewrite(Vec<u8>),
    /// Not changed: the load waits at that read until the flag is set (a
    /// load held in the middle, to see what the window shows meanwhile).
    Pause(Arc<AtomicBool>),
}

impl Change {
    /// Says what it does, briefly.
    pub(crate) fn label(&self) -> String {
        match self {
            Change::Truncate(n) => format!("cut to {n} bytes"),
            Change::Rewrite(b) => format!("rewritten ({} bytes)", b.len()),
            Change::Pause(_) => "paused".into(),
        }
    }

    fn make(&self, path: &Path) {
        if let Change::Pause(go_on) = self {
            while !go_on.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            return;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .expect("open the file to change it");
        match self {
            Change::Truncate(n) => f.set_len(*n),
            Change::Rewrite(bytes) => f.write_all(bytes),
            Change::Pause(_) => Ok(()),
        }
        .expect("change the file");
    }
}

/// What a load with a planned change did: how many reads it made, and
/// whether the change was made.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Reads of the file so far.
    pub reads: AtomicUsize,
    /// True once the file was changed.
    pub changed: AtomicBool,
}

struct Planned {
    path: PathBuf,
    at: usize,
    change: Change,
    seen: Arc<Seen>,
}

static PLANNED: Mutex<Vec<Planned>> = Mutex::new(Vec::new());

/// Plans `change` of the file at `path` just before read `at` (from 0) of
/// the next load of `path` (`usize::MAX`: never, only count the reads).
pub(crate) fn plan(path: &Path, at: usize, change: Change) -> Arc<Seen> {
    let seen = Arc::new(Seen::default());
    PLANNED.lock().expect("plans").push(Planned {
        path: path.to_path_buf(),
        at,
        change,
        seen: Arc::clone(&seen),
    });
    seen
}

/// What the load of `path` reads it through: the file, changed as planned
/// if a change is.
pub(super) fn reads(path: &Path, file: File) -> Box<dyn ReadAt> {
    let planned = PLANNED.lock().ok().and_then(|mut all| {
        let i = all.iter().position(|p| p.path == path)?;
        Some(all.swap_remove(i))
    });
    match planned {
        Some(planned) => Box::new(Cutting { file, planned }),
        None => Box::new(file),
    }
}

/// A file whose reads make a planned change to it first.
struct Cutting {
    file: File,
    planned: Planned,
}

impl ReadAt for Cutting {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        let p = &self.planned;
        if p.seen.reads.fetch_add(1, Ordering::SeqCst) == p.at {
            p.change.make(&p.path);
            p.seen.changed.store(true, Ordering::SeqCst);
        }
        read_file_at(&self.file, buf, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{
        load_bytes, load_path_with, LoadError, LoadOptions, LoadedTrace, Progress,
        CHANGED_WHILE_READ,
    };
    use std::time::{Duration, SystemTime};

    fn committed(name: &str) -> PathBuf {
        let dir = if name.contains("_good") {
            "testdata/v1"
        } else {
            "testdata/traces"
        };
        Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name)
    }

    /// `bytes` written to a file of a fresh directory, last modified an
    /// hour ago so that any change to it moves its time.
    fn file_of(bytes: &[u8], tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gotraceview-cut-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("out.trace");
        std::fs::write(&path, bytes).expect("write");
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(hour_ago))
            .expect("set mtime");
        path
    }

    fn load(path: &Path, options: LoadOptions) -> Result<LoadedTrace, LoadError> {
        load_path_with(path, options, &Progress::default(), &AtomicBool::new(false))
    }

    /// Bytes of another trace, made `len` long: what a new run may write.
    fn other_trace_of_len(name: &str, len: usize) -> Vec<u8> {
        let mut b = std::fs::read(committed(name)).expect("other trace");
        b.resize(len, 0);
        b
    }

    /// Every read of the load of `name` (whole model and overview loads in
    /// turn), the file cut to nothing, to a third, by its last byte, or
    /// rewritten with another trace of its size just before it: each load
    /// says the file changed while it was read, and nothing else.
    fn every_read_cut(name: &str, other: &str) {
        let data = std::fs::read(committed(name)).expect("trace");
        let len = data.len() as u64;
        let path = file_of(&data, &format!("under-{name}"));
        let seen = plan(&path, usize::MAX, Change::Truncate(0));
        let full = load(&path, LoadOptions::whole()).expect("the file loads");
        let reads = seen.reads.load(Ordering::SeqCst);
        // The header, a batch header and the events of each generation at
        // least: every byte the load uses is read, none is mapped.
        assert!(
            reads > full.trace.meta.generations as usize,
            "{name}: {reads} reads"
        );
        assert!(!seen.changed.load(Ordering::SeqCst));
        let changes = [
            Change::Truncate(0),
            Change::Truncate(len / 3),
            Change::Truncate(len - 1),
            Change::Rewrite(other_trace_of_len(other, data.len())),
        ];
        let want = format!("{}: {CHANGED_WHILE_READ}", path.display());
        for at in 0..reads {
            for change in &changes {
                std::fs::write(&path, &data).expect("restore");
                let options = match at % 2 {
                    0 => LoadOptions::whole(),
                    _ => LoadOptions::with_budget(1),
                };
                let seen = plan(&path, at, change.clone());
                let got = load(&path, options).map(|l| l.trace.meta.events);
                assert!(seen.changed.load(Ordering::SeqCst), "{name}: read {at}");
                assert_eq!(
                    got.map_err(|e| e.to_string()),
                    Err(want.clone()),
                    "{name}: {} before read {at} of {reads}",
                    change.label()
                );
            }
        }
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[test]
    fn a_go127_trace_changed_at_any_read_of_its_load_says_so() {
        every_read_cut("gens_go127.trace", "whyslow_go127.trace");
    }

    #[test]
    fn a_go126_trace_changed_at_any_read_of_its_load_says_so() {
        every_read_cut("gens_go126.trace", "blocking_go126.trace");
    }

    #[test]
    fn a_go125_trace_changed_at_any_read_of_its_load_says_so() {
        every_read_cut("gens_go125.trace", "whyslow_go125.trace");
    }

    #[test]
    fn a_go122_trace_changed_at_any_read_of_its_load_says_so() {
        every_read_cut("gens_go122.trace", "whyslow_go122.trace");
    }

    #[test]
    fn a_v1_trace_changed_at_any_read_of_its_load_says_so() {
        every_read_cut("gens_go121.trace", "whyslow_go121.trace");
    }

    /// A file cut before its load began loads as the same bytes in memory
    /// do: the complete generations and the loss, or the same error.
    #[test]
    fn a_file_cut_before_its_load_reads_as_its_bytes_in_memory() {
        for name in ["gens_go127.trace", "gens_go122.trace", "gens_go121.trace"] {
            let data = std::fs::read(committed(name)).expect("trace");
            for i in 0..=16 {
                let cut = &data[..data.len() * i / 17];
                let path = file_of(cut, &format!("before-{name}"));
                let from_file = load(&path, LoadOptions::whole());
                let from_memory = load_bytes(
                    &path.display().to_string(),
                    cut,
                    &Progress::default(),
                    &AtomicBool::new(false),
                );
                let what = |r: Result<LoadedTrace, LoadError>| {
                    r.map(|l| {
                        let m = &l.trace.meta;
                        let loss = m.loss.as_ref().map(|x| (x.message.clone(), x.bytes_lost));
                        (m.events, m.generations, loss)
                    })
                    .map_err(|e| e.to_string())
                };
                let (f, m) = (what(from_file), what(from_memory));
                if cut.is_empty() {
                    // A file of 0 bytes is not even opened.
                    assert!(f.is_err(), "{name}: empty");
                } else {
                    assert_eq!(f, m, "{name} cut at {}", cut.len());
                }
                let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
            }
        }
    }
}
