//! The v2 event stream (Go's `Reader.ReadEvent` for Go 1.22+ traces):
//! generations are planned from batch headers and decoded in parallel, then
//! ordered one after the other, since ordering state carries across them.
//! A generation's event batches are read when it is ordered, into the
//! memory the one before used: one generation's events are in memory at a
//! time.

use super::bytes::TraceBytes;
use super::cursor::{BatchCursor, Frontier, NO_SLOT};
use super::error::{trace_err, Result, TraceError};
use super::event::Event;
use super::generation::{
    decode_generation, plan_generations, CpuSample, EventBytes, Generation, PlanEnd, GO126,
};
use super::ids::Time;
use super::order::Ordering;
use super::spec::EventType;
use super::table::EvTable;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;

/// Reads the ordered events of a v2 trace body (after the header).
pub struct V2Reader<'a> {
    body: TraceBytes<'a>,
    /// The event batches of the generation being ordered.
    events: EventBytes<'a>,
    version: u32,
    /// Decoded generations, in file order, with the error (if any) to
    /// report after each.
    pending: VecDeque<(Result<Generation>, Option<TraceError>)>,
    gen: Option<Generation>,
    after_gen: Option<TraceError>,
    frontier: Frontier,
    cpu_samples: Vec<CpuSample>,
    /// Index of the next CPU sample to hand out.
    cpu_next: usize,
    order: Ordering,
    last_ts: Time,
    syncs: u64,
    /// An error waiting to be returned after the sync event emitted for it.
    queued_err: Option<TraceError>,
    done: bool,
    empty_table: Arc<EvTable>,
    /// Byte ranges of generations in the body, for progress.
    gen_ends: VecDeque<usize>,
    consumed_bytes: usize,
    completed_bytes: usize,
    /// Number of generations fully or partly read.
    pub generations_read: u64,
    unread_tail: Option<usize>,
    /// Events read ahead for [`V2Reader::next_event`], the next one's index,
    /// and the error that came after them.
    ahead: Vec<Event>,
    ahead_pos: usize,
    ahead_err: Option<TraceError>,
    /// The generations that decoded, in file order.
    extents: Vec<GenExtent>,
}

/// Where a generation is in the trace, from its batch headers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenExtent {
    /// Offsets in the trace body (after the header) of its batches.
    pub body_range: (usize, usize),
    /// Time of its earliest batch (its sync event's time), ns.
    pub start_ns: Time,
    /// Time of its latest batch start, ns: its events end a little later.
    pub last_batch_ns: Time,
}

/// How many events [`V2Reader::next_event`] reads ahead.
const AHEAD: usize = 256;

impl<'a> V2Reader<'a> {
    /// Plans and decodes the generations of `body` (in parallel) and gets
    /// ready to order them. `header_len` is only used for error offsets.
    pub fn new(body: impl Into<TraceBytes<'a>>, version: u32, header_len: usize) -> V2Reader<'a> {
        let body = body.into();
        let plans = plan_generations(&body, version, header_len);
        let decoded: Vec<(Result<Option<Generation>>, Option<TraceError>)> = plans
            .par_iter()
            .map(|p| {
                let after = match &p.end {
                    PlanEnd::SpillError(e) => Some(e.clone()),
                    _ => None,
                };
                (decode_generation(&body, p, version), after)
            })
            .collect();
        let unread_tail = plans
            .last()
            .filter(|p| matches!(p.end, PlanEnd::EndOfTrace) && p.byte_range.1 > p.byte_range.0)
            .map(|p| p.byte_range.1 - p.byte_range.0);
        let mut pending = VecDeque::new();
        let mut gen_ends = VecDeque::new();
        let mut extents = Vec::new();
        for ((res, after), plan) in decoded.into_iter().zip(&plans) {
            if let Ok(Some(g)) = &res {
                let last = plan.batches.iter().map(|b| b.time).max().unwrap_or(0);
                extents.push(GenExtent {
                    body_range: plan.byte_range,
                    start_ns: g.table.sync.mul(g.min_ts),
                    last_batch_ns: g.table.sync.mul(last.max(g.min_ts)),
                });
            }
            let res = match res {
                Ok(Some(g)) => Ok(g),
                Ok(None) => break, // input ended cleanly
                Err(e) => Err(e),
            };
            gen_ends.push_back(plan.byte_range.1);
            pending.push_back((res, after));
        }
        V2Reader {
            body,
            events: EventBytes::default(),
            version,
            pending,
            gen: None,
            after_gen: None,
            frontier: Frontier::default(),
            cpu_samples: Vec::new(),
            cpu_next: 0,
            order: Ordering::new(version),
            last_ts: 0,
            syncs: 0,
            queued_err: None,
            done: false,
            empty_table: Arc::new(EvTable::new()),
            gen_ends,
            consumed_bytes: 0,
            completed_bytes: 0,
            generations_read: 0,
            unread_tail,
            ahead: Vec::new(),
            ahead_pos: 0,
            ahead_err: None,
            extents,
        }
    }

    /// The generations that decoded (their structure, not their events),
    /// in file order: known before any event is ordered.
    pub fn extents(&self) -> &[GenExtent] {
        &self.extents
    }

    /// The table of the generation being read (empty between generations).
    pub fn table(&self) -> &Arc<EvTable> {
        self.gen.as_ref().map_or(&self.empty_table, |g| &g.table)
    }

    /// Size of a trailing partial generation Go ignores (see `EventReader::unread_tail`).
    pub fn unread_tail(&self) -> Option<usize> {
        self.unread_tail
    }

    /// Bytes of the body belonging to generations fully read.
    pub fn completed_bytes(&self) -> usize {
        self.completed_bytes
    }

    /// Bytes of the body belonging to generations already started.
    pub fn consumed_bytes(&self) -> usize {
        self.consumed_bytes
    }

    /// Next ordered event; Ok(None) at the end. (Reads ahead in chunks;
    /// [`V2Reader::read_chunk`] is the faster interface.)
    pub fn next_event(&mut self) -> Result<Option<Event>> {
        if self.ahead_pos == self.ahead.len() {
            if let Some(e) = self.ahead_err.take() {
                return Err(e);
            }
            let mut buf = std::mem::take(&mut self.ahead);
            buf.clear();
            self.ahead_pos = 0;
            if let Err(e) = self.read_chunk(&mut buf, AHEAD) {
                self.ahead_err = Some(e);
            }
            self.ahead = buf;
            if self.ahead.is_empty() {
                return match self.ahead_err.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
        }
        let ev = self.ahead[self.ahead_pos];
        self.ahead_pos += 1;
        Ok(Some(ev))
    }

    /// Appends ordered events to `out` until it holds at least `want`
    /// events, the generation ends, or the trace ends (nothing appended).
    /// All events appended refer to [`V2Reader::table`] as it is when this
    /// returns. On error, the events appended before the error come first
    /// (as [`V2Reader::next_event`] would return them), then the error.
    pub fn read_chunk(&mut self, out: &mut Vec<Event>, want: usize) -> Result<()> {
        // The ordering appends to its queue: make `out` the queue.
        std::mem::swap(out, &mut self.order.queue);
        let res = self.fill_queue(want);
        std::mem::swap(out, &mut self.order.queue);
        res
    }

    fn fill_queue(&mut self, want: usize) -> Result<()> {
        if self.done {
            return Ok(());
        }
        while self.order.queue.len() < want {
            let start = self.order.queue.len();
            if self.frontier.is_empty() && self.cpu_next == self.cpu_samples.len() {
                if start > 0 {
                    // The table changes with the generation: end the chunk.
                    return Ok(());
                }
                let ev = match self.next_generation() {
                    Ok(ev) => ev,
                    Err(e) => {
                        self.done = true;
                        return Err(e);
                    }
                };
                self.order.queue.push(ev);
                self.finish_events(start)?;
                if self.done {
                    return Ok(());
                }
                continue;
            }
            self.read_events()?;
            self.finish_events(start)?;
        }
        Ok(())
    }

    /// Go's last steps of `ReadEvent` on the events queued from `start`:
    /// checks their table IDs and makes their times strictly increasing.
    #[inline]
    fn finish_events(&mut self, start: usize) -> Result<()> {
        let table = self.gen.as_ref().map_or(&self.empty_table, |g| &g.table);
        let mut last_ts = self.last_ts;
        for (i, ev) in self.order.queue[start..].iter_mut().enumerate() {
            if !ev.table_ids_valid(table) {
                let msg = ev.validate_table_ids(table).err().unwrap_or_default();
                self.last_ts = last_ts;
                self.order.queue.truncate(start + i);
                self.done = true;
                return Err(TraceError::new(msg));
            }
            if ev.time <= last_ts {
                ev.time = last_ts.wrapping_add(1); // Go's int64 arithmetic wraps
            }
            last_ts = ev.time;
        }
        self.last_ts = last_ts;
        Ok(())
    }

    fn sync_event(&mut self, time: Time) -> Event {
        self.syncs += 1;
        Event::sync(time, self.syncs)
    }

    /// Queues the next event(s) of the current generation: a CPU sample, or
    /// the events of advancing one thread (Go's `ReadEvent` after the
    /// generation checks).
    #[inline]
    fn read_events(&mut self) -> Result<()> {
        if let Some(&s) = self.cpu_samples.get(self.cpu_next) {
            if self.frontier.is_empty() || s.time < self.frontier.first_time() {
                self.cpu_next += 1;
                self.order.queue.push(Event {
                    typ: EventType::CPU_SAMPLE,
                    time: s.time,
                    ctx: s.ctx,
                    args: [s.stack, 0, 0, 0],
                });
                return Ok(());
            }
        }
        let res = self.advance_frontier();
        if let Err(e) = res {
            self.done = true;
            return Err(e);
        }
        Ok(())
    }

    fn advance_frontier(&mut self) -> Result<()> {
        if self.frontier.is_empty() {
            return Err(self.broken("frontier is empty"));
        }
        let before = self.order.queue.len();
        if !self.try_advance(0)? {
            // Slow path: try the other threads in time order.
            self.frontier.sort();
            let mut success = false;
            for i in 1..self.frontier.len() {
                if self.try_advance(i)? {
                    success = true;
                    break;
                }
            }
            if !success {
                return Err(self.broken("failed to advance"));
            }
        }
        if self.order.queue.len() == before {
            return Err(trace_err!(
                "internal error: advance successful, but queue is empty"
            ));
        }
        Ok(())
    }

    fn broken(&self, what: &str) -> TraceError {
        let gen = self.gen.as_ref().map_or(0, |g| g.gen);
        let mut front = String::new();
        for bc in self.frontier.iter().take(20) {
            let name = bc.ev.typ.name();
            front += &format!("M {} [{} time={}", bc.m, name, bc.ev.time);
            if let Some(spec) = bc.ev.typ.spec() {
                for (i, a) in spec.args.iter().skip(1).enumerate() {
                    front += &format!(" {a}={}", bc.ev.args[i]);
                }
            }
            front += "]\n";
        }
        trace_err!("broken trace: {what}")
            .in_generation(gen)
            .with_detail(format!("[gen={gen}]\n\n{front}\n{}", self.order.dump()))
    }

    #[inline]
    fn try_advance(&mut self, i: usize) -> Result<bool> {
        let Some(g) = self.gen.as_ref() else {
            return Ok(false);
        };
        let bc = self.frontier.cursor(i);
        if bc.m_slot == NO_SLOT && bc.m.is_some() {
            bc.m_slot = self.order.thread_slot(bc.m);
        }
        if !self
            .order
            .advance(&bc.ev, &g.table, bc.m, bc.m_slot, g.gen)?
        {
            return Ok(false);
        }
        let batches = &g.batches[bc.thread as usize];
        if bc
            .next_event(batches, &self.events, &g.table.sync)
            .map_err(|e| e.in_generation(g.gen))?
        {
            self.frontier.update(i);
        } else {
            self.frontier.remove(i);
        }
        Ok(true)
    }

    /// Moves to the next generation, returning its sync event (or the final
    /// one), following Go's control flow for errors around generations.
    fn next_generation(&mut self) -> Result<Event> {
        // The generation's events are all ordered: their buffer takes the
        // next one's, or is freed here at the end (before the load
        // finishes its model).
        let mut events = std::mem::take(&mut self.events);
        if self.gen.is_some() {
            // The current generation was read to its end.
            self.completed_bytes = self.consumed_bytes;
        }
        if let Some(e) = self.queued_err.take() {
            self.done = true;
            return Err(e);
        }
        if let Some(e) = self.after_gen.take() {
            // The previous generation was usable but reading past it failed.
            self.gen = None;
            self.queued_err = Some(e);
            return Ok(self.sync_event(self.last_ts));
        }
        let Some((res, after)) = self.pending.pop_front() else {
            self.gen = None;
            self.done = true;
            return Ok(self.sync_event(self.last_ts));
        };
        if let Some(end) = self.gen_ends.pop_front() {
            self.consumed_bytes = end;
        }
        let read = res.and_then(|g| {
            events
                .read(&self.body, &g)
                .map_err(|e| e.in_generation(g.gen))?;
            Ok(g)
        });
        let mut g = match read {
            Ok(g) => {
                self.events = events;
                g
            }
            Err(e) => {
                self.gen = None;
                self.queued_err = Some(e);
                return Ok(self.sync_event(self.last_ts));
            }
        };
        self.generations_read += 1;
        self.after_gen = after;
        if let Some(t) = Arc::get_mut(&mut g.table) {
            self.order.prepare_generation(t);
        }
        self.cpu_samples = std::mem::take(&mut g.cpu_samples);
        self.cpu_next = 0;
        self.frontier = Frontier::default();
        for (i, &m) in g.batch_ms.iter().enumerate() {
            let mut bc = BatchCursor::new(m, i as u32);
            if bc
                .next_event(&g.batches[i], &self.events, &g.table.sync)
                .map_err(|e| e.in_generation(g.gen))?
            {
                self.frontier.insert(bc);
            }
        }
        let time = g.table.sync.mul(g.min_ts);
        self.gen = Some(g);
        Ok(self.sync_event(time))
    }

    /// Continues the clock of a read that stopped at an event at `t`
    /// (event times are made strictly increasing from there): for reading
    /// from a generation after the first.
    pub fn set_clock(&mut self, t: Time) {
        self.last_ts = t;
    }

    /// The trace format version being read.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// True for formats with an in-band end-of-generation marker.
    pub fn has_end_of_generation(&self) -> bool {
        self.version >= GO126
    }
}
