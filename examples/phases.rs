use gotraceview::analysis::summary::Summarizer;
use gotraceview::model::ModelBuilder;
use gotraceview::trace::source::EventReader;
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    let map = unsafe { memmap2::Mmap::map(&f).unwrap() };
    for phase in ["parse", "model", "summary"] {
        let t0 = Instant::now();
        let (_h, mut r) = EventReader::new(&map).unwrap();
        let t1 = Instant::now();
        let mut b = ModelBuilder::new(1);
        let mut s = Summarizer::new();
        let mut n = 0;
        while let Some(ev) = r.next_event().unwrap() {
            n += 1;
            match phase {
                "model" => r.with_table(|t| b.event(&ev, t)),
                "summary" => r.with_table(|t| s.event(&ev, t)),
                _ => {}
            }
        }
        let t2 = Instant::now();
        if phase == "model" { let _ = b.finish(String::new(), 0, 0); }
        if phase == "summary" { let _ = s.finish(); }
        let t3 = Instant::now();
        eprintln!("{phase}: plan+decode {:?} events {:?} finish {:?} n={n}", t1 - t0, t2 - t1, t3 - t2);
    }
}
