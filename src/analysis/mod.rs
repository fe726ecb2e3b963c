//! Analyses over the model and the event stream: the goroutine summary
//! (Go's goroutine analysis), blocking profiles, MMU, range statistics.

pub mod goroutines;
pub mod summary;
