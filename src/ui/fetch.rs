//! Fetching a trace over HTTP (net/http/pprof's `/debug/pprof/trace`),
//! with byte progress and cancellation.

use super::loader::FetchProgress;
use crate::load::LoadError;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

/// Largest download accepted (a trace this big would not fit in memory anyway).
const MAX_BYTES: u64 = 16 << 30;

/// Downloads `url` fully.
pub fn fetch(
    url: &str,
    progress: Option<&FetchProgress>,
    cancel: &AtomicBool,
) -> Result<Vec<u8>, LoadError> {
    let err = |m: String| LoadError {
        file: url.to_string(),
        message: m,
    };
    let resp = ureq::get(url).call().map_err(|e| err(describe(&e)))?;
    let total = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if let Some(p) = progress {
        p.total.store(total, Ordering::Relaxed);
    }
    let mut reader = resp.into_body().into_reader();
    let mut data = Vec::with_capacity(total.min(MAX_BYTES) as usize);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(err("download cancelled".into()));
        }
        let n = reader
            .read(&mut buf)
            .map_err(|e| err(format!("download failed: {e}")))?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        if data.len() as u64 > MAX_BYTES {
            return Err(err("download larger than 16 GiB".into()));
        }
        if let Some(p) = progress {
            p.bytes.store(data.len() as u64, Ordering::Relaxed);
        }
    }
    if let Some(p) = progress {
        p.done.store(true, Ordering::Relaxed);
    }
    if data.is_empty() {
        return Err(err("the server sent an empty body, not a trace".into()));
    }
    Ok(data)
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(c) => format!("HTTP status {c}"),
        other => {
            let s = other.to_string();
            if s.contains("https") || s.contains("TLS") || s.contains("tls") {
                format!("{s} (https needs gotraceview built with the `https` feature)")
            } else {
                s
            }
        }
    }
}
