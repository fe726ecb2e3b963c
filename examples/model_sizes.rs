//! Prints how many bytes each part of a loaded trace takes (by length; the
//! capacity in parentheses when it differs by more than 10%).
//! Usage: model_sizes FILE

use gotraceview::load::{load_path, Progress};
use std::mem::size_of;
use std::sync::atomic::AtomicBool;

fn main() {
    let path = std::env::args().nth(1).expect("usage: model_sizes FILE");
    let l = load_path(path.as_ref(), &Progress::default(), &AtomicBool::new(false)).expect("load");
    let t = &l.trace;
    let mut rows: Vec<(&str, usize, usize)> = Vec::new();
    let s = &t.spans;
    rows.push(("spans (start, kind)", s.heap_bytes(), s.heap_bytes()));
    let lb = t.lanes.heap_bytes();
    rows.push(("goroutine lanes (arena ranges)", lb, lb));
    let g = &t.goroutines;
    rows.push((
        "goroutines (with the ID index)",
        g.heap_bytes(),
        g.heap_bytes(),
    ));
    let iv = |lanes: &mut dyn Iterator<Item = &gotraceview::model::IntervalLane>| {
        let n = lanes
            .map(gotraceview::model::IntervalLane::heap_bytes)
            .sum::<usize>();
        (n, n)
    };
    let (n, c) = iv(&mut t.procs.iter().map(|p| &p.intervals));
    rows.push(("proc intervals", n, c));
    let (n, c) = iv(&mut t.threads.iter().map(|p| &p.intervals));
    rows.push(("thread intervals", n, c));
    let fb = t.flows.heap_bytes();
    rows.push(("flows (stored, indexes, children)", fb, fb));
    let members: usize = t.groups.iter().map(|gr| gr.members.len() * 4).sum();
    rows.push(("groups", members, members));
    let pts: usize = t.counters.all().iter().map(|s| s.len() * 32).sum();
    rows.push(("counters", pts, pts));
    rows.push((
        "regions, GC work, logs, tasks, CPU samples",
        t.regions.len() * size_of::<gotraceview::model::Region>()
            + t.gc_work.len() * size_of::<gotraceview::model::GcWork>()
            + t.logs.len() * size_of::<gotraceview::model::LogEntry>()
            + t.cpu_samples.len() * size_of::<gotraceview::model::CpuSample>(),
        0,
    ));
    let gl = l.gc_log.entries.len() * size_of::<gotraceview::analysis::gclog::GcEntry>();
    rows.push((
        "GC log",
        gl,
        l.gc_log.entries.capacity() * size_of::<gotraceview::analysis::gclog::GcEntry>(),
    ));
    let total: usize = rows.iter().map(|r| r.1).sum();
    println!(
        "{path}: {} events, {} goroutines, {} spans ({} kinds)",
        t.meta.events,
        g.len(),
        s.len(),
        s.kinds_len()
    );
    for (name, n, c) in rows {
        let cap = if c > n + n / 10 {
            format!(" (capacity {:.1} MB)", c as f64 / 1e6)
        } else {
            String::new()
        };
        println!("  {name:44} {:>8.1} MB{cap}", n as f64 / 1e6);
    }
    println!(
        "  {:44} {:>8.1} MB (model, by length)",
        "total",
        total as f64 / 1e6
    );
    println!(
        "  goroutine analysis (compact): {} goroutines, {:.1} MB",
        l.goroutine_analysis.goroutine_count(),
        l.goroutine_analysis.heap_bytes() as f64 / 1e6
    );
}
