//! Lanes of spans: the goroutine state arena (contiguous spans, one range
//! per goroutine) and interval lanes (procs, threads, GC work), all
//! struct-of-arrays with binary-searchable start times.

use super::column::{Codes, KeyTable, TimeColumn, TimeSlice};
use super::strings::StackId;
use super::GIdx;
use crate::trace::Time;

/// What a goroutine is doing during a span of its lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum GoLaneState {
    /// Executing on a P.
    Running = 0,
    /// Ready, waiting for a P.
    Runnable = 1,
    /// Blocked; the reason says on what.
    Waiting = 2,
    /// In a system call, still holding its P.
    Syscall = 3,
    /// In a system call that lost its P (blocked in the kernel).
    SyscallBlocked = 4,
}

impl GoLaneState {
    /// All states, in legend order.
    pub const ALL: [GoLaneState; 5] = [
        GoLaneState::Running,
        GoLaneState::Runnable,
        GoLaneState::Waiting,
        GoLaneState::Syscall,
        GoLaneState::SyscallBlocked,
    ];

    /// Decodes a stored byte.
    #[inline]
    pub fn from_u8(v: u8) -> GoLaneState {
        match v {
            0 => GoLaneState::Running,
            1 => GoLaneState::Runnable,
            2 => GoLaneState::Waiting,
            3 => GoLaneState::Syscall,
            _ => GoLaneState::SyscallBlocked,
        }
    }

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            GoLaneState::Running => "running",
            GoLaneState::Runnable => "runnable",
            GoLaneState::Waiting => "waiting",
            GoLaneState::Syscall => "syscall",
            GoLaneState::SyscallBlocked => "syscall (blocked)",
        }
    }
}

/// Index of a span in the [`SpanArena`].
pub type SpanIdx = u32;

/// What a span is, apart from its times: state, reason and stack. A trace
/// has few distinct ones (hundreds), so the arena stores each span's as an
/// index into a table of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanKind {
    /// State.
    pub state: GoLaneState,
    /// Reason index (into `Trace::reasons`) for waiting/stopped spans, 0 if none.
    pub reason: u16,
    /// Stack of the event that began the span, 0 if none: where the goroutine
    /// blocked, stopped or entered a syscall, or where its waker (unblock) or
    /// creator (creation) was.
    pub stack: StackId,
}

/// All goroutine state spans, lane after lane. A lane's spans are
/// contiguous in time: each ends where the next begins, the last at the
/// lane's end. Per span, 4 bytes of start time ([`TimeColumn`]) and the
/// index of its [`SpanKind`] in the narrowest integer that holds it (one
/// byte on most traces).
#[derive(Debug, Default, Clone)]
pub struct SpanArena {
    start: TimeColumn,
    kind: Codes,
    /// The [`SpanKind`]s, packed (see [`SpanKind::pack`]).
    kinds: KeyTable,
}

impl SpanKind {
    /// A span in state `s` with no reason or stack (the overview's spans).
    pub fn plain(s: GoLaneState) -> SpanKind {
        SpanKind {
            state: s,
            reason: 0,
            stack: 0,
        }
    }

    /// The kind as a [`KeyTable`] key.
    #[inline]
    fn pack(self) -> u64 {
        (self.state as u64) << 48 | (self.reason as u64) << 32 | self.stack as u64
    }

    /// The kind of a [`KeyTable`] key.
    #[inline]
    fn unpack(k: u64) -> SpanKind {
        SpanKind {
            state: GoLaneState::from_u8((k >> 48) as u8),
            reason: (k >> 32) as u16,
            stack: k as StackId,
        }
    }
}

impl SpanArena {
    /// Number of spans.
    pub fn len(&self) -> usize {
        self.start.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Appends a span.
    pub fn push(&mut self, start: Time, state: GoLaneState, reason: u16, stack: StackId) {
        let c = self.kinds.code(
            SpanKind {
                state,
                reason,
                stack,
            }
            .pack(),
        );
        self.start.push(start);
        self.kind.push(c);
    }

    /// The code of a kind of span, for [`LaneBuf::push`].
    #[inline]
    pub(crate) fn code(&mut self, k: SpanKind) -> u32 {
        self.kinds.code(k.pack())
    }

    /// The kind of a code.
    #[inline]
    pub(crate) fn kind_of_code(&self, c: u32) -> SpanKind {
        SpanKind::unpack(self.kinds.key(c))
    }

    /// Appends the spans of a lane being built.
    pub(crate) fn append(&mut self, buf: &LaneBuf) {
        for (i, t) in buf.start.iter_range(0..buf.len()).enumerate() {
            self.start.push(t);
            self.kind.push(buf.kind.get(i));
        }
    }

    /// Drops what only building needs and spare capacity.
    pub(crate) fn finish(&mut self) {
        self.kinds.freeze();
        self.start.shrink_to_fit();
        self.kind.shrink_to_fit();
    }

    /// Start time of span `i`.
    #[inline]
    pub fn start(&self, i: usize) -> Time {
        self.start.get(i)
    }

    /// The state, reason and stack of span `i`.
    #[inline]
    pub fn kind(&self, i: usize) -> SpanKind {
        SpanKind::unpack(self.kinds.key(self.kind.get(i)))
    }

    /// State of span `i`.
    #[inline]
    pub fn state(&self, i: usize) -> GoLaneState {
        self.kind(i).state
    }

    /// Reason index of span `i` (into `Trace::reasons`), 0 if none.
    #[inline]
    pub fn reason(&self, i: usize) -> u16 {
        self.kind(i).reason
    }

    /// Stack of span `i` (see [`SpanKind::stack`]).
    #[inline]
    pub fn stack(&self, i: usize) -> StackId {
        self.kind(i).stack
    }

    /// The start times of `lane`'s spans (index 0 is the lane's first span).
    pub fn starts(&self, lane: &LaneRange) -> TimeSlice<'_> {
        self.start.slice(lane.indexes())
    }

    /// The start times of the spans in `r`, in order.
    pub fn iter_starts(&self, r: std::ops::Range<usize>) -> impl Iterator<Item = Time> + '_ {
        self.start.iter_range(r)
    }

    /// Number of distinct [`SpanKind`]s.
    pub fn kinds_len(&self) -> usize {
        self.kinds.len()
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.start.heap_bytes() + self.kind.heap_bytes() + self.kinds.heap_bytes()
    }
}

/// The spans of a goroutine being built (start, [`SpanArena::code`] of
/// the kind), as compact as in the arena: the lanes of long-lived
/// goroutines stay here until the end of the trace.
#[derive(Debug, Default)]
pub(crate) struct LaneBuf {
    start: TimeColumn,
    kind: Codes,
}

impl LaneBuf {
    /// Appends a span.
    #[inline]
    pub fn push(&mut self, start: Time, code: u32) {
        self.start.push(start);
        self.kind.push(code);
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.start.len()
    }

    /// The code of the last span.
    pub fn last_code(&self) -> Option<u32> {
        let n = self.kind.len();
        (n > 0).then(|| self.kind.get(n - 1))
    }

    /// Removes every span, keeping the buffers.
    pub fn clear(&mut self) {
        self.start.clear();
        self.kind.clear();
    }

    /// Removes every span and frees the buffers.
    pub fn free(&mut self) {
        *self = LaneBuf::default();
    }
}

/// A goroutine's spans: a range of the arena and the lane's end time.
#[derive(Debug, Clone, Copy, Default)]
pub struct LaneRange {
    /// First span index.
    pub first: SpanIdx,
    /// Number of spans.
    pub len: u32,
    /// End of the last span.
    pub end: Time,
}

impl LaneRange {
    /// The span indexes of the lane.
    #[inline]
    pub fn indexes(&self) -> std::ops::Range<usize> {
        self.first as usize..(self.first + self.len) as usize
    }
}

/// Where each goroutine's spans are in the arena. Dense (one entry per
/// goroutine) for a whole-trace model; sparse in a detail tile, which holds
/// the lanes of the few goroutines of its generations but indexes them by
/// the whole trace's goroutine table.
#[derive(Debug, Default, Clone)]
pub struct GoroutineLanes {
    /// Lanes of goroutines `0..dense.len()`.
    dense: Vec<LaneRange>,
    /// Lanes of other goroutines, sorted by goroutine index.
    sparse: Vec<(GIdx, LaneRange)>,
}

impl GoroutineLanes {
    /// Lanes given by goroutine index (sorted, each goroutine once).
    pub(crate) fn sparse(lanes: Vec<(GIdx, LaneRange)>) -> GoroutineLanes {
        debug_assert!(lanes.windows(2).all(|w| w[0].0 < w[1].0));
        GoroutineLanes {
            dense: Vec::new(),
            sparse: lanes,
        }
    }

    /// Appends the lane of the next goroutine (dense lanes).
    pub(crate) fn push(&mut self, lane: LaneRange) {
        self.dense.push(lane);
    }

    /// Sets the lane of goroutine `g` (dense lanes).
    pub(crate) fn set(&mut self, g: GIdx, lane: LaneRange) {
        self.dense[g.ix()] = lane;
    }

    /// The lane of goroutine `g`, if this model has one.
    #[inline]
    pub fn get(&self, g: GIdx) -> Option<LaneRange> {
        if let Some(l) = self.dense.get(g.ix()) {
            return Some(*l);
        }
        self.sparse
            .binary_search_by_key(&g, |e| e.0)
            .ok()
            .map(|k| self.sparse[k].1)
    }

    /// The lane of goroutine `g` (empty if this model has none).
    #[inline]
    pub fn lane(&self, g: GIdx) -> LaneRange {
        self.get(g).unwrap_or_default()
    }

    /// Every lane with its goroutine index, by index.
    pub fn iter(&self) -> impl Iterator<Item = (GIdx, LaneRange)> + '_ {
        self.dense
            .iter()
            .enumerate()
            .map(|(g, l)| (GIdx::at(g), *l))
            .chain(self.sparse.iter().copied())
    }

    /// Frees spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.dense.shrink_to_fit();
        self.sparse.shrink_to_fit();
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.dense.capacity() * std::mem::size_of::<LaneRange>()
            + self.sparse.capacity() * std::mem::size_of::<(GIdx, LaneRange)>()
    }
}

/// A goroutine span as a fold sees it (see `analysis::fold`): whole,
/// once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneSpan {
    /// Where it began.
    pub start: Time,
    /// Where it ended.
    pub end: Time,
    /// What the goroutine did.
    pub state: GoLaneState,
    /// The block or stop reason (a string of the overview), 0 if none.
    pub reason: super::StrId,
    /// The stack of the event that began it (a stack of the overview).
    pub stack: StackId,
    /// The goroutine's lane ends with it.
    pub last: bool,
}

/// One span resolved from the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Arena index.
    pub idx: SpanIdx,
    /// Start time.
    pub start: Time,
    /// End time.
    pub end: Time,
    /// State.
    pub state: GoLaneState,
    /// Reason index.
    pub reason: u16,
    /// Stack.
    pub stack: StackId,
}

impl SpanArena {
    /// The span at arena index `i` of `lane`.
    #[inline]
    pub fn span(&self, lane: &LaneRange, i: usize) -> Span {
        let last = (lane.first + lane.len) as usize;
        let end = if i + 1 < last {
            self.start(i + 1)
        } else {
            lane.end
        };
        let k = self.kind(i);
        Span {
            idx: i as SpanIdx,
            start: self.start(i),
            end,
            state: k.state,
            reason: k.reason,
            stack: k.stack,
        }
    }

    /// Arena indexes of the spans of `lane` that overlap `[t0, t1)`.
    pub fn visible(&self, lane: &LaneRange, t0: Time, t1: Time) -> std::ops::Range<usize> {
        let r = lane.indexes();
        if r.is_empty() || t1 <= self.start(r.start) || t0 >= lane.end {
            return r.start..r.start;
        }
        let starts = self.starts(lane);
        // First span whose successor starts after t0.
        let first = starts.partition_point(|s| s <= t0).saturating_sub(1);
        let last = starts.partition_point(|s| s < t1);
        r.start + first..r.start + last
    }

    /// The span of `lane` covering time `t`, if any.
    pub fn at(&self, lane: &LaneRange, t: Time) -> Option<Span> {
        let r = self.visible(lane, t, t + 1);
        if r.is_empty() {
            None
        } else {
            Some(self.span(lane, r.start))
        }
    }
}

/// What an interval on a proc or thread lane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum IntervalKind {
    /// A goroutine runs.
    Running = 0,
    /// A goroutine is in a syscall (on this proc or thread).
    Syscall = 1,
    /// GC mark assist (goroutine GC row).
    MarkAssist = 2,
    /// Sweeping (goroutine GC row).
    Sweep = 3,
}

impl IntervalKind {
    /// Decodes a stored byte.
    #[inline]
    pub fn from_u8(v: u8) -> IntervalKind {
        match v {
            0 => IntervalKind::Running,
            1 => IntervalKind::Syscall,
            2 => IntervalKind::MarkAssist,
            _ => IntervalKind::Sweep,
        }
    }
}

/// [`IntervalLane`]: the length bits of `kind_len`.
const LEN_BITS: u32 = 30;
/// [`IntervalLane`]: a length that does not fit; the end is in `long`.
const LONG: u32 = (1 << LEN_BITS) - 1;

/// Non-contiguous intervals sorted by start (a proc, a thread), each naming
/// a goroutine. 12 bytes an interval: the start as a [`TimeColumn`], the
/// goroutine, and the kind with the length (up to 1.07 s; the ends of
/// longer intervals are kept aside).
#[derive(Debug, Default, Clone)]
pub struct IntervalLane {
    start: TimeColumn,
    /// [`IntervalKind`] in the top 2 bits, length in the low [`LEN_BITS`]
    /// ([`LONG`]: see `long`).
    kind_len: Vec<u32>,
    /// `(index, end)` of the intervals whose length does not fit, by index.
    long: Vec<(u32, Time)>,
    g: Vec<u32>,
    /// Largest interval length, to bound the backwards search for overlaps.
    pub max_len: Time,
}

impl IntervalLane {
    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.start.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Appends an interval (starts must be non-decreasing).
    pub fn push(&mut self, start: Time, end: Time, g: Option<GIdx>, kind: IntervalKind) {
        let i = self.len() as u32;
        let len = end.wrapping_sub(start);
        let bits = if (0..LONG as i64).contains(&len) {
            len as u32
        } else {
            self.long.push((i, end));
            LONG
        };
        self.start.push(start);
        self.kind_len.push((kind as u32) << LEN_BITS | bits);
        self.g.push(GIdx::to_code(g));
        self.max_len = self.max_len.max(end.saturating_sub(start));
    }

    /// Start of interval `i`.
    #[inline]
    pub fn start(&self, i: usize) -> Time {
        self.start.get(i)
    }

    /// End of interval `i`.
    #[inline]
    pub fn end(&self, i: usize) -> Time {
        let len = self.kind_len[i] & LONG;
        if len == LONG {
            let k = self.long.partition_point(|&(j, _)| (j as usize) < i);
            return self.long[k].1;
        }
        self.start(i) + len as Time
    }

    /// Goroutine of interval `i`, if any.
    #[inline]
    pub fn g(&self, i: usize) -> Option<GIdx> {
        GIdx::from_code(self.g[i])
    }

    /// Kind of interval `i`.
    #[inline]
    pub fn kind(&self, i: usize) -> IntervalKind {
        IntervalKind::from_u8((self.kind_len[i] >> LEN_BITS) as u8)
    }

    /// The start times.
    pub fn starts(&self) -> TimeSlice<'_> {
        self.start.slice(0..self.len())
    }

    /// Indexes of intervals overlapping `[t0, t1)`.
    pub fn visible(&self, t0: Time, t1: Time) -> std::ops::Range<usize> {
        let starts = self.starts();
        let from = t0.saturating_sub(self.max_len);
        let first = starts.partition_point(|s| s < from);
        let last = starts.partition_point(|s| s < t1);
        let mut first = first;
        while first < last && self.end(first) <= t0 {
            first += 1;
        }
        first..last.max(first)
    }

    /// Renames the goroutine of every interval (`None`: it has none).
    pub(crate) fn map_g(&mut self, f: impl Fn(GIdx) -> Option<GIdx>) {
        for g in &mut self.g {
            *g = GIdx::to_code(GIdx::from_code(*g).and_then(&f));
        }
    }

    /// Frees unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.start.shrink_to_fit();
        self.kind_len.shrink_to_fit();
        self.long.shrink_to_fit();
        self.g.shrink_to_fit();
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.start.heap_bytes()
            + self.kind_len.capacity() * 4
            + self.long.capacity() * 16
            + self.g.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane() -> (SpanArena, LaneRange) {
        let mut a = SpanArena::default();
        a.push(0, GoLaneState::Running, 0, 0);
        a.push(10, GoLaneState::Waiting, 1, 0);
        a.push(20, GoLaneState::Runnable, 0, 0);
        let l = LaneRange {
            first: 0,
            len: 3,
            end: 30,
        };
        (a, l)
    }

    #[test]
    fn finds_visible_spans() {
        let (a, l) = lane();
        assert_eq!(a.visible(&l, 0, 30), 0..3);
        assert_eq!(a.visible(&l, 12, 15), 1..2);
        assert_eq!(a.visible(&l, 10, 11), 1..2);
        assert_eq!(a.visible(&l, 9, 11), 0..2);
        assert_eq!(a.visible(&l, 30, 40), 0..0);
        assert_eq!(a.at(&l, 25).unwrap().end, 30);
        assert_eq!(a.at(&l, 25).unwrap().state, GoLaneState::Runnable);
    }

    #[test]
    fn intervals_overlap_search() {
        let mut l = IntervalLane::default();
        let g = |i| Some(GIdx::at(i));
        l.push(0, 100, g(1), IntervalKind::Running);
        l.push(110, 120, g(2), IntervalKind::Running);
        l.push(130, 140, g(3), IntervalKind::Syscall);
        l.push(150, 150 + (5 << 30), g(4), IntervalKind::Running);
        l.push(
            160 + (5 << 30),
            170 + (5 << 30),
            None,
            IntervalKind::Syscall,
        );
        assert_eq!(l.visible(50, 60), 0..1);
        assert_eq!(
            (l.end(3), l.g(3), l.kind(3)),
            (150 + (5 << 30), g(4), IntervalKind::Running)
        );
        assert_eq!(
            (l.end(4), l.g(4), l.kind(4)),
            (170 + (5 << 30), None, IntervalKind::Syscall)
        );
        assert_eq!(
            (l.start(2), l.end(2), l.kind(2)),
            (130, 140, IntervalKind::Syscall)
        );
        assert_eq!(l.visible(1 << 32, 1 << 33), 3..5);
        assert_eq!(l.visible(1 << 32, 5 << 30), 3..4);
        assert_eq!(l.visible(101, 109), 1..1);
        assert_eq!(l.visible(115, 135), 1..3);
    }
}
