//! Where a trace's bytes come from: memory, or a file read with positioned
//! reads (`pread`) when they are needed. Never a map: a file cut short
//! while it is read makes a read here fail, where a map would kill the
//! process with SIGBUS.

use super::error::{trace_err, Result};
use std::borrow::Cow;
use std::ops::Range;

/// Something read at positions: a file, or in tests one that changes
/// while it is read.
pub trait ReadAt: Sync {
    /// Fills `buf` with the bytes from `offset`; fewer bytes than asked
    /// for is an error.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()>;
}

impl ReadAt for std::fs::File {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        read_file_at(self, buf, offset)
    }
}

/// Fills `buf` from `offset` of `file` without moving any shared file
/// position, so that threads may read one file at once.
pub fn read_file_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// The bytes of a trace, or of a part of one (its body after the header).
#[derive(Clone, Copy)]
pub enum TraceBytes<'a> {
    /// Bytes in memory.
    Memory(&'a [u8]),
    /// `len` bytes of a file from `start`, read when asked for.
    File {
        /// The file.
        file: &'a dyn ReadAt,
        /// Where these bytes begin in it.
        start: u64,
        /// How many there were when the file was opened.
        len: usize,
    },
}

impl<'a> From<&'a [u8]> for TraceBytes<'a> {
    fn from(data: &'a [u8]) -> Self {
        TraceBytes::Memory(data)
    }
}

impl<'a> TraceBytes<'a> {
    /// The first `len` bytes of `file` (its length when it was opened).
    pub fn file(file: &'a dyn ReadAt, len: u64) -> TraceBytes<'a> {
        TraceBytes::File {
            file,
            start: 0,
            len: usize::try_from(len).unwrap_or(usize::MAX),
        }
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        match self {
            TraceBytes::Memory(d) => d.len(),
            TraceBytes::File { len, .. } => *len,
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes after the first `n`.
    pub fn skip(self, n: usize) -> TraceBytes<'a> {
        match self {
            TraceBytes::Memory(d) => TraceBytes::Memory(&d[n.min(d.len())..]),
            TraceBytes::File { file, start, len } => {
                let n = n.min(len);
                TraceBytes::File {
                    file,
                    start: start + n as u64,
                    len: len - n,
                }
            }
        }
    }

    /// The bytes, if they are in memory.
    pub fn in_memory(&self) -> Option<&'a [u8]> {
        match *self {
            TraceBytes::Memory(d) => Some(d),
            TraceBytes::File { .. } => None,
        }
    }

    /// Bytes `range` (within [`TraceBytes::len`]): borrowed from memory,
    /// or read from the file into a buffer of their own. A file shorter
    /// now than when it was opened is an error.
    pub fn read(&self, range: Range<usize>) -> Result<Cow<'a, [u8]>> {
        self.check(&range)?;
        match *self {
            TraceBytes::Memory(d) => Ok(Cow::Borrowed(&d[range])),
            TraceBytes::File { .. } => {
                let mut buf = vec![0u8; range.len()];
                self.read_into(range.start, &mut buf)?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// Fills `out` with the bytes from `start` (within [`TraceBytes::len`]).
    pub fn read_into(&self, start: usize, out: &mut [u8]) -> Result<()> {
        let range = start..start.saturating_add(out.len());
        self.check(&range)?;
        match *self {
            TraceBytes::Memory(d) => {
                out.copy_from_slice(&d[range]);
                Ok(())
            }
            TraceBytes::File { file, start, .. } => {
                let at = start + range.start as u64;
                file.read_exact_at(out, at).map_err(|e| {
                    let why = match e.kind() {
                        std::io::ErrorKind::UnexpectedEof => {
                            "the file ended early: it was cut while it was read".to_string()
                        }
                        _ => e.to_string(),
                    };
                    trace_err!("cannot read {} bytes: {why}", range.len()).at_offset(at)
                })
            }
        }
    }

    /// An error unless `range` is within the bytes.
    fn check(&self, range: &Range<usize>) -> Result<()> {
        if range.start > range.end || range.end > self.len() {
            return Err(trace_err!(
                "internal error: bytes {}..{} of {}",
                range.start,
                range.end,
                self.len()
            ));
        }
        Ok(())
    }

    /// Up to `n` bytes from `pos` (fewer at the end, none past it).
    pub fn head(&self, pos: usize, n: usize) -> Result<Cow<'a, [u8]>> {
        let end = pos.saturating_add(n).min(self.len());
        self.read(pos.min(end)..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_as_its_bytes_in_memory_do() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let path = std::env::temp_dir().join(format!("gotraceview-bytes-{}", std::process::id()));
        std::fs::write(&path, &data).expect("write");
        let f = std::fs::File::open(&path).expect("open");
        let file = TraceBytes::file(&f, data.len() as u64).skip(16);
        let mem = TraceBytes::Memory(&data).skip(16);
        assert_eq!(file.len(), mem.len());
        for r in [0..0, 0..10, 100..4200, 9000..9984] {
            assert_eq!(file.read(r.clone()).unwrap(), mem.read(r).unwrap());
        }
        assert_eq!(file.head(9980, 64).unwrap(), mem.head(9980, 64).unwrap());
        assert!(file.head(20_000, 64).unwrap().is_empty());
        assert!(file.read(0..20_000).is_err() && mem.read(0..20_000).is_err());
        // Cut under the reader: an error, not a fault.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|w| w.set_len(5000))
            .expect("truncate");
        let e = file.read(4000..6000).unwrap_err();
        assert!(e.message.contains("cut while it was read"), "{e}");
        let _ = std::fs::remove_file(&path);
    }
}
