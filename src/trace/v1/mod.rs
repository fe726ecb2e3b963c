//! Reading v1 execution traces (Go 1.11 to 1.21) into the same ordered
//! stream of v2-style events Go's `trace.Reader` produces for them.
//!
//! A v1 trace is one big generation: every batch is read, the batches are
//! merged into one order (`order`), the merged events are checked and
//! timed (`post`), and then converted one by one on demand (`convert`).
//! Go's sources are the specification: `internal/trace/internal/tracev1`
//! (`parser.go`, `order.go`) and `internal/trace/tracev1.go`.
//!
//! Where Go's result depends on Go map iteration order, ours is one of the
//! results Go can give: procs start merging in proc-ID order (then Go's own
//! heap decides between events with equal timestamps, as in Go), the
//! statuses made up for goroutines that existed before tracing started come
//! in goroutine-ID order, and of two broken batches the one loaded first
//! reports its error. CPU samples with equal timestamps keep their file
//! order (Go's sort is not stable). Strings that are not UTF-8 are read
//! lossily.
//!
//! Memory: the ordered events are kept compact (32 bytes each, see
//! `events::Ev`) until converted, and freed chunk by chunk as they are.

mod convert;
mod events;
mod idmap;
mod order;
mod parser;
mod post;
#[cfg(test)]
mod testdump;
#[cfg(test)]
mod tests;

use super::error::{trace_err, Result};
use super::event::Event;
use super::table::EvTable;
use std::sync::Arc;

/// Reads a v1 trace into ordered events.
pub struct V1Reader {
    conv: convert::Converter,
    table: Arc<EvTable>,
    syncs: u64,
    done: bool,
    /// References to stacks missing from the table.
    missing_stacks: u64,
}

impl V1Reader {
    /// Parses, orders and checks a whole v1 trace. `body` is the whole file
    /// after the 16-byte "go 1.NN trace\0\0\0" header; `version` is 11
    /// (formats of Go 1.11 to 1.18), 19 or 21.
    pub fn new(body: &[u8], version: u32) -> Result<V1Reader> {
        if !matches!(version, 11 | 19 | 21) {
            return Err(trace_err!("unknown or unsupported version go 1.{version}"));
        }
        let mut p = parser::Parser::new(body, version);
        p.index()?;
        let mut store = order::merge(&mut p)?;
        if p.ticks_per_sec == 0 {
            return Err(trace_err!("no EvFrequency event"));
        }
        let (mut table, bases) = convert::build_table(&mut p)?;
        let missing_stacks =
            post::process(&mut store, p.ticks_per_sec, &p.timer_goids, &mut table)?;
        Ok(V1Reader {
            conv: convert::Converter::new(store, version, bases),
            table: Arc::new(table),
            syncs: 0,
            done: false,
            missing_stacks,
        })
    }

    /// Why the trace looks cut short, if it does. Go reads a v1 trace cut
    /// at an event boundary without complaint, but the runtime writes its
    /// stack table last, so events referring to stacks that are not in the
    /// table mean the end of the file is missing.
    pub fn truncation(&self) -> Option<String> {
        (self.missing_stacks > 0).then(|| {
            format!(
                "{} stack references point past the end of the stack table; trace likely truncated",
                self.missing_stacks
            )
        })
    }

    /// The single table all converted events refer to.
    pub fn table(&self) -> Arc<EvTable> {
        Arc::clone(&self.table)
    }

    /// The next event of exactly the sequence Go's `trace.Reader.ReadEvent`
    /// returns for this trace, sync events included; `Ok(None)` at the end.
    /// After an error, the stream ends.
    pub fn next_event(&mut self) -> Result<Option<Event>> {
        if self.done {
            return Ok(None);
        }
        if self.syncs == 0 {
            // A sync event first, if there are any events at all.
            if let Some(t) = self.conv.first_time() {
                self.syncs = 1;
                return Ok(Some(Event::sync(t.wrapping_sub(1), 1)));
            }
        }
        match self.conv.next() {
            Ok(Some(e)) => Ok(Some(e)),
            Ok(None) => {
                self.done = true;
                self.syncs += 1;
                Ok(Some(Event::sync(
                    self.conv.last_ts.wrapping_add(1),
                    self.syncs,
                )))
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }
}
