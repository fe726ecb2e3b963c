//! Batch headers: finding every batch of a v2 trace without decoding it.

use super::error::trace_err;
use super::ids::ThreadId;
use super::spec::{EventType, MAX_BATCH_SIZE};
use super::varint::uvarint;

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
    /// Offset of the batch header within the body.
    pub offset: usize,
    /// True for an in-band end-of-generation marker (Go 1.26+).
    pub end_of_generation: bool,
}

impl BatchRef {
    /// The batch payload.
    #[inline]
    pub fn data<'a>(&self, body: &'a [u8]) -> &'a [u8] {
        &body[self.data_start..self.data_start + self.data_len]
    }

    /// Event type of the first payload byte, for classifying the batch.
    #[inline]
    pub fn first_type(&self, body: &[u8]) -> Option<EventType> {
        if self.exp != 0 || self.data_len == 0 {
            return None;
        }
        Some(EventType(body[self.data_start]))
    }
}

/// Result of reading one batch header at some offset.
pub enum BatchRead {
    /// Clean end of input.
    Eof,
    /// A batch and the generation number in its header.
    Batch(BatchRef, u64),
}

/// Reads the batch header at `pos` (Go's `readBatch`), returning the batch,
/// its generation, and the offset after it. Errors carry Go's wording.
pub fn read_batch(
    body: &[u8],
    pos: usize,
) -> std::result::Result<(BatchRead, usize), (TraceErrorAt, u64)> {
    let Some(&typ) = body.get(pos) else {
        return Ok((BatchRead::Eof, pos));
    };
    let typ = EventType(typ);
    if typ == EventType::END_OF_GENERATION {
        let b = BatchRef {
            m: ThreadId::NONE,
            time: 0,
            data_start: pos,
            data_len: 1,
            exp: 0,
            offset: pos,
            end_of_generation: true,
        };
        return Ok((BatchRead::Batch(b, 0), pos + 1));
    }
    if typ != EventType::EVENT_BATCH && typ != EventType::EXPERIMENTAL_BATCH {
        return Err((
            TraceErrorAt(pos, format!("expected batch event, got event {}", typ.0)),
            0,
        ));
    }
    let mut p = pos + 1;
    let mut exp = 0u8;
    if typ == EventType::EXPERIMENTAL_BATCH {
        let Some(&e) = body.get(p) else {
            return Err((TraceErrorAt(p, "unexpected EOF".into()), 0));
        };
        exp = e;
        p += 1;
    }
    let mut field = |what: &str, gen: u64| -> std::result::Result<u64, (TraceErrorAt, u64)> {
        match uvarint(&body[p.min(body.len())..]) {
            Some((v, n)) => {
                p += n;
                Ok(v)
            }
            None => {
                let why = if p >= body.len() {
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
    };
    let gen = field("gen", 0)?;
    let m = field("M ID", gen)?;
    let time = field("timestamp", gen)?;
    let size = field("size", gen)?;
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
    let avail = body.len() - p;
    if avail < size {
        return Err((
            TraceErrorAt(
                pos,
                format!("failed to read full batch: read {avail} but wanted {size}"),
            ),
            gen,
        ));
    }
    let b = BatchRef {
        m: ThreadId(m as i64),
        time,
        data_start: p,
        data_len: size,
        exp,
        offset: pos,
        end_of_generation: false,
    };
    Ok((BatchRead::Batch(b, gen), p + size))
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
