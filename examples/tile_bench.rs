//! Times building the tiles of some generations of a big trace, one at a
//! time on one thread (how a fold's tile costs split).
//!
//! Usage: tile_bench FILE [FIRST [COUNT [full|lanes]]]

use gotraceview::load::{load_path_with, LoadOptions, Progress};
use gotraceview::model::TileParts;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let first: usize = args.next().map_or(10, |s| s.parse().expect("FIRST"));
    let count: usize = args.next().map_or(4, |s| s.parse().expect("COUNT"));
    let parts = match args.next().as_deref() {
        Some("lanes") => TileParts::Lanes,
        Some("machines") => TileParts::Machines,
        _ => TileParts::Full,
    };
    let no = AtomicBool::new(false);
    let t0 = Instant::now();
    let l = load_path_with(
        path.as_ref(),
        LoadOptions::with_budget(1),
        &Progress::default(),
        &no,
    )
    .expect("load");
    eprintln!("loaded in {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    let src = l.tiles.as_ref().expect("a tiled trace");
    for k in first..(first + count).min(src.gens.len()) {
        let t = Instant::now();
        let tile = src
            .build_parts(&l.trace, k..k + 1, parts, &no)
            .expect("tile");
        eprintln!(
            "generation {k}: {:.0} ms, {} spans, {} bytes",
            t.elapsed().as_secs_f64() * 1e3,
            tile.spans.len(),
            tile.heap_bytes()
        );
    }
}
