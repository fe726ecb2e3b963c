//! Reads every ordered event of a trace and nothing else (for profiling the reader).
use gotraceview::trace::source::EventReader;
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_only FILE");
    let f = std::fs::File::open(&path).expect("open");
    // SAFETY: read-only map of a file nobody truncates during the run.
    let map = unsafe { memmap2::Mmap::map(&f) }.expect("map");
    let t0 = Instant::now();
    let (_h, mut r) = EventReader::new(&map).expect("header");
    let mut n = 0u64;
    let mut x = 0i64;
    while let Some(ev) = r.next_event().expect("event") {
        n += 1;
        x = x.wrapping_add(ev.time);
    }
    eprintln!("{n} events in {:?} ({x})", t0.elapsed());
}
