//! The v2 event stream (Go's `Reader.ReadEvent` for Go 1.22+ traces):
//! generations are planned from batch headers and decoded in parallel, then
//! ordered one after the other, since ordering state carries across them.

use super::cursor::{BatchCursor, Frontier};
use super::error::{trace_err, Result, TraceError};
use super::event::Event;
use super::generation::{
    decode_generation, plan_generations, CpuSample, Generation, PlanEnd, GO126,
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
    body: &'a [u8],
    version: u32,
    /// Decoded generations, in file order, with the error (if any) to
    /// report after each.
    pending: VecDeque<(Result<Generation>, Option<TraceError>)>,
    gen: Option<Generation>,
    after_gen: Option<TraceError>,
    frontier: Frontier,
    cpu_samples: VecDeque<CpuSample>,
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
}

impl<'a> V2Reader<'a> {
    /// Plans and decodes the generations of `body` (in parallel) and gets
    /// ready to order them. `header_len` is only used for error offsets.
    pub fn new(body: &'a [u8], version: u32, header_len: usize) -> V2Reader<'a> {
        let plans = plan_generations(body, version, header_len);
        let decoded: Vec<(Result<Option<Generation>>, Option<TraceError>)> = plans
            .par_iter()
            .map(|p| {
                let after = match &p.end {
                    PlanEnd::SpillError(e) => Some(e.clone()),
                    _ => None,
                };
                (decode_generation(body, p, version), after)
            })
            .collect();
        let mut pending = VecDeque::new();
        let mut gen_ends = VecDeque::new();
        for ((res, after), plan) in decoded.into_iter().zip(&plans) {
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
            version,
            pending,
            gen: None,
            after_gen: None,
            frontier: Frontier::default(),
            cpu_samples: VecDeque::new(),
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
        }
    }

    /// The table of the generation being read (empty between generations).
    pub fn table(&self) -> &Arc<EvTable> {
        self.gen.as_ref().map_or(&self.empty_table, |g| &g.table)
    }

    /// Bytes of the body belonging to generations fully read.
    pub fn completed_bytes(&self) -> usize {
        self.completed_bytes
    }

    /// Bytes of the body belonging to generations already started.
    pub fn consumed_bytes(&self) -> usize {
        self.consumed_bytes
    }

    /// Next ordered event; Ok(None) at the end.
    pub fn next_event(&mut self) -> Result<Option<Event>> {
        if self.done {
            return Ok(None);
        }
        let mut ev = match self.read_event()? {
            Some(ev) => ev,
            None => return Ok(None),
        };
        if let Err(msg) = ev.validate_table_ids(self.table()) {
            return Err(TraceError::new(msg));
        }
        if ev.time <= self.last_ts {
            ev.time = self.last_ts + 1;
        }
        self.last_ts = ev.time;
        Ok(Some(ev))
    }

    fn sync_event(&mut self, time: Time) -> Event {
        self.syncs += 1;
        Event::sync(time, self.syncs)
    }

    fn read_event(&mut self) -> Result<Option<Event>> {
        if let Some(ev) = self.order.next() {
            return Ok(Some(ev));
        }
        if self.frontier.is_empty() && self.cpu_samples.is_empty() {
            return self.next_generation().map(Some);
        }
        if let Some(&s) = self.cpu_samples.front() {
            if self.frontier.is_empty() || s.time < self.frontier.heap[0].ev.time {
                self.cpu_samples.pop_front();
                return Ok(Some(Event {
                    typ: EventType::CPU_SAMPLE,
                    time: s.time,
                    ctx: s.ctx,
                    args: [s.stack, 0, 0, 0],
                }));
            }
        }
        if self.frontier.is_empty() {
            return Err(self.broken("frontier is empty"));
        }
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
                return Err(self.broken("failed to advance: frontier:"));
            }
        }
        match self.order.next() {
            Some(ev) => Ok(Some(ev)),
            None => Err(trace_err!(
                "internal error: advance successful, but queue is empty"
            )),
        }
    }

    fn broken(&self, what: &str) -> TraceError {
        let gen = self.gen.as_ref().map_or(0, |g| g.gen);
        let mut front = String::new();
        for bc in self.frontier.heap.iter().take(20) {
            let name = bc.ev.typ.name();
            front += &format!("M {} [{} time={}", bc.m, name, bc.ev.time);
            if let Some(spec) = bc.ev.typ.spec() {
                for (i, a) in spec.args.iter().skip(1).enumerate() {
                    front += &format!(" {a}={}", bc.ev.args[i]);
                }
            }
            front += "]\n";
        }
        trace_err!(
            "broken trace: {what}\n[gen={gen}]\n\n{front}\n{}",
            self.order.dump()
        )
        .in_generation(gen)
    }

    fn try_advance(&mut self, i: usize) -> Result<bool> {
        let Some(g) = self.gen.as_ref() else {
            return Ok(false);
        };
        let bc = &mut self.frontier.heap[i];
        if !self.order.advance(&bc.ev, &g.table, bc.m, g.gen)? {
            return Ok(false);
        }
        let batches = g.batches.get(&bc.m).map_or(&[][..], Vec::as_slice);
        if bc
            .next_event(batches, self.body, &g.table.sync)
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
        let mut g = match res {
            Ok(g) => g,
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
        self.cpu_samples = std::mem::take(&mut g.cpu_samples).into();
        self.frontier = Frontier::default();
        for m in g.batch_ms.clone() {
            let mut bc = BatchCursor::new(m);
            let batches = g.batches.get(&m).map_or(&[][..], Vec::as_slice);
            if bc
                .next_event(batches, self.body, &g.table.sync)
                .map_err(|e| e.in_generation(g.gen))?
            {
                self.frontier.insert(bc);
            }
        }
        let time = g.table.sync.mul(g.min_ts);
        self.gen = Some(g);
        Ok(self.sync_event(time))
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
