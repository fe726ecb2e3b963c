//! gotraceview: a viewer for Go execution traces. The library holds the
//! trace engine (`trace`), the lane model (`model`), the analyses
//! (`analysis`), the headless CLI (`cli`), desktop integration (`desktop`),
//! the text of durations, sizes and counts for people (`format`)
//! and, with the default `gui` feature, the egui app (`ui`).

pub mod analysis;
pub mod cli;
pub mod desktop;
pub mod export;
pub mod format;
pub mod load;
pub mod model;
pub mod trace;
#[cfg(feature = "gui")]
pub mod ui;
