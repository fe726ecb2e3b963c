//! Lanes of spans: the goroutine state arena (contiguous spans, one range
//! per goroutine) and interval lanes (procs, threads, GC work), all
//! struct-of-arrays with binary-searchable start times.

use super::strings::StackId;
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

/// All goroutine state spans, lane after lane. A lane's spans are
/// contiguous in time: each ends where the next begins, the last at the
/// lane's end.
#[derive(Debug, Default, Clone)]
pub struct SpanArena {
    /// Start time of each span.
    pub start: Vec<Time>,
    /// [`GoLaneState`] of each span.
    pub state: Vec<u8>,
    /// Reason index (into `Trace::reasons`) for waiting/stopped spans, 0 if none.
    pub reason: Vec<u16>,
    /// Stack of the event that began the span, 0 if none: where the goroutine
    /// blocked, stopped or entered a syscall, or where its waker (unblock) or
    /// creator (creation) was.
    pub stack: Vec<StackId>,
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
        self.start.push(start);
        self.state.push(state as u8);
        self.reason.push(reason);
        self.stack.push(stack);
    }

    /// Appends spans given as (start, state, reason, stack), column by
    /// column. The states must be [`GoLaneState`] values.
    pub(crate) fn extend_from(&mut self, spans: &[(Time, u8, u16, StackId)]) {
        self.start.extend(spans.iter().map(|s| s.0));
        self.state.extend(spans.iter().map(|s| GoLaneState::from_u8(s.1) as u8));
        self.reason.extend(spans.iter().map(|s| s.2));
        self.stack.extend(spans.iter().map(|s| s.3));
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.start.capacity() * 8
            + self.state.capacity()
            + self.reason.capacity() * 2
            + self.stack.capacity() * 4
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
            self.start[i + 1]
        } else {
            lane.end
        };
        Span {
            idx: i as SpanIdx,
            start: self.start[i],
            end,
            state: GoLaneState::from_u8(self.state[i]),
            reason: self.reason[i],
            stack: self.stack[i],
        }
    }

    /// Arena indexes of the spans of `lane` that overlap `[t0, t1)`.
    pub fn visible(&self, lane: &LaneRange, t0: Time, t1: Time) -> std::ops::Range<usize> {
        let r = lane.indexes();
        if r.is_empty() || t1 <= self.start[r.start] || t0 >= lane.end {
            return r.start..r.start;
        }
        let starts = &self.start[r.clone()];
        // First span whose successor starts after t0.
        let first = starts.partition_point(|&s| s <= t0).saturating_sub(1);
        let last = starts.partition_point(|&s| s < t1);
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

/// Non-contiguous intervals sorted by start (a proc, a thread, a goroutine's
/// GC row), each naming a goroutine.
#[derive(Debug, Default, Clone)]
pub struct IntervalLane {
    /// Start times (sorted).
    pub start: Vec<Time>,
    /// End times.
    pub end: Vec<Time>,
    /// Goroutine index (`u32::MAX` if none).
    pub g: Vec<u32>,
    /// [`IntervalKind`].
    pub kind: Vec<u8>,
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
    pub fn push(&mut self, start: Time, end: Time, g: u32, kind: IntervalKind) {
        self.start.push(start);
        self.end.push(end);
        self.g.push(g);
        self.kind.push(kind as u8);
        self.max_len = self.max_len.max(end.saturating_sub(start));
    }

    /// Indexes of intervals overlapping `[t0, t1)`.
    pub fn visible(&self, t0: Time, t1: Time) -> std::ops::Range<usize> {
        let first = self
            .start
            .partition_point(|&s| s < t0.saturating_sub(self.max_len));
        let last = self.start.partition_point(|&s| s < t1);
        let mut first = first;
        while first < last && self.end[first] <= t0 {
            first += 1;
        }
        first..last.max(first)
    }

    /// Sorts by start time (for lanes built out of order).
    pub fn sort(&mut self) {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        idx.sort_by_key(|&i| self.start[i]);
        self.start = idx.iter().map(|&i| self.start[i]).collect();
        self.end = idx.iter().map(|&i| self.end[i]).collect();
        self.g = idx.iter().map(|&i| self.g[i]).collect();
        self.kind = idx.iter().map(|&i| self.kind[i]).collect();
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
        l.push(0, 100, 1, IntervalKind::Running);
        l.push(110, 120, 2, IntervalKind::Running);
        l.push(130, 140, 3, IntervalKind::Syscall);
        assert_eq!(l.visible(50, 60), 0..1);
        assert_eq!(l.visible(101, 109), 1..1);
        assert_eq!(l.visible(115, 135), 1..3);
    }
}
