//! The load's consumers run on three threads or, on two cores, on two (the
//! reader also runs the goroutine analysis; the model builder keeps the
//! GC log). Whichever this machine picks, the other must build the same
//! thing: every committed trace, as a whole model and as an overview, is
//! loaded both ways and the model, the goroutine analysis and the GC log
//! compared whole (through their `Debug` text, hashed).

mod common;

use gotraceview::load::{load_path_with, Layout, LoadOptions, LoadedTrace, Progress};
use sha2::{Digest, Sha256};
use std::sync::atomic::AtomicBool;

/// Feeds formatted text into a hash instead of a string.
struct HashWriter(Sha256);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

fn digest(v: &dyn std::fmt::Debug) -> Vec<u8> {
    use std::fmt::Write;
    let mut w = HashWriter(Sha256::new());
    write!(w, "{v:?}").expect("formatting into a hash");
    w.0.finalize().to_vec()
}

fn load(path: &std::path::Path, options: LoadOptions) -> LoadedTrace {
    load_path_with(path, options, &Progress::default(), &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn both_thread_layouts_build_the_same_model_and_analyses() {
    let mut checked = 0;
    for p in common::traces(&["traces"]) {
        for base in [LoadOptions::whole(), LoadOptions::with_budget(1)] {
            let [a, b] = [Layout::ThreeThreads, Layout::TwoThreads].map(|layout| {
                load(
                    &p,
                    LoadOptions {
                        layout: Some(layout),
                        ..base
                    },
                )
            });
            let name = p.display();
            assert_eq!(digest(&a.trace), digest(&b.trace), "{name}: the model");
            assert_eq!(
                digest(&a.goroutine_analysis),
                digest(&b.goroutine_analysis),
                "{name}: the goroutine analysis"
            );
            assert_eq!(digest(&a.gc_log), digest(&b.gc_log), "{name}: the GC log");
            checked += 1;
        }
    }
    assert!(checked >= 60, "loads compared: {checked}");
}
