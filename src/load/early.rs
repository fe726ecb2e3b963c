//! The first generations of a big trace, loaded on their own while the
//! whole trace loads, so that the window can be zoomed and clicked long
//! before the load ends.
//!
//! A v2 trace is a sequence of self-contained generations: the header and
//! the bytes of its first `k` generations are a complete trace. Loaded as
//! one (its whole model, every span), it is exactly the start of the
//! trace; only what goes on past its end (a span still open, a goroutine
//! still blocked) ends there instead of where it does. The view says so:
//! [`FirstPart`] tells how much it holds.

use super::{load_data, Figures, LoadError, LoadOptions, LoadedTrace, Progress};
use crate::trace::bytes::TraceBytes;
use crate::trace::header::read_header;
use crate::trace::reader::V2Reader;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// How much of a trace a load of its first generations holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstPart {
    /// Generations loaded.
    pub generations: usize,
    /// Bytes of the file they take (with the header).
    pub bytes: u64,
    /// Bytes of the whole file.
    pub file_bytes: u64,
}

/// The first generations are loaded until they hold at least this many
/// bytes (or this fraction of the file, if less): enough to show the
/// goroutines of a program's start, little enough to be ready in a
/// fraction of the whole load.
const MIN_PREFIX_BYTES: u64 = 8 << 20;
const MIN_PREFIX_FRACTION: u64 = 32;

/// The batch headers of the first this many bytes are read to find where
/// the first generations end (doubled until two generations start in it).
const FIRST_WINDOW: u64 = 32 << 20;

/// Loads the first generations of the trace at `path` as a trace of their
/// own, when the whole load will take long enough for that to help: a v2
/// trace too big for its whole model under `options`, with more than one
/// generation. `Ok(None)` otherwise. The model is whole (every span), the
/// goroutine analysis its table of groups;
/// [`LoadedTrace::first_part`] says how much of the file it holds.
///
/// It waits until the whole load (`whole`) has planned its generations:
/// the two would otherwise share the cores while that load reads its
/// batch headers, and delay the first frame it draws.
pub fn load_first_generations(
    path: &Path,
    options: LoadOptions,
    whole: &Progress,
    cancel: &AtomicBool,
) -> Result<Option<LoadedTrace>, LoadError> {
    while whole.phase() < super::LoadPhase::Building && !cancel.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let name = path.display().to_string();
    let err = |m: String| LoadError {
        file: name.clone(),
        message: m,
    };
    let file = std::fs::File::open(path).map_err(|e| err(super::io_message(&e)))?;
    let size = file.metadata().map_err(|e| err(e.to_string()))?.len();
    if options.whole_model_fits(size) {
        return Ok(None);
    }
    let Some(prefix) = prefix_bytes(&file, size).map_err(err)? else {
        return Ok(None);
    };
    let data = TraceBytes::file(&file, prefix.bytes);
    let mut l = load_data(
        &name,
        data,
        None,
        Figures::Groups,
        &Progress::default(),
        cancel,
    )?;
    l.first_part = Some(prefix);
    Ok(Some(l))
}

/// Where the first generations worth showing end: the smallest number of
/// whole generations holding [`MIN_PREFIX_BYTES`] (or the file over
/// [`MIN_PREFIX_FRACTION`]), read from batch headers only. None for a v1
/// trace or one whose first generation is all or nearly all of it.
fn prefix_bytes(file: &std::fs::File, size: u64) -> Result<Option<FirstPart>, String> {
    let all = TraceBytes::file(file, size);
    let head = all
        .head(0, crate::trace::header::HEADER_BYTES)
        .map_err(|e| e.to_string())?;
    let header = read_header(&head).map_err(|e| e.to_string())?;
    if !header.is_v2() {
        return Ok(None);
    }
    let want = MIN_PREFIX_BYTES.min(size / MIN_PREFIX_FRACTION);
    let mut window = FIRST_WINDOW;
    loop {
        let len = window.min(size);
        let body = TraceBytes::file(file, len).skip(header.len);
        let reader = V2Reader::new(body, header.version, header.len);
        // The k-th generation's start is the end of the first k.
        let starts: Vec<u64> = reader
            .extents()
            .iter()
            .map(|e| (header.len + e.body_range.0) as u64)
            .collect();
        if let Some(k) = (1..starts.len()).find(|&k| starts[k] >= want) {
            return Ok(Some(FirstPart {
                generations: k,
                bytes: starts[k],
                file_bytes: size,
            }));
        }
        if len == size {
            // Past the last start, only the last generation is left: too
            // little of the trace would load early to be worth it.
            let k = starts.len().saturating_sub(1);
            let worth = k >= 1 && starts[k] <= size / 2;
            return Ok(worth.then(|| FirstPart {
                generations: k,
                bytes: starts[k],
                file_bytes: size,
            }));
        }
        window = window.saturating_mul(2);
    }
}
