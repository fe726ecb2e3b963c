//! A hook for analyses that fold goroutine spans while the model is built:
//! each span the builder closes, whole, in order per goroutine, with the
//! strings and stacks it names (the finished model's). An overview keeps
//! its spans only folded into buckets; a fold that runs here sees every
//! span once, without reading the trace again.

use super::super::{GIdx, LaneSpan, StackTable, StringTable};

/// A goroutine span as the builder closes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedSpan {
    /// The span (its `last`: the goroutine's lane ends with it).
    pub span: LaneSpan,
    /// With `last`: the goroutine ended (else the trace did).
    pub ended: bool,
    /// A small number of the goroutine while it lives, given to another
    /// after its last span: a sink keeps per-goroutine state in a vector.
    pub live: u32,
}

/// The strings and stacks of the model being built.
pub struct Names<'a> {
    /// Interned strings.
    pub strings: &'a StringTable,
    /// Interned stacks.
    pub stacks: &'a StackTable,
}

/// What sees the spans as they close (see the module documentation).
pub trait SpanSink: Send {
    /// Goroutine `g`'s next span.
    fn span(&mut self, g: GIdx, s: &ClosedSpan, names: &Names<'_>);

    /// After the last span of the trace.
    fn finish(self: Box<Self>, names: &Names<'_>);
}
