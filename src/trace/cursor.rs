//! A cursor over one thread's event batches in a generation, decoding timed
//! events lazily (Go's `batchCursor`), and the frontier min-heap of cursors.

use super::batch::BatchRef;
use super::error::{trace_err, Result};
use super::generation::EventBytes;
use super::ids::{ThreadId, Time};
use super::spec::{EventType, NOT_A_TYPE, NOT_TIMED, TIMED_VARINTS};
use super::table::ClockSync;
use super::varint::uvarint;

/// A raw timed event: type, time, arguments after the timestamp.
#[derive(Debug, Clone, Copy, Default)]
pub struct BaseEvent {
    /// Wire type.
    pub typ: EventType,
    /// Time in nanoseconds.
    pub time: Time,
    /// Arguments (room for the largest timed event plus smuggled extras).
    pub args: [u64; 4],
}

impl Default for EventType {
    fn default() -> Self {
        EventType::NONE
    }
}

/// Position in one thread's batches.
#[derive(Debug, Clone)]
pub struct BatchCursor {
    /// The thread.
    pub m: ThreadId,
    /// The thread's slot in the ordering state, [`NO_SLOT`] until its first
    /// event is advanced (see [`super::order::Ordering::advance`]).
    pub m_slot: u32,
    /// Index of the thread's batch list in the generation.
    pub thread: u32,
    last_ts: Time,
    idx: usize,
    data_off: usize,
    /// The event under the cursor.
    pub ev: BaseEvent,
}

/// [`BatchCursor::m_slot`] before the thread has a slot.
pub const NO_SLOT: u32 = u32::MAX;

impl BatchCursor {
    /// A cursor before the first event of thread `m`, whose batches are
    /// list `thread` of the generation.
    pub fn new(m: ThreadId, thread: u32) -> BatchCursor {
        BatchCursor {
            m,
            m_slot: NO_SLOT,
            thread,
            last_ts: 0,
            idx: 0,
            data_off: 0,
            ev: BaseEvent::default(),
        }
    }

    /// Decodes the next event into `self.ev`; false at the end.
    #[inline]
    pub fn next_event(
        &mut self,
        batches: &[BatchRef],
        bytes: &EventBytes<'_>,
        freq: &ClockSync,
    ) -> Result<bool> {
        while self.idx < batches.len() && batches[self.idx].data_len == self.data_off {
            self.idx += 1;
            self.data_off = 0;
            self.last_ts = 0;
        }
        if self.idx == batches.len() {
            return Ok(false);
        }
        let b = &batches[self.idx];
        if self.last_ts == 0 {
            self.last_ts = freq.mul(b.time);
        }
        let data = &bytes.of(b)[self.data_off..];
        let (n, tsdiff) = read_timed_base_event(data, &mut self.ev)?;
        self.ev.time = freq.mul(tsdiff).wrapping_add(self.last_ts);
        self.last_ts = self.ev.time;
        self.data_off += n;
        Ok(true)
    }
}

/// Reads an unsigned varint at `*pos` of `b`, moving `*pos` past it.
#[inline(always)]
fn read_uvarint(b: &[u8], pos: &mut usize) -> Option<u64> {
    match b.get(*pos) {
        Some(&x) if x < 0x80 => {
            *pos += 1;
            Some(u64::from(x))
        }
        _ => {
            let (v, n) = uvarint(b.get(*pos..)?)?;
            *pos += n;
            Some(v)
        }
    }
}

/// Decodes one timed event at the start of `b` (Go's `readTimedBaseEvent`).
#[inline]
fn read_timed_base_event(b: &[u8], e: &mut BaseEvent) -> Result<(usize, u64)> {
    let typ = EventType(b[0]);
    let varints = TIMED_VARINTS[typ.0 as usize];
    if varints == NOT_A_TYPE {
        return Err(trace_err!("found invalid event type: {}", typ.0));
    }
    if varints == NOT_TIMED {
        return Err(trace_err!(
            "found event without a timestamp: type={}",
            typ.0
        ));
    }
    e.typ = typ;
    let mut n = 1;
    let Some(ts) = read_uvarint(b, &mut n) else {
        return Err(trace_err!("found invalid uvarint for timestamp"));
    };
    for i in 0..varints as usize - 1 {
        let Some(arg) = read_uvarint(b, &mut n) else {
            return Err(trace_err!("found invalid uvarint"));
        };
        e.args[i] = arg;
    }
    Ok((n, ts))
}

/// The frontier: a binary min-heap of cursors by next event time, with
/// exactly Go's sift rules so that ties resolve as Go resolves them. The
/// heap holds small (time, cursor index) entries; the cursors stay put.
#[derive(Debug, Default)]
pub struct Frontier {
    /// Heap-ordered (time of the cursor's event, index in `cursors`).
    heap: Vec<(Time, u32)>,
    /// The cursors, in order of insertion (removed ones included).
    cursors: Vec<BatchCursor>,
}

impl Frontier {
    /// Number of cursors in the heap.
    #[inline]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Time of the event of the cursor at heap position 0 (the earliest,
    /// unless [`Frontier::sort`] was called).
    #[inline]
    pub fn first_time(&self) -> Time {
        self.heap[0].0
    }

    /// The cursor at heap position `i`.
    #[inline]
    pub fn cursor(&mut self, i: usize) -> &mut BatchCursor {
        &mut self.cursors[self.heap[i].1 as usize]
    }

    /// The cursors in heap order.
    pub fn iter(&self) -> impl Iterator<Item = &BatchCursor> {
        self.heap.iter().map(|&(_, c)| &self.cursors[c as usize])
    }

    /// Adds a cursor.
    pub fn insert(&mut self, bc: BatchCursor) {
        self.heap.push((bc.ev.time, self.cursors.len() as u32));
        self.cursors.push(bc);
        let i = self.heap.len() - 1;
        self.sift_up(i);
    }

    /// Restores the heap after the cursor at heap position `i` moved forward.
    #[inline]
    pub fn update(&mut self, i: usize) {
        self.heap[i].0 = self.cursors[self.heap[i].1 as usize].ev.time;
        if self.sift_up(i) != i {
            return;
        }
        self.sift_down(i);
    }

    /// Removes the cursor at heap position `i`.
    pub fn remove(&mut self, mut i: usize) {
        while i > 0 {
            self.heap.swap((i - 1) / 2, i);
            i = (i - 1) / 2;
        }
        let last = self.heap.len() - 1;
        self.heap.swap(0, last);
        self.heap.pop();
        self.sift_down(0);
    }

    /// Sorts cursors by time (still a valid heap), for the slow path.
    pub fn sort(&mut self) {
        // N.B. Go uses an unstable sort here; for fewer than 12 threads it is
        // an insertion sort, which is stable like ours.
        self.heap.sort_by_key(|c| c.0);
    }

    #[inline]
    fn sift_up(&mut self, mut i: usize) -> usize {
        while i > 0 && self.heap[(i - 1) / 2].0 > self.heap[i].0 {
            self.heap.swap((i - 1) / 2, i);
            i = (i - 1) / 2;
        }
        i
    }

    #[inline]
    fn sift_down(&mut self, mut i: usize) -> usize {
        loop {
            let m = self.min3(i, 2 * i + 1, 2 * i + 2);
            if m == i {
                break;
            }
            self.heap.swap(i, m);
            i = m;
        }
        i
    }

    #[inline]
    fn min3(&self, i0: usize, i1: usize, i2: usize) -> usize {
        let mut min_idx = i0;
        let mut min_t = Time::MAX;
        if i0 < self.heap.len() {
            min_t = self.heap[i0].0;
        }
        if i1 < self.heap.len() && self.heap[i1].0 < min_t {
            min_t = self.heap[i1].0;
            min_idx = i1;
        }
        if i2 < self.heap.len() && self.heap[i2].0 < min_t {
            min_idx = i2;
        }
        min_idx
    }
}
