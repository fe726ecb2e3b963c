//! Exporting to a file: written to `OUT.part` beside it and renamed when
//! complete, so a failed or cancelled export never leaves half a trace
//! under the name asked for.

use super::{export_perfetto, ExportOptions, ExportStats};
use crate::model::Trace;
use std::io::BufWriter;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Writes `trace` as a Perfetto trace to `out`; the error is one line
/// saying what failed (the caller names the file).
pub fn export_perfetto_file(
    trace: &Trace,
    opts: &ExportOptions,
    out: &Path,
    cancel: &AtomicBool,
) -> Result<ExportStats, String> {
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let file = std::fs::File::create(&part).map_err(|e| format!("cannot create: {e}"))?;
    let res = export_perfetto(trace, opts, BufWriter::with_capacity(1 << 20, file), cancel);
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
