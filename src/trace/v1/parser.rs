//! Decoding v1 trace bytes (Go's `tracev1/parser.go`): raw events, the first
//! pass that finds every batch and CPU sample, and batch loading, which turns
//! raw events into [`RawEv`]s and fills the string and stack tables.

use super::events::{arg_num, desc, ev, fake_p, RawEv};
use super::idmap::{pkey, IdMap};
use crate::trace::error::{Result, TraceError};
use crate::trace::table::RawFrame;
use crate::trace::varint::uvarint;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// Length of the `go 1.NN trace\0\0\0` header before the body we parse; error
/// offsets are file offsets.
pub(crate) const HEADER_LEN: u64 = 16;

const SKIP_ARGS: u8 = 1;
const SKIP_STRINGS: u8 = 2;
/// Largest byte length of length-prefixed arguments Go accepts.
const MAX_ARGS_LEN: u64 = 2048;
/// Largest string Go accepts.
const MAX_STRING_LEN: u64 = 1_000_000;
/// Largest stack Go accepts.
const MAX_STACK_FRAMES: u64 = 1000;

const MALFORMED_VARINT: &str = "malformatted base-128 varint";
const UNEXPECTED_EOF: &str = "failed to read trace: unexpected EOF";
const EOF: &str = "failed to read trace: EOF";
/// Go's `ErrTimeOrder`.
pub(crate) const TIME_ORDER: &str = "time stamps out of order";

/// One raw event as read from the bytes (Go's `rawEvent`).
#[derive(Default)]
struct Raw {
    typ: u8,
    args: Vec<u64>,
    /// Byte range of the string following a `UserLog`.
    sarg: (usize, usize),
    batch_pid: i32,
    batch_off: usize,
}

/// The batches of one proc, in file order.
#[derive(Default)]
pub(crate) struct BatchList {
    offsets: Vec<usize>,
    next: usize,
}

/// The parser's state: position, tables, batch index and the per-proc
/// context that batch loading carries from event to event.
pub(crate) struct Parser<'a> {
    data: &'a [u8],
    off: usize,
    ev_start: usize,
    ver: u32,
    raw: Raw,

    /// String dictionary.
    pub strings: FxHashMap<u64, String>,
    /// `UserLog` messages, which v1 stores inline, in order of first use.
    pub inline_strings: Vec<String>,
    inline_ids: FxHashMap<String, u64>,
    /// Stack table: PCs by stack ID (stacks without frames are left out).
    pub stacks: FxHashMap<u32, Vec<u64>>,
    /// Frame of each PC (the first one seen).
    pub pcs: FxHashMap<u64, RawFrame>,
    /// Timestamp ticks per second (0 until a `Frequency` event is loaded).
    pub ticks_per_sec: i64,
    /// Goroutines that run timers (Go 1.11-era runtimes).
    pub timer_goids: FxHashSet<u64>,

    /// Batch lists, one per proc ID in `pids`.
    pub lists: Vec<BatchList>,
    /// Proc ID of each batch list.
    pub pids: Vec<i32>,
    list_of: FxHashMap<i32, usize>,
    /// CPU samples, in file order.
    pub cpu_samples: Vec<RawEv>,
    /// Number of raw events seen by the first pass (a bound on the number of
    /// ordered events).
    pub raw_events: usize,

    last_ts: i64,
    last_g: u64,
    last_p: i32,
    last_gs: IdMap<u64>,
}

impl<'a> Parser<'a> {
    /// A parser of `data` (the file after its header) of version 1.`ver`.
    pub(crate) fn new(data: &'a [u8], ver: u32) -> Parser<'a> {
        Parser {
            data,
            off: 0,
            ev_start: 0,
            ver,
            raw: Raw::default(),
            strings: FxHashMap::default(),
            inline_strings: Vec::new(),
            inline_ids: FxHashMap::default(),
            stacks: FxHashMap::default(),
            pcs: FxHashMap::default(),
            ticks_per_sec: 0,
            timer_goids: FxHashSet::default(),
            lists: Vec::new(),
            pids: Vec::new(),
            list_of: FxHashMap::default(),
            cpu_samples: Vec::new(),
            raw_events: 0,
            last_ts: 0,
            last_g: 0,
            last_p: 0,
            last_gs: IdMap::new(1 << 12),
        }
    }

    /// An error about the event being read, with its file offset.
    fn err(&self, msg: impl Into<String>) -> TraceError {
        TraceError::new(msg).at_offset(self.ev_start as u64 + HEADER_LEN)
    }

    #[inline]
    fn read_val(&mut self) -> Option<u64> {
        let (v, n) = uvarint(self.data.get(self.off..)?)?;
        self.off += n;
        Some(v)
    }

    fn val(&mut self) -> Result<u64> {
        self.read_val().ok_or_else(|| self.err(MALFORMED_VARINT))
    }

    /// Skips `n` bytes (Go's `discard`).
    fn discard(&mut self, n: u64) -> bool {
        match usize::try_from(n)
            .ok()
            .and_then(|n| self.off.checked_add(n))
        {
            Some(end) if end <= self.data.len() => {
                self.off = end;
                true
            }
            _ => false,
        }
    }

    /// The next `n` bytes as a range (Go's `readFull`, which also fails at
    /// the very end of the data).
    fn read_full(&mut self, n: u64) -> Result<(usize, usize)> {
        let start = self.off;
        match usize::try_from(n).ok().and_then(|n| start.checked_add(n)) {
            Some(end) if start < self.data.len() && end <= self.data.len() => {
                self.off = end;
                Ok((start, end))
            }
            _ => Err(self.err(UNEXPECTED_EOF)),
        }
    }

    /// Reads the next raw event into `self.raw`; false at the end of the data
    /// (Go's `readRawEvent`, io.EOF included).
    fn read_raw(&mut self, flags: u8) -> Result<bool> {
        self.ev_start = self.off;
        let Some(&b) = self.data.get(self.off) else {
            return Ok(false);
        };
        self.off += 1;
        let typ = b & 0x3f;
        let narg = (b >> 6) + 1;
        if typ == ev::NONE || typ >= ev::COUNT || desc(typ).min_version > self.ver {
            return Err(self.err(format!("unknown event type {typ}")));
        }
        self.raw.args.clear();
        match typ {
            ev::STRING => {
                self.read_string(flags)?;
                self.raw.typ = ev::NONE;
            }
            ev::BATCH => {
                if narg != 2 {
                    return Err(self.err(format!(
                        "EvBatch has wrong number of arguments: got {narg}, want 2"
                    )));
                }
                let pid = self.val()?;
                if pid != u64::MAX && pid > i32::MAX as u64 {
                    return Err(self.err(format!(
                        "processor ID {pid} is larger than maximum of {}",
                        u64::MAX
                    )));
                }
                let ticks = self.val()?;
                self.raw.typ = ev::BATCH;
                self.raw.batch_pid = if pid == u64::MAX { -1 } else { pid as i32 };
                self.raw.batch_off = self.ev_start;
                self.raw.args.extend([pid, ticks]);
            }
            _ => {
                self.raw.typ = typ;
                if !self.read_args(typ, narg, flags)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// A string dictionary entry [ID, length, bytes].
    fn read_string(&mut self, flags: u8) -> Result<()> {
        if flags & SKIP_STRINGS != 0 {
            self.val()?;
            let n = self.val()?;
            if !self.discard(n) {
                return Err(self.err(EOF));
            }
            return Ok(());
        }
        let id = self.val()?;
        if id == 0 {
            return Err(self.err("string has invalid id 0"));
        }
        if self.strings.contains_key(&id) {
            return Err(self.err(format!("string has duplicate id {id}")));
        }
        let n = self.val()?;
        if n == 0 {
            return Err(self.err("string has invalid length 0"));
        }
        if n > MAX_STRING_LEN {
            return Err(self.err(format!("string has too large length {n}")));
        }
        let (s, e) = self.read_full(n)?;
        let text = String::from_utf8_lossy(&self.data[s..e]).into_owned();
        self.strings.insert(id, text);
        Ok(())
    }

    /// The arguments of an ordinary event: up to three inline varints, or a
    /// byte length and that many bytes of varints. False when Go's reader
    /// would report io.EOF (a truncated `UserLog` string while skipping).
    fn read_args(&mut self, typ: u8, narg: u8, flags: u8) -> Result<bool> {
        let skip = flags & SKIP_ARGS != 0;
        let arg_err = |p: &Self| {
            p.err(format!(
                "failed to read event {typ} argument: {MALFORMED_VARINT}"
            ))
        };
        if narg <= 3 {
            for _ in 0..narg {
                let v = self.read_val().ok_or_else(|| arg_err(self))?;
                if !skip {
                    self.raw.args.push(v);
                }
            }
            return Ok(true);
        }
        let len = self.read_val().ok_or_else(|| arg_err(self))?;
        if len > MAX_ARGS_LEN {
            return Err(self.err(format!(
                "failed to read event {typ} argument: length-prefixed argument too big: {len} bytes, limit is {MAX_ARGS_LEN}"
            )));
        }
        if !skip || typ == ev::CPU_SAMPLE {
            let (mut s, e) = self.read_full(len)?;
            while s < e {
                let Some((v, n)) = uvarint(&self.data[s..e]) else {
                    return Err(self.err(MALFORMED_VARINT));
                };
                self.raw.args.push(v);
                s += n;
            }
        } else if !self.discard(len) {
            return Err(self.err(EOF));
        }
        if typ == ev::USER_LOG {
            if !skip {
                self.raw.sarg = self.read_str()?;
            } else {
                let n = self.val()?;
                if !self.discard(n) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// A length-prefixed string (Go's `readStr`).
    fn read_str(&mut self) -> Result<(usize, usize)> {
        let n = self.val()?;
        if n == 0 {
            return Ok((self.off, self.off));
        }
        if n > MAX_STRING_LEN {
            return Err(self.err(format!("string is too large (len={n})")));
        }
        self.read_full(n)
    }

    /// First pass (Go's `collectBatchesAndCPUSamples`): the offsets of every
    /// proc's batches and all CPU samples, checking only the framing.
    pub(crate) fn index(&mut self) -> Result<()> {
        let mut cur_p: i32 = 0;
        while self.read_raw(SKIP_ARGS | SKIP_STRINGS)? {
            let typ = self.raw.typ;
            if typ == ev::NONE {
                continue;
            }
            if typ == ev::BATCH {
                let pid = self.raw.batch_pid;
                let li = match self.list_of.get(&pid) {
                    Some(&li) => li,
                    None => {
                        self.lists.push(BatchList::default());
                        self.pids.push(pid);
                        self.list_of.insert(pid, self.lists.len() - 1);
                        self.lists.len() - 1
                    }
                };
                self.lists[li].offsets.push(self.raw.batch_off);
                cur_p = pid;
            }
            if !self.list_of.contains_key(&cur_p) {
                return Err(self.err(format!(
                    "read event {typ} with current P of {cur_p}, but P has no batches yet"
                )));
            }
            self.raw_events += 1;
            if typ == ev::CPU_SAMPLE {
                self.cpu_sample()?;
            }
        }
        Ok(())
    }

    /// A CPU sample: [timestamp, real timestamp, P, G, stack].
    fn cpu_sample(&mut self) -> Result<()> {
        let a = &self.raw.args;
        let want = arg_num(ev::CPU_SAMPLE);
        if a.len() != want {
            return Err(self.err(format!(
                "CPU sample has wrong number of arguments: want {want}, got {}",
                a.len()
            )));
        }
        self.cpu_samples.push(RawEv {
            ts: a[1] as i64,
            g: a[3],
            args: [0, a[2], a[3], 0],
            stk: a[4] as u32,
            p: a[2] as i32,
            typ: ev::CPU_SAMPLE,
        });
        Ok(())
    }

    /// The batch list of the CPU samples' pseudo-proc, if a real batch uses
    /// its ID too (Go then loads those batches after the samples).
    pub(crate) fn profile_list(&self) -> Option<usize> {
        self.list_of.get(&fake_p::PROFILE).copied()
    }

    /// Loads the next batch of list `li` into `out` (cleared first); false
    /// when the list has no batches left (Go's `loadBatch`).
    pub(crate) fn load_batch(&mut self, li: usize, out: &mut Vec<RawEv>) -> Result<bool> {
        out.clear();
        let list = &mut self.lists[li];
        let Some(&offset) = list.offsets.get(list.next) else {
            return Ok(false);
        };
        list.next += 1;
        self.off = offset;
        let mut got_header = false;
        while self.read_raw(0)? {
            let typ = self.raw.typ;
            if typ == ev::NONE || typ == ev::CPU_SAMPLE {
                continue;
            }
            if typ == ev::BATCH {
                if got_header {
                    break;
                }
                got_header = true;
            }
            if let Some(e) = self.parse_event()? {
                out.push(e);
            }
        }
        Ok(true)
    }

    /// Interprets `self.raw` (Go's `parseEvent`): table entries and batch
    /// headers update the parser, timed events are returned.
    fn parse_event(&mut self) -> Result<Option<RawEv>> {
        let typ = self.raw.typ;
        let d = desc(typ);
        let n = self.raw.args.len();
        let narg = if typ == ev::STACK { n } else { arg_num(typ) };
        if n != narg {
            return Err(self.err(format!(
                "{} has wrong number of arguments: want {narg}, got {n}",
                d.name
            )));
        }
        let a = &self.raw.args;
        match typ {
            ev::BATCH => {
                self.last_gs.set(pkey(self.last_p), self.last_g);
                self.last_p = self.raw.batch_pid;
                self.last_g = self.last_gs.get(pkey(self.last_p));
                self.last_ts = a[1] as i64;
            }
            ev::FREQUENCY => {
                self.ticks_per_sec = a[0] as i64;
                if self.ticks_per_sec <= 0 {
                    return Err(self.err(TIME_ORDER));
                }
            }
            ev::TIMER_GOROUTINE => {
                self.timer_goids.insert(a[0]);
            }
            ev::STACK => self.stack()?,
            ev::CPU_SAMPLE => {}
            _ => return Ok(Some(self.timed_event(narg))),
        }
        Ok(None)
    }

    /// A stack table entry [id, n, n × (pc, func, file, line)].
    fn stack(&mut self) -> Result<()> {
        let a = &self.raw.args;
        if a.len() < 2 {
            return Err(self.err(format!(
                "EvStack has wrong number of arguments: want at least 2, got {}",
                a.len()
            )));
        }
        let size = a[1];
        if size > MAX_STACK_FRAMES {
            return Err(self.err(format!("EvStack has bad number of frames: {size}")));
        }
        let want = 2 + 4 * size;
        if a.len() as u64 != want {
            return Err(self.err(format!(
                "EvStack has wrong number of arguments: want {want}, got {}",
                a.len()
            )));
        }
        let id = a[0] as u32;
        if id != 0 && size > 0 {
            let mut pcs = Vec::with_capacity(size as usize);
            for f in a[2..].chunks_exact(4) {
                pcs.push(f[0]);
                self.pcs.entry(f[0]).or_insert(RawFrame {
                    pc: f[0],
                    func: f[1],
                    file: f[2],
                    line: f[3],
                });
            }
            self.stacks.insert(id, pcs);
        }
        Ok(())
    }

    /// A timed event: timestamp delta, arguments, optional stack.
    fn timed_event(&mut self, narg: usize) -> RawEv {
        let typ = self.raw.typ;
        let a = &self.raw.args;
        let mut e = RawEv {
            typ,
            p: self.last_p,
            g: self.last_g,
            ..RawEv::default()
        };
        e.ts = self.last_ts.wrapping_add(a[0] as i64);
        self.last_ts = e.ts;
        let stack = desc(typ).stack;
        for (i, &v) in a.iter().enumerate().take(narg).skip(1) {
            if i == narg - 1 && stack {
                e.stk = v as u32;
            } else {
                e.args[i - 1] = v;
            }
        }
        match typ {
            ev::GO_START | ev::GO_START_LOCAL | ev::GO_START_LABEL => {
                self.last_g = e.args[0];
                e.g = self.last_g;
            }
            ev::GO_END | ev::GO_STOP | ev::GO_SCHED | ev::GO_PREEMPT | ev::GO_SYS_BLOCK => {
                self.last_g = 0
            }
            t if ev::blocks_goroutine(t) => self.last_g = 0,
            ev::GO_SYS_EXIT | ev::GO_WAITING | ev::GO_IN_SYSCALL => e.g = e.args[0],
            ev::USER_LOG => e.args[3] = self.inline_string(),
            _ => {}
        }
        e
    }

    /// The inline-string index of the current `UserLog` message.
    fn inline_string(&mut self) -> u64 {
        let (s, e) = self.raw.sarg;
        let text = String::from_utf8_lossy(&self.data[s..e]);
        if let Some(&id) = self.inline_ids.get(text.as_ref()) {
            return id;
        }
        let id = self.inline_strings.len() as u64;
        let text = match text {
            Cow::Borrowed(t) => t.to_owned(),
            Cow::Owned(t) => t,
        };
        self.inline_ids.insert(text.clone(), id);
        self.inline_strings.push(text);
        id
    }
}
