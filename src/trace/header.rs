//! The trace header (`go 1.NN trace\0\0\0`) and the format it announces.

use super::error::{trace_err, Result};

/// v1 format versions (Go 1.11–1.21).
pub const V1_VERSIONS: [u32; 3] = [11, 19, 21];
/// v2 format versions (Go 1.22+; Go 1.24 writes 1.23, Go 1.27 writes 1.26).
pub const V2_VERSIONS: [u32; 4] = [22, 23, 25, 26];

/// Bytes enough to hold any header a reader accepts.
pub const HEADER_BYTES: usize = 64;

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Minor Go version of the format (11, 19, 21, 22, 23, 25, 26).
    pub version: u32,
    /// Bytes taken by the header.
    pub len: usize,
}

impl Header {
    /// True for Go 1.22+ traces.
    pub fn is_v2(&self) -> bool {
        self.version >= 22
    }

    /// "1.26" style name of the format.
    pub fn version_name(&self) -> String {
        format!("1.{}", self.version)
    }
}

/// Parses the header like Go's `fmt.Fscanf("go 1.%d trace\x00\x00\x00")`
/// and checks the version is one we read.
pub fn read_header(data: &[u8]) -> Result<Header> {
    let not_trace = || trace_err!("bad file format: not a Go execution trace?");
    let rest = data.strip_prefix(b"go 1.").ok_or_else(not_trace)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return Err(not_trace());
    }
    let version: u32 = std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(not_trace)?;
    let tail = b" trace\0\0\0";
    if !rest[digits..].starts_with(tail) {
        return Err(not_trace());
    }
    if !V1_VERSIONS.contains(&version) && !V2_VERSIONS.contains(&version) {
        return Err(trace_err!(
            "unsupported trace version go 1.{version} (supported: go 1.11–1.21 (v1, as 1.11/1.19/1.21) and go 1.22–1.27 (v2, as 1.22/1.23/1.25/1.26))"
        ));
    }
    Ok(Header {
        version,
        len: 5 + digits + tail.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions() {
        let h = read_header(b"go 1.26 trace\0\0\0rest").unwrap();
        assert_eq!((h.version, h.len), (26, 16));
        let e = read_header(b"go 1.24 trace\0\0\0").unwrap_err();
        assert!(e.message.contains("go 1.24"), "{e}");
        assert!(read_header(b"hello").is_err());
        assert!(read_header(b"go 1.5 trace\0\0\0\0").is_err());
    }
}
