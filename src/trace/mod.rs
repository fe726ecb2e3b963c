//! Bytes to ordered events: header, varints, batches, generations, ordering
//! (Go's partial-order rules) and the v1 converter. Knows nothing of the model.

pub mod batch;
pub mod bytes;
pub mod cursor;
pub mod dump;
pub mod error;
pub mod event;
pub mod generation;
pub mod header;
pub mod ids;
pub mod order;
pub mod reader;
pub mod source;
pub mod spec;
pub mod table;
pub mod v1;
pub mod varint;

pub use error::{Result, TraceError};
pub use event::{Event, EventKind};
pub use ids::{GoId, ProcId, SchedCtx, TaskId, ThreadId, Time};
pub use spec::EventType;
pub use table::EvTable;
