//! Placeholder until the v1 converter lands.

use super::error::{trace_err, Result};
use super::event::Event;
use super::table::EvTable;
use std::sync::Arc;

/// Reads v1 traces (not yet implemented).
pub struct V1Reader;

impl V1Reader {
    /// Always an error for now.
    pub fn new(_body: &[u8], version: u32) -> Result<V1Reader> {
        Err(trace_err!("go 1.{version} traces are not supported yet"))
    }
    /// Never called.
    pub fn table(&self) -> Arc<EvTable> {
        Arc::new(EvTable::new())
    }
    /// Never called.
    pub fn next_event(&mut self) -> Result<Option<Event>> {
        Ok(None)
    }
}
