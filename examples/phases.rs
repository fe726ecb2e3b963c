//! Times each consumer of the event stream on its own, single-threaded:
//! `phases FILE [parse|model|overview|summary|gclog]...` (default: all
//! but overview, the coarse model of a big trace with 262 µs buckets).
//! Each phase re-reads the trace; "parse" only reads and orders.

use gotraceview::analysis::gclog::GcLogBuilder;
use gotraceview::analysis::summary::Summarizer;
use gotraceview::model::ModelBuilder;
use gotraceview::trace::source::{EventReader, CHUNK_EVENTS};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: phases FILE [parse|model|summary|gclog]...");
    let mut phases: Vec<String> = args.collect();
    if phases.is_empty() {
        phases = ["parse", "model", "summary", "gclog"]
            .map(String::from)
            .to_vec();
    }
    let f = std::fs::File::open(&path).expect("open");
    // SAFETY: a read-only map of a file nobody truncates during the run.
    let map = unsafe { memmap2::Mmap::map(&f) }.expect("map");
    for phase in &phases {
        let t0 = Instant::now();
        let (_h, mut r) = EventReader::new(&map).expect("header");
        let t1 = Instant::now();
        let mut b = if phase == "overview" {
            ModelBuilder::overview(1 << 18)
        } else {
            ModelBuilder::whole()
        };
        let mut s = Summarizer::new();
        let mut g = GcLogBuilder::default();
        let mut n = 0;
        let mut chunk = Vec::with_capacity(CHUNK_EVENTS);
        let mut consume = Duration::ZERO;
        loop {
            chunk.clear();
            r.read_chunk(&mut chunk, CHUNK_EVENTS).expect("events");
            if chunk.is_empty() {
                break;
            }
            n += chunk.len();
            let c0 = Instant::now();
            let t = r.table();
            for ev in &chunk {
                match phase.as_str() {
                    "model" | "overview" => b.event(ev, &t),
                    "summary" => s.event(ev, &t),
                    "gclog" => g.event(ev, &t),
                    _ => {}
                }
            }
            consume += c0.elapsed();
        }
        let t2 = Instant::now();
        match phase.as_str() {
            "model" | "overview" => {
                let t = b.finish(String::new(), 0, 0);
                eprintln!(
                    "{phase}: {} spans, {} goroutines, {} MB heap",
                    t.spans.len(),
                    t.goroutines.len(),
                    t.heap_bytes() >> 20
                );
            }
            "summary" => drop(s.finish()),
            "gclog" => drop(g.finish()),
            _ => {}
        }
        let t3 = Instant::now();
        eprintln!(
            "{phase:8} plan+decode {:>8.1?}  events {:>8.1?} (of which consuming {:>8.3?})  finish {:>8.1?}  n={n}",
            t1 - t0,
            t2 - t1,
            consume,
            t3 - t2
        );
    }
}
