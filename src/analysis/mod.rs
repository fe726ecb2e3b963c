//! Analyses over the model and the event stream: the goroutine summary
//! (Go's goroutine analysis), blocking profiles, MMU, range statistics,
//! the critical path of a goroutine, region or task, and the findings.

pub mod annotations;
pub mod compare;
pub mod critical_path;
pub mod findings;
pub mod flame;
pub mod fold;
pub mod frames;
pub mod gclog;
pub mod goroutines;
pub mod histogram;
pub mod mmu;
pub mod mud;
pub mod pprof;
pub mod profiles;
pub mod range_stats;
pub mod report;
pub mod sketch;
pub mod state_times;
pub mod summary;
