//! Exporting to a file: written to `OUT.part` beside it and renamed when
//! complete, so a failed or cancelled export never leaves half a trace
//! under the name asked for.

use super::{export_perfetto, ExportOptions, ExportStats, Parts};
use crate::model::Trace;
use crate::trace::Time;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Writes `trace` as a Perfetto trace to `out`; the error is one line
/// saying what failed (the caller names the file).
pub fn export_perfetto_file(
    trace: &Trace,
    opts: &ExportOptions,
    out: &Path,
    cancel: &AtomicBool,
) -> Result<ExportStats, String> {
    write_part(out, |w| export_perfetto(trace, opts, w, cancel))
}

/// A piece of a big trace: the model of some of its generations and their
/// time range.
pub type Tile = (Trace, Time, Time);

/// Writes a big trace as one Perfetto trace, one detail tile at a time
/// (never more than one tile in memory): the runtime tracks and counters of
/// `overview`, then the lanes of each tile `tiles` yields, in time order,
/// clipped to its generations. A state that goes on across two tiles is
/// two slices. `tiles` says what went wrong in one line.
pub fn export_perfetto_tiled_file(
    overview: &Trace,
    opts: &ExportOptions,
    tiles: &mut dyn Iterator<Item = Result<Tile, String>>,
    out: &Path,
    cancel: &AtomicBool,
) -> Result<ExportStats, String> {
    write_part(out, |w| {
        let runtime = ExportOptions {
            parts: Parts::Runtime,
            ..opts.clone()
        };
        let mut total = export_perfetto(overview, &runtime, &mut *w, cancel)?;
        for tile in tiles {
            let (t, a, b) = tile.map_err(std::io::Error::other)?;
            let lanes = ExportOptions {
                parts: Parts::Lanes,
                from_ns: Some(opts.from_ns.map_or(a, |f| f.max(a))),
                to_ns: Some(opts.to_ns.map_or(b, |e| e.min(b))),
                ..opts.clone()
            };
            if lanes.from_ns > lanes.to_ns {
                continue;
            }
            let s = export_perfetto(&t, &lanes, &mut *w, cancel)?;
            total.add(&s);
        }
        Ok(total)
    })
}

/// Runs `write` into `OUT.part` and renames it to `out` when it succeeds.
fn write_part(
    out: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<ExportStats>,
) -> Result<ExportStats, String> {
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let file = std::fs::File::create(&part).map_err(|e| format!("cannot create: {e}"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let res = write(&mut w).and_then(|s| w.flush().map(|()| s));
    match res {
        Ok(stats) => {
            std::fs::rename(&part, out).map_err(|e| format!("cannot write: {e}"))?;
            Ok(stats)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e.to_string())
        }
    }
}
