//! Writing a trace model in other tools' formats: Perfetto's protobuf
//! trace (`gotraceview export --perfetto`, "Export to Perfetto…").
//! Reads the model only; no egui.

pub mod file;
mod goroutines;
pub mod perfetto;
pub mod proto;
pub mod writer;

pub use file::{export_perfetto_file, export_perfetto_tiled_file};
pub use perfetto::{export_perfetto, ExportOptions, Parts};
pub use writer::ExportStats;
