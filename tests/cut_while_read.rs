//! Never a signal: a trace file cut while it is read (`go test -trace`
//! truncates its output when it runs again) gives the complete generations
//! with the loss stated, or one line naming the file, never a crash.
//!
//! The trace layer is tried with a file whose reads fail from a chosen read
//! on; the real binary is run on a copy of a trace that is cut at many
//! moments of its load. (src/load/cut_under_load.rs cuts the file at every
//! read of a load, deterministically.)

mod common;

use common::{name, testdata};
use gotraceview::trace::bytes::{ReadAt, TraceBytes};
use gotraceview::trace::source::EventReader;
use gotraceview::trace::{Event, EventType};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A trace "file" that is `cut_to` bytes long from read `at` on.
struct CutAtRead<'a> {
    bytes: &'a [u8],
    at: usize,
    cut_to: usize,
    reads: AtomicUsize,
}

impl ReadAt for CutAtRead<'_> {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        let n = self.reads.fetch_add(1, Ordering::SeqCst);
        let len = if n >= self.at {
            self.cut_to
        } else {
            self.bytes.len()
        };
        let from = offset as usize;
        if from + buf.len() > len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.copy_from_slice(&self.bytes[from..from + buf.len()]);
        Ok(())
    }
}

/// Every event of `data` read with `reads`, and the error that ended them.
fn read_all(data: TraceBytes<'_>) -> (Vec<Event>, Option<String>) {
    let mut events = Vec::new();
    let mut r = match EventReader::open(data) {
        Ok((_, r)) => r,
        Err(e) => return (events, Some(e.to_string())),
    };
    let mut chunk = Vec::new();
    loop {
        chunk.clear();
        let res = r.read_chunk(&mut chunk, 4096);
        events.extend_from_slice(&chunk);
        match res {
            Err(e) => return (events, Some(e.to_string())),
            Ok(()) if chunk.is_empty() => return (events, None),
            Ok(()) => {}
        }
    }
}

#[test]
fn the_reader_of_a_file_cut_at_any_read_keeps_its_complete_generations() {
    for name in [
        "gens_go127.trace",
        "gens_go126.trace",
        "gens_go125.trace",
        "gens_go122.trace",
    ] {
        let bytes = std::fs::read(testdata().join("traces").join(name)).expect("trace");
        let (full, err) = read_all(TraceBytes::Memory(&bytes));
        assert_eq!(err, None, "{name}");
        let count = CutAtRead {
            bytes: &bytes,
            at: usize::MAX,
            cut_to: 0,
            reads: AtomicUsize::new(0),
        };
        let (same, err) = read_all(TraceBytes::file(&count, bytes.len() as u64));
        assert_eq!((same == full, err), (true, None), "{name} read from a file");
        let reads = count.reads.load(Ordering::SeqCst);
        let len = bytes.len();
        for at in 0..reads {
            for cut_to in [0, 16, len / 3, len / 2, len - 1] {
                let file = CutAtRead {
                    bytes: &bytes,
                    at,
                    cut_to,
                    reads: AtomicUsize::new(0),
                };
                let (got, err) = read_all(TraceBytes::file(&file, len as u64));
                let what = format!("{name} cut to {cut_to} bytes at read {at} of {reads}");
                // The last sync event may stand for the failure and the
                // generation before it may be incomplete (Go before 1.26
                // reads a generation until the next one's first batch):
                // the events before it are the whole file's.
                let syncs: Vec<usize> = (0..got.len())
                    .filter(|&i| got[i].typ == EventType::SYNC_EVENT)
                    .collect();
                let sure = syncs.len().checked_sub(2).map_or(0, |i| syncs[i]);
                assert_eq!(got[..sure], full[..sure], "{what}");
                if err.is_none() {
                    assert_eq!(got, full, "{what}: no error, then every event");
                }
            }
        }
    }
}

/// How a run of the binary ended.
struct Ended {
    signal: Option<i32>,
    code: Option<i32>,
    stderr: String,
}

/// When the copy is cut, and to how many bytes.
#[derive(Debug, Clone, Copy)]
enum Cut {
    Never,
    Before(u64),
    After(Duration, u64),
}

/// Cuts `file` to `len` bytes as `go test -trace` does: opens it for
/// writing and truncates it.
fn truncate(file: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .and_then(|f| f.set_len(len))
        .expect("truncate");
}

/// Runs `gotraceview COMMAND FILE` on a fresh copy of `bytes` in `dir`,
/// and cuts the copy as `cut` says.
fn run_cut(dir: &Path, command: &str, bytes: &[u8], cut: Cut) -> Ended {
    let file = dir.join("out.trace");
    std::fs::write(&file, bytes).expect("copy");
    if let Cut::Before(len) = cut {
        truncate(&file, len);
    }
    let child = Command::new(env!("CARGO_BIN_EXE_gotraceview"))
        .arg(command)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gotraceview");
    if let Cut::After(after, len) = cut {
        std::thread::sleep(after);
        truncate(&file, len);
    }
    let out = child.wait_with_output().expect("wait");
    Ended {
        signal: out.status.signal(),
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh directory for this test's copies.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gotraceview-cut-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn the_binary_reading_a_file_cut_under_it_exits_with_one_line_never_a_signal() {
    let path = testdata().join("traces").join("stall_go127.trace");
    let bytes = std::fs::read(&path).expect("trace");
    let len = bytes.len() as u64;
    let dir = temp_dir("cli");
    let file = dir.join("out.trace").display().to_string();
    let cuts = [0, 16, len / 4, len / 2, 3 * len / 4, len - 1];
    let mut changed_under_the_load = 0;
    for command in ["stats", "bench", "check"] {
        // Cut at moments spread over an uncut run, so that some of them
        // fall inside the load on a fast machine and on a slow one.
        let t0 = Instant::now();
        let whole = run_cut(&dir, command, &bytes, Cut::Never);
        let run = t0.elapsed();
        assert_eq!(
            (whole.signal, whole.code),
            (None, Some(0)),
            "{command}: {}",
            whole.stderr
        );
        let moments = 12;
        let cut_at =
            (0..moments).map(|i| Cut::After(run * i / moments, cuts[i as usize % cuts.len()]));
        // And once before the start: a truncated trace, read as one.
        for cut in cut_at.chain([Cut::Before(len / 2)]) {
            let end = run_cut(&dir, command, &bytes, cut);
            let what = format!("{command} {} {cut:?}: {:?}", name(&path), end.stderr);
            assert_eq!(end.signal, None, "killed by a signal: {what}");
            assert!(
                matches!(end.code, Some(0 | 1)),
                "exit {:?}: {what}",
                end.code
            );
            let lines: Vec<&str> = end.stderr.lines().collect();
            assert!(
                lines.iter().all(|l| l.contains(&file)) && !end.stderr.contains("panicked"),
                "every line names the file: {what}"
            );
            if end.code == Some(1) {
                assert_eq!(lines.len(), 1, "one line: {what}");
            }
            let outcome = if end.stderr.contains("changed on disk while it was read") {
                changed_under_the_load += 1;
                "changed while read"
            } else if end.stderr.contains("incomplete") {
                "loss"
            } else if end.code == Some(0) {
                "whole"
            } else {
                "error"
            };
            eprintln!("{command} {cut:?}: {outcome}");
        }
    }
    // Some cuts came while the file was being read.
    assert!(changed_under_the_load > 0, "no cut fell inside a load");
    let _ = std::fs::remove_dir_all(&dir);
}
