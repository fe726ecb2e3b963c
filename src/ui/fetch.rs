//! Fetching a trace over HTTP (net/http/pprof's `/debug/pprof/trace`),
//! streamed to a file as it arrives (never held in memory), with byte
//! progress and cancellation. The file is written as `NAME.part` and
//! renamed once complete.

use crate::load::LoadError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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

/// Downloads `url` into a new file in `dir` named after the host and the
/// time (`localhost_6060-20261130-231500.trace`); returns its path.
pub fn fetch_to_file(
    url: &str,
    dir: &Path,
    progress: Option<&FetchProgress>,
    cancel: &AtomicBool,
) -> Result<PathBuf, LoadError> {
    let err = |m: String| LoadError {
        file: url.to_string(),
        message: m,
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| err(format!("cannot create {}: {e}", dir.display())))?;
    let path = unique_path(dir, &capture_name(url, std::time::SystemTime::now()));
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    let res = download(url, &part, progress, cancel).and_then(|n| {
        if n == 0 {
            return Err("the server sent an empty body, not a trace".to_string());
        }
        std::fs::rename(&part, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))
    });
    if let Err(m) = res {
        let _ = std::fs::remove_file(&part);
        return Err(err(m));
    }
    if let Some(p) = progress {
        p.done.store(true, Ordering::Relaxed);
    }
    Ok(path)
}

/// Streams the body of `url` into `out`; returns the bytes written.
fn download(
    url: &str,
    out: &Path,
    progress: Option<&FetchProgress>,
    cancel: &AtomicBool,
) -> Result<u64, String> {
    let resp = ureq::get(url).call().map_err(|e| describe(&e))?;
    let total = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if let Some(p) = progress {
        p.total.store(total, Ordering::Relaxed);
    }
    let file =
        std::fs::File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let mut reader = resp.into_body().into_reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut got = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err("download cancelled".into());
        }
        let n = reader
            .read(&mut buf)
            .map_err(|e| format!("download failed: {e}"))?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n])
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        got += n as u64;
        if let Some(p) = progress {
            p.bytes.store(got, Ordering::Relaxed);
        }
    }
    file.flush()
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(got)
}

/// `host_port-YYYYMMDD-HHMMSS.trace` (UTC) for a capture of `url` at `at`.
pub fn capture_name(url: &str, at: std::time::SystemTime) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("capture");
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let secs = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{host}-{y:04}{mo:02}{d:02}-{:02}{:02}{:02}.trace",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `dir/name`, or `dir/name-2`… if that exists.
fn unique_path(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    if !p.exists() {
        return p;
    }
    let stem = name.trim_end_matches(".trace");
    (2..)
        .map(|i| dir.join(format!("{stem}-{i}.trace")))
        .find(|p| !p.exists())
        .unwrap_or(p)
}

/// The (year, month, day) of a day number since 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_named_by_host_and_utc_time() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_166_900);
        assert_eq!(
            capture_name("http://localhost:6060/debug/pprof/trace?seconds=5", at),
            "localhost_6060-20261201-231500.trace"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
