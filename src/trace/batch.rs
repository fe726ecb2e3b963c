//! Batch headers: finding every batch of a v2 trace without decoding it.

use super::bytes::TraceBytes;
use super::error::trace_err;
use super::ids::ThreadId;
use super::spec::{EventType, MAX_BATCH_SIZE};
use super::varint::uvarint;
use std::ops::Range;

/// One batch, located in the file but not decoded.
#[derive(Debug, Clone, Copy)]
pub struct BatchRef {
    /// Thread that wrote the batch (NONE for end-of-generation markers).
    pub m: ThreadId,
    /// Base timestamp in ticks.
    pub time: u64,
    /// Offset of the payload within the trace body.
    pub data_start: usize,
    /// Length of the payload.
    pub data_len: usize,
    /// Experiment number (0: a regular batch).
    pub exp: u8,
    /// Event type of the first payload byte, read with the header so that
    /// the batch is classified without reading its payload (None for an
    /// experimental or empty batch).
    first: Option<EventType>,
    /// Offset of the batch header within the body.
    pub offset: usize,
    /// True for an in-band end-of-generation marker (Go 1.26+).
    pub end_of_generation: bool,
}

impl BatchRef {
    /// Where the payload is in the trace body.
    #[inline]
    pub fn range(&self) -> Range<usize> {
        self.data_start..self.data_start + self.data_len
    }

    /// Event type of the first payload byte, for classifying the batch.
    #[inline]
    pub fn first_type(&self) -> Option<EventType> {
        self.first
    }
}

/// Result of reading one batch header at some offset.
pub enum BatchRead {
    /// Clean end of input.
    Eof,
    /// A batch and the generation number in its header.
    Batch(BatchRef, u64),
}

/// Bytes read at a batch's offset: enough for the longest header (type,
/// experiment, four varints of at most 11 bytes each as [`uvarint`] reads
/// them) and the payload's first byte.
const HEAD_BYTES: usize = 64;

/// A failed batch read: the error, and the generation number if it was read.
type BatchError = (TraceErrorAt, u64);

/// Reads the batch header at `pos` of `body` (Go's `readBatch`), returning
/// the batch, its generation, and the offset after it, without reading
/// the payload beyond its first byte. Errors carry Go's wording; a failed
/// read of the file is an error at `pos`.
pub fn read_batch(
    body: &TraceBytes<'_>,
    pos: usize,
) -> std::result::Result<(BatchRead, usize), BatchError> {
    let head = body
        .head(pos, HEAD_BYTES)
        .map_err(|e| (TraceErrorAt(pos, e.message), 0))?;
    let Some(&typ) = head.first() else {
        return Ok((BatchRead::Eof, pos));
    };
    let typ = EventType(typ);
    if typ == EventType::END_OF_GENERATION {
        return Ok((BatchRead::Batch(end_of_generation(pos), 0), pos + 1));
    }
    if typ != EventType::EVENT_BATCH && typ != EventType::EXPERIMENTAL_BATCH {
        return Err((
            TraceErrorAt(pos, format!("expected batch event, got event {}", typ.0)),
            0,
        ));
    }
    let mut h = Header {
        head: &head,
        pos,
        p: pos + 1,
        body_len: body.len(),
    };
    let mut exp = 0u8;
    if typ == EventType::EXPERIMENTAL_BATCH {
        let Some(&e) = h.head.get(1) else {
            return Err((TraceErrorAt(h.p, "unexpected EOF".into()), 0));
        };
        exp = e;
        h.p += 1;
    }
    let gen = h.field("gen", 0)?;
    let m = h.field("M ID", gen)?;
    let time = h.field("timestamp", gen)?;
    let size = h.field("size", gen)?;
    let size = h.payload_size(size, gen)?;
    let p = h.p;
    let first = if exp == 0 && size > 0 {
        head.get(p - pos).map(|&t| EventType(t))
    } else {
        None
    };
    let b = BatchRef {
        m: ThreadId(m as i64),
        time,
        data_start: p,
        data_len: size,
        exp,
        first,
        offset: pos,
        end_of_generation: false,
    };
    Ok((BatchRead::Batch(b, gen), p + size))
}

/// The in-band end-of-generation marker at `pos` (one byte, Go 1.26+).
fn end_of_generation(pos: usize) -> BatchRef {
    BatchRef {
        m: ThreadId::NONE,
        time: 0,
        data_start: pos,
        data_len: 1,
        exp: 0,
        first: Some(EventType::END_OF_GENERATION),
        offset: pos,
        end_of_generation: true,
    }
}

/// The fields of a batch header being read from the bytes at its offset.
struct Header<'a> {
    /// The bytes from the batch's offset on.
    head: &'a [u8],
    /// The batch's offset in the body.
    pos: usize,
    /// The body offset of the next field.
    p: usize,
    body_len: usize,
}

impl Header<'_> {
    /// The next varint field, `what` naming it in the error.
    fn field(&mut self, what: &str, gen: u64) -> std::result::Result<u64, BatchError> {
        let (p, pos) = (self.p, self.pos);
        match uvarint(&self.head[(p - pos).min(self.head.len())..]) {
            Some((v, n)) => {
                self.p += n;
                Ok(v)
            }
            None => {
                let why = if p >= self.body_len {
                    "EOF"
                } else {
                    "unexpected EOF"
                };
                Err((
                    TraceErrorAt(p, format!("error reading batch {what}: {why}")),
                    gen,
                ))
            }
        }
    }

    /// The payload size, checked against Go's limit and the bytes left.
    fn payload_size(&self, size: u64, gen: u64) -> std::result::Result<usize, BatchError> {
        let pos = self.pos;
        if size > MAX_BATCH_SIZE {
            return Err((
                TraceErrorAt(
                    pos,
                    format!("invalid batch size {size}, maximum is {MAX_BATCH_SIZE}"),
                ),
                gen,
            ));
        }
        let size = size as usize;
        let avail = self.body_len - self.p;
        if avail < size {
            return Err((
                TraceErrorAt(
                    pos,
                    format!("failed to read full batch: read {avail} but wanted {size}"),
                ),
                gen,
            ));
        }
        Ok(size)
    }
}

/// An error message with the body offset where it was found.
#[derive(Debug, Clone)]
pub struct TraceErrorAt(pub usize, pub String);

impl TraceErrorAt {
    /// Converts into a [`super::TraceError`], shifting the offset by the header length.
    pub fn into_error(self, header_len: usize) -> super::TraceError {
        trace_err!("{}", self.1).at_offset((self.0 + header_len) as u64)
    }
}
