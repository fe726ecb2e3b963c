//! Analyses over the model and the event stream: the goroutine summary
//! (Go's goroutine analysis), blocking profiles, MMU, range statistics.

pub mod annotations;
pub mod flame;
pub mod gclog;
pub mod goroutines;
pub mod histogram;
pub mod mmu;
pub mod mud;
pub mod pprof;
pub mod profiles;
pub mod range_stats;
pub mod sketch;
pub mod summary;
