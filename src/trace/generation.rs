//! Generations of a v2 trace: where each begins and ends (planned from batch
//! headers alone, in Go's reading order), and the decoding of a generation's
//! structural batches (strings, stacks, CPU samples, clock) into tables.

use super::batch::{read_batch, BatchRead, BatchRef};
use super::bytes::TraceBytes;
use super::error::{trace_err, Result, TraceError};
use super::ids::{GoId, ProcId, SchedCtx, ThreadId, Time};
use super::spec::{EventType, MAX_EVENT_TRAILER_DATA_SIZE, MAX_FRAMES_PER_STACK};
use super::table::{EvTable, RawFrame};
use super::varint::ByteCursor;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Go trace format versions (the minor number in the header).
pub const GO122: u32 = 22;
/// Go 1.23 format.
pub const GO123: u32 = 23;
/// Go 1.25 format (sync batches, clock snapshots).
pub const GO125: u32 = 25;
/// Go 1.26 format (in-band end-of-generation).
pub const GO126: u32 = 26;

/// How reading a generation's batches ended.
#[derive(Debug, Clone)]
pub enum PlanEnd {
    /// The generation is complete.
    Complete,
    /// The generation's batches were read, but reading the next one failed;
    /// Go (before 1.26) uses the generation and reports this error after it.
    SpillError(TraceError),
    /// The generation is broken: report this error after checking its batches.
    Fatal(TraceError),
    /// Input ended cleanly with no event batches: the trace is over.
    EndOfTrace,
}

/// The batches of one generation, located but not decoded.
#[derive(Debug, Clone)]
pub struct GenerationPlan {
    /// Generation number from the batch headers.
    pub gen: u64,
    /// Batches in file order.
    pub batches: Vec<BatchRef>,
    /// How reading ended.
    pub end: PlanEnd,
    /// Body offsets covered by this generation.
    pub byte_range: (usize, usize),
}

/// Splits a v2 trace body into generations following exactly the batch
/// reading logic of Go's parser for `version`, reading batch headers only.
pub fn plan_generations(
    body: &TraceBytes<'_>,
    version: u32,
    header_len: usize,
) -> Vec<GenerationPlan> {
    let mut plans = Vec::new();
    let mut pos = 0usize;
    let mut spill: Option<(BatchRef, u64)> = None;
    loop {
        let (plan, stop) = plan_generation(body, version, header_len, &mut pos, &mut spill);
        let end_of_trace = matches!(plan.end, PlanEnd::EndOfTrace);
        plans.push(plan);
        if stop || end_of_trace || (version < GO126 && spill.is_none()) {
            break;
        }
    }
    plans
}

/// What a batch header means for the generation being planned.
enum Step {
    /// The batch belongs to the generation.
    Take,
    /// An end-of-generation marker (Go 1.26+): the generation is whole.
    EndMarker,
    /// The first batch of the next generation (before Go 1.26).
    Spill,
    /// The generation ends here, and so does the reading.
    Broken(PlanEnd),
}

/// Plans the generation at `pos` (or at the batch `spill` carried over
/// from the previous one); `pos` moves past it. True when the reading
/// stops after it.
fn plan_generation(
    body: &TraceBytes<'_>,
    version: u32,
    header_len: usize,
    pos: &mut usize,
    spill: &mut Option<(BatchRef, u64)>,
) -> (GenerationPlan, bool) {
    let start = spill.as_ref().map_or(*pos, |(b, _)| b.offset);
    let mut plan = GenerationPlan {
        gen: 0,
        batches: Vec::new(),
        end: PlanEnd::Complete,
        byte_range: (start, start),
    };
    let mut event_batches = 0usize;
    if let Some((b, g)) = spill.take() {
        plan.gen = g;
        plan.batches.push(b);
    }
    let stop = loop {
        let (b, gen, next) = match read_batch(body, *pos) {
            Ok((BatchRead::Eof, _)) => {
                plan.end = end_at_eof(version, event_batches);
                break true;
            }
            Ok((BatchRead::Batch(b, gen), next)) => (b, gen, next),
            Err((e, _)) => {
                let err = e.into_error(header_len);
                plan.end = if version < GO126 && plan.gen != 0 {
                    PlanEnd::SpillError(err)
                } else {
                    PlanEnd::Fatal(err)
                };
                break true;
            }
        };
        let step = if version >= GO126 {
            step_go126(&mut plan.gen, gen, &b)
        } else {
            step_before_go126(&mut plan.gen, gen)
        };
        match step {
            Step::Take => {}
            Step::EndMarker => {
                *pos = next;
                break false;
            }
            Step::Spill => {
                *spill = Some((b, gen));
                *pos = next;
                break false;
            }
            Step::Broken(end) => {
                plan.end = end;
                break true;
            }
        }
        if !b.end_of_generation && b.exp == 0 && !is_structural(&b, version) {
            event_batches += 1;
        }
        plan.batches.push(b);
        *pos = next;
    };
    plan.byte_range.1 = *pos;
    (plan, stop)
}

/// How a generation ends at a clean end of input. Before Go 1.26 it is
/// complete (even when nothing was read: Go still runs its checks and
/// fails on the missing frequency); from 1.26 on, only an end marker
/// completes one.
fn end_at_eof(version: u32, event_batches: usize) -> PlanEnd {
    if version < GO126 {
        PlanEnd::Complete
    } else if event_batches != 0 {
        PlanEnd::Fatal(trace_err!(
            "incomplete generation found; trace likely truncated"
        ))
    } else {
        PlanEnd::EndOfTrace
    }
}

/// A batch of generation `gen` in a Go 1.26+ trace, whose generations end
/// with a marker.
fn step_go126(plan_gen: &mut u64, gen: u64, b: &BatchRef) -> Step {
    if *plan_gen == 0 {
        *plan_gen = gen;
    }
    if b.end_of_generation {
        return Step::EndMarker;
    }
    if gen == 0 {
        return Step::Broken(PlanEnd::Fatal(trace_err!(
            "invalid generation number {gen}"
        )));
    }
    if gen != *plan_gen {
        return Step::Broken(PlanEnd::Fatal(trace_err!(
            "broken trace: missing end-of-generation event, or generations are interleaved"
        )));
    }
    Step::Take
}

/// A batch of generation `gen` before Go 1.26: the first batch of the next
/// generation ends this one.
fn step_before_go126(plan_gen: &mut u64, gen: u64) -> Step {
    if gen == 0 {
        return Step::Broken(PlanEnd::Fatal(trace_err!(
            "invalid generation number {gen}"
        )));
    }
    if *plan_gen == 0 {
        *plan_gen = gen;
    }
    if gen == plan_gen.wrapping_add(1) {
        return Step::Spill;
    }
    if gen != *plan_gen {
        return Step::Broken(PlanEnd::Fatal(trace_err!("generations out of order")));
    }
    Step::Take
}

/// True for strings, stacks, CPU samples and sync batches.
fn is_structural(b: &BatchRef, version: u32) -> bool {
    match b.first_type() {
        Some(t) => {
            t == EventType::STRINGS
                || t == EventType::STACKS
                || t == EventType::CPU_SAMPLES
                || (t == EventType::FREQUENCY && version < GO125)
                || (t == EventType::SYNC && version >= GO125)
        }
        None => false,
    }
}

/// A CPU profile sample, time already in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    /// Where the sample was taken.
    pub ctx: SchedCtx,
    /// When.
    pub time: Time,
    /// Stack ID in the generation's table.
    pub stack: u64,
}

/// A decoded generation: tables, per-thread event batches, CPU samples.
#[derive(Debug)]
pub struct Generation {
    /// Generation number.
    pub gen: u64,
    /// Lookup tables shared by all events of the generation.
    pub table: Arc<EvTable>,
    /// Event batches of each thread of `batch_ms`, in file order.
    pub batches: Vec<Vec<BatchRef>>,
    /// Threads in order of first appearance.
    pub batch_ms: Vec<ThreadId>,
    /// CPU samples sorted by time.
    pub cpu_samples: Vec<CpuSample>,
    /// Smallest batch timestamp (ticks).
    pub min_ts: u64,
}

impl Generation {
    /// Where its event batches are in the trace body: from the first
    /// one's payload to the end of the last one's (empty if none).
    fn event_span(&self) -> std::ops::Range<usize> {
        let batches = self.batches.iter().flatten();
        let start = batches.clone().map(|b| b.data_start).min().unwrap_or(0);
        let end = batches.map(|b| b.range().end).max().unwrap_or(start);
        start..end
    }
}

/// The bytes of a generation's event batches, read when the generation is
/// ordered: borrowed from a trace in memory, or read from the file into
/// memory of their own, which the next generation's reuse.
#[derive(Debug, Default)]
pub struct EventBytes<'a> {
    /// Offset in the trace body of the first byte.
    base: usize,
    /// How many there are.
    len: usize,
    held: Held<'a>,
}

#[derive(Debug, Default)]
enum Held<'a> {
    #[default]
    Nothing,
    Borrowed(&'a [u8]),
    /// Anonymous memory (no file behind it), given back to the system
    /// when dropped. A heap block of this size may not be: once blocks
    /// this big were freed, glibc serves them from its heap and keeps
    /// them (a Vec a generation, or one reused, peaked 30 MB higher on
    /// the 980 MB churn trace).
    Owned(memmap2::MmapMut),
}

impl<'a> EventBytes<'a> {
    /// Reads the event batches of `g` from `body` in one read, in place of
    /// the ones held (into their memory if it is big enough).
    pub fn read(&mut self, body: &TraceBytes<'a>, g: &Generation) -> Result<()> {
        let span = g.event_span();
        let n = span.len();
        self.base = span.start;
        self.len = n;
        if let Some(d) = body.in_memory() {
            let d = d
                .get(span)
                .ok_or_else(|| trace_err!("internal error: events past the end"))?;
            self.held = Held::Borrowed(d);
            return Ok(());
        }
        if n == 0 {
            self.held = Held::Nothing;
            return Ok(());
        }
        let mut mem = match std::mem::take(&mut self.held) {
            Held::Owned(m) if m.len() >= n => m,
            // A quarter more than needed: later generations tend to be bigger.
            _ => memmap2::MmapMut::map_anon(n + n / 4)
                .map_err(|e| trace_err!("cannot allocate {n} bytes: {e}"))?,
        };
        body.read_into(span.start, &mut mem[..n])?;
        self.held = Held::Owned(mem);
        Ok(())
    }

    /// The bytes held.
    #[inline]
    fn bytes(&self) -> &[u8] {
        match &self.held {
            Held::Nothing => &[],
            Held::Borrowed(d) => d,
            Held::Owned(m) => &m[..self.len],
        }
    }

    /// The payload of `b`, one of the generation's event batches.
    #[inline]
    pub fn of(&self, b: &BatchRef) -> &[u8] {
        &self.bytes()[b.data_start - self.base..][..b.data_len]
    }
}

/// Decodes a planned generation (Go's `readGeneration` after the batches
/// are found): reads and processes its structural batches, checks
/// invariants. Ok(None) when the plan is the clean end of the trace.
pub fn decode_generation(
    body: &TraceBytes<'_>,
    plan: &GenerationPlan,
    version: u32,
) -> Result<Option<Generation>> {
    let mut table = EvTable::new();
    let mut threads = FxHashMap::default();
    let mut g = Generation {
        gen: plan.gen,
        table: Arc::new(EvTable::new()),
        batches: Vec::new(),
        batch_ms: Vec::new(),
        cpu_samples: Vec::new(),
        min_ts: 0,
    };
    for b in &plan.batches {
        if b.end_of_generation {
            continue;
        }
        if g.min_ts == 0 || b.time < g.min_ts {
            g.min_ts = b.time;
        }
        process_batch(&mut g, &mut threads, &mut table, b, body, version)
            .map_err(|e| e.in_generation(plan.gen).at_offset(b.offset as u64))?;
    }
    match &plan.end {
        PlanEnd::Fatal(e) => return Err(e.clone().in_generation(plan.gen)),
        PlanEnd::EndOfTrace => return Ok(None),
        _ => {}
    }
    if table.sync.freq == 0.0 {
        return Err(trace_err!("no frequency event found").in_generation(plan.gen));
    }
    if version >= GO125 && !table.sync.has_clock_snapshot {
        return Err(trace_err!("no clock snapshot event found").in_generation(plan.gen));
    }
    table.stacks.compactify();
    table.strings.compactify();
    table
        .validate_stack_strings()
        .map_err(|e| e.in_generation(plan.gen))?;
    for s in &mut g.cpu_samples {
        s.time = table.sync.mul(s.time as u64);
    }
    // N.B. Go sorts with an unstable sort; equal timestamps are vanishingly
    // rare for samples and we keep file order for them.
    g.cpu_samples.sort_by_key(|s| s.time);
    g.table = Arc::new(table);
    Ok(Some(g))
}

fn process_batch(
    g: &mut Generation,
    threads: &mut FxHashMap<ThreadId, usize>,
    table: &mut EvTable,
    b: &BatchRef,
    body: &TraceBytes<'_>,
    version: u32,
) -> Result<()> {
    // Only the structural batches are read here; the event batches are
    // read when their generation is ordered (see [`EventBytes`]).
    let data = || body.read(b.range());
    match b.first_type() {
        Some(EventType::STRINGS) => add_strings(table, &data()?),
        Some(EventType::STACKS) => add_stacks(table, &data()?),
        Some(EventType::CPU_SAMPLES) => add_cpu_samples(&mut g.cpu_samples, &data()?),
        Some(EventType::FREQUENCY) if version < GO125 => set_sync(table, b, &data()?, version),
        Some(EventType::SYNC) if version >= GO125 => set_sync(table, b, &data()?, version),
        _ if b.exp != 0 => {
            table.experimental_batches += 1;
            Ok(())
        }
        _ => {
            let i = *threads.entry(b.m).or_insert_with(|| {
                g.batch_ms.push(b.m);
                g.batches.push(Vec::new());
                g.batches.len() - 1
            });
            g.batches[i].push(*b);
            Ok(())
        }
    }
}

fn eof() -> TraceError {
    trace_err!("unexpected EOF")
}

fn add_strings(table: &mut EvTable, data: &[u8]) -> Result<()> {
    let mut r = ByteCursor::new(&data[1..]);
    while !r.is_empty() {
        let ev = r.byte().ok_or_else(eof)?;
        if EventType(ev) != EventType::STRING {
            return Err(trace_err!("expected string event, got {ev}"));
        }
        let id = r.uvarint().ok_or_else(eof)?;
        let len = r.uvarint().ok_or_else(eof)?;
        if len > MAX_EVENT_TRAILER_DATA_SIZE {
            return Err(trace_err!(
                "invalid string size {len}, maximum is {MAX_EVENT_TRAILER_DATA_SIZE}"
            ));
        }
        let avail = r.remaining();
        let bytes = r.bytes(len as usize).ok_or_else(|| {
            trace_err!("failed to read full string: read {avail} but wanted {len}")
        })?;
        table
            .strings
            .insert(id, String::from_utf8_lossy(bytes).into_owned())?;
    }
    Ok(())
}

fn add_stacks(table: &mut EvTable, data: &[u8]) -> Result<()> {
    let mut r = ByteCursor::new(&data[1..]);
    while !r.is_empty() {
        let ev = r.byte().ok_or_else(eof)?;
        if EventType(ev) != EventType::STACK {
            return Err(trace_err!("expected stack event, got {ev}"));
        }
        let id = r.uvarint().ok_or_else(eof)?;
        let n = r.uvarint().ok_or_else(eof)?;
        if n > MAX_FRAMES_PER_STACK {
            return Err(trace_err!(
                "invalid stack size {n}, maximum is {MAX_FRAMES_PER_STACK}"
            ));
        }
        let mut pcs = Vec::with_capacity(n as usize);
        for i in 0..n {
            let mut field = |what: &str| {
                r.uvarint().ok_or_else(|| {
                    trace_err!(
                        "reading frame {}'s {what} for stack {id}: unexpected EOF",
                        i + 1
                    )
                })
            };
            let pc = field("PC")?;
            let func = field("funcID")?;
            let file = field("fileID")?;
            let line = field("line")?;
            pcs.push(pc);
            table.pcs.entry(pc).or_insert(RawFrame {
                pc,
                func,
                file,
                line,
            });
        }
        table.stacks.insert(id, pcs)?;
    }
    Ok(())
}

fn add_cpu_samples(out: &mut Vec<CpuSample>, data: &[u8]) -> Result<()> {
    let mut r = ByteCursor::new(&data[1..]);
    while !r.is_empty() {
        let ev = r.byte().ok_or_else(eof)?;
        if EventType(ev) != EventType::CPU_SAMPLE {
            return Err(trace_err!("expected CPU sample event, got {ev}"));
        }
        let ts = r.uvarint().ok_or_else(eof)?;
        let m = r.uvarint().ok_or_else(eof)?;
        let p = r.uvarint().ok_or_else(eof)?;
        let g = r.uvarint().ok_or_else(eof)?;
        let stack = r.uvarint().ok_or_else(eof)?;
        out.push(CpuSample {
            ctx: SchedCtx {
                m: ThreadId(m as i64),
                p: ProcId(p as i64),
                g: if g == 0 { GoId::NONE } else { GoId(g as i64) },
            },
            // N.B. ticks until the frequency is known; converted later.
            time: ts as i64,
            stack,
        });
    }
    Ok(())
}

fn set_sync(table: &mut EvTable, b: &BatchRef, data: &[u8], version: u32) -> Result<()> {
    let mut r = ByteCursor::new(data);
    if version >= GO125 {
        r.byte(); // the Sync header byte, checked by the caller
    }
    let mut last_ts = b.time;
    let s = &mut table.sync;
    while !r.is_empty() {
        let ev = EventType(r.byte().ok_or_else(eof)?);
        if ev == EventType::FREQUENCY {
            if s.freq != 0.0 {
                return Err(trace_err!("found multiple frequency events"));
            }
            let f = r.uvarint().ok_or_else(eof)?;
            s.freq = 1.0 / (f as f64 / 1e9);
        } else if ev == EventType::CLOCK_SNAPSHOT && version >= GO125 {
            if s.has_clock_snapshot {
                return Err(trace_err!("found multiple clock snapshot events"));
            }
            s.has_clock_snapshot = true;
            let d = r.uvarint().ok_or_else(eof)?;
            last_ts = last_ts.wrapping_add(d);
            s.snap_time = last_ts;
            s.snap_mono = r.uvarint().ok_or_else(eof)?;
            s.snap_wall_sec = r.uvarint().ok_or_else(eof)?;
            s.snap_wall_nsec = r.uvarint().ok_or_else(eof)?;
        } else {
            return Err(trace_err!(
                "expected frequency or clock snapshot event, got {}",
                ev.0
            ));
        }
    }
    Ok(())
}
