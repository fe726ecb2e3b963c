//! How reports name goroutines: the JSON of the findings and of critical
//! paths, and the exports, write Go's goroutine ID, or -1 (Go's "no
//! goroutine") for the runtime.

use crate::model::{GIdx, Trace};
use crate::trace::GoId;

/// Go's ID of goroutine `g`, or -1 when `g` is no goroutine of the trace.
pub fn go_id(trace: &Trace, g: GIdx) -> i64 {
    trace.goroutines.try_id(g).unwrap_or(GoId::NONE).0
}
