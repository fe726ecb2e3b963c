//! Big traces load as an overview plus detail tiles (story 5). These tests
//! force that path on the committed v2 traces (a tiny memory budget) and
//! compare it with the whole model of the same trace: the overview keeps
//! everything but the spans exactly, a tile of every generation is the
//! whole model, and a tile of one generation has every span that begins
//! and ends inside it, exactly (and before them only the span its status
//! events start).

mod common;

use gotraceview::analysis::profiles::{ProfileKind, ProfileScope};
use gotraceview::load::{load_path_with, LoadOptions, LoadedTrace, Progress};
use gotraceview::model::{Flow, GIdx, IntervalKind, IntervalLane, Span, Trace};
use std::sync::atomic::AtomicBool;

fn load(path: &std::path::Path, options: LoadOptions) -> LoadedTrace {
    load_path_with(path, options, &Progress::default(), &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The tiled (overview) load and the whole load of every multi-generation
/// v2 trace.
fn pairs() -> Vec<(String, LoadedTrace, LoadedTrace)> {
    let mut out = Vec::new();
    for p in common::traces(&["traces"]) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let whole = load(&p, LoadOptions::whole());
        if whole.trace.meta.version.as_str() < "1.22" {
            continue;
        }
        let tiled = load(&p, LoadOptions::with_budget(1));
        out.push((name, whole, tiled));
    }
    assert!(out.len() >= 30, "v2 traces found: {}", out.len());
    out
}

/// A span as text, ids resolved (tiles have their own reason table).
fn span_text(t: &Trace, s: &Span) -> String {
    let frames: Vec<String> = t
        .stacks
        .frames_of(s.stack)
        .map(|f| format!("{}:{}", t.str(f.func), f.line))
        .collect();
    format!(
        "{} {} {:?} {} [{}]",
        s.start,
        s.end,
        s.state,
        t.reason(s.reason),
        frames.join(";")
    )
}

/// The timeline's tile of generation `k` of an overview, with its time range.
fn generation_tile(name: &str, tiled: &LoadedTrace, k: usize) -> (Trace, i64, i64) {
    let src = tiled.tiles.as_ref().expect("tile source");
    let tile = src
        .build(&tiled.trace, k..k + 1, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{name} gen {k}: {e}"));
    let (t0, t1) = src.time_range(&(k..k + 1));
    (tile, t0, t1)
}

fn spans(t: &Trace, g: GIdx) -> Vec<Span> {
    let lane = t.lane(g);
    lane.indexes().map(|i| t.spans.span(&lane, i)).collect()
}

fn regions_text(t: &Trace) -> Vec<String> {
    t.regions
        .iter()
        .map(|r| {
            format!(
                "G{} {} {}..{} d{} {}{} task {}",
                r.g,
                t.str(r.name),
                r.start,
                r.end,
                r.depth,
                r.has_start,
                r.has_end,
                r.task
            )
        })
        .collect()
}

fn gc_work_text(t: &Trace) -> Vec<String> {
    (t.gc_work.iter())
        .map(|w| format!("G{} {}..{} {:?}", w.g, w.start, w.end, w.kind))
        .collect()
}

/// The intervals of a proc or thread lane: start, end, goroutine, kind.
fn intervals(lane: &IntervalLane) -> Vec<(i64, i64, Option<GIdx>, IntervalKind)> {
    (0..lane.len())
        .map(|i| (lane.start(i), lane.end(i), lane.g(i), lane.kind(i)))
        .collect()
}

fn flow_text(t: &Trace, f: &Flow) -> String {
    format!(
        "{:?} {:?}@{} -> {}@{} {}",
        f.kind,
        f.from,
        f.from_time,
        f.to,
        f.to_time,
        t.reason(f.reason)
    )
}

#[test]
fn the_overview_keeps_all_but_the_spans() {
    for (name, whole, tiled) in pairs() {
        let (w, o) = (&whole.trace, &tiled.trace);
        assert!(o.meta.bucket_ns.is_some(), "{name}: not an overview");
        assert_eq!(w.meta.bucket_ns, None, "{name}");
        assert_eq!(w.meta.events, o.meta.events, "{name}");
        assert_eq!(
            (w.meta.start, w.meta.end),
            (o.meta.start, o.meta.end),
            "{name}"
        );
        let (wg, og) = (&w.goroutines, &o.goroutines);
        assert_eq!(wg.len(), og.len(), "{name}");
        assert!(wg.ids().eq(og.ids()), "{name}");
        assert!(wg.created_times().eq(og.created_times()), "{name}");
        assert_eq!(wg.creator, og.creator, "{name}");
        for g in wg.indexes() {
            assert_eq!(wg.group(g), og.group(g), "{name}");
            assert_eq!(wg.ended(g), og.ended(g), "{name}");
        }
        assert_eq!(w.groups.len(), o.groups.len(), "{name}");
        assert_eq!(w.gc, o.gc, "{name}");
        assert_eq!(w.stw, o.stw, "{name}");
        assert_eq!(regions_text(w), regions_text(o), "{name}");
        assert_eq!(gc_work_text(w), gc_work_text(o), "{name}");
        assert_eq!(w.tasks.len(), o.tasks.len(), "{name}");
        assert_eq!(w.logs.len(), o.logs.len(), "{name}");
        assert_eq!(w.cpu_samples.len(), o.cpu_samples.len(), "{name}");
        assert_eq!(w.procs.len(), o.procs.len(), "{name}");
        assert_eq!(w.threads.len(), o.threads.len(), "{name}");
        for (a, b) in w.counters.all().iter().zip(o.counters.all()) {
            assert_eq!((&a.time, &a.last), (&b.time, &b.last), "{name}: {}", a.name);
        }
        assert_eq!(
            whole.goroutine_analysis.goroutine_count(),
            tiled.goroutine_analysis.goroutine_count(),
            "{name}"
        );
        // Each coarse lane covers its goroutine's lane, in fewer spans,
        // each at least a bucket wide but the first and last.
        assert!(o.spans.len() <= w.spans.len(), "{name}");
        for g in w.goroutines.indexes() {
            let (ws, os) = (spans(w, g), spans(o, g));
            assert_eq!(ws.is_empty(), os.is_empty(), "{name}: G{g}");
            if let (Some(a), Some(b)) = (ws.first(), os.first()) {
                assert_eq!(a.start, b.start, "{name}: G{g} start");
                assert_eq!(
                    ws.last().unwrap().end,
                    os.last().unwrap().end,
                    "{name}: G{g} end"
                );
            }
            for s in os.iter().skip(1).take(os.len().saturating_sub(2)) {
                assert!(
                    Some(s.end - s.start) >= o.meta.bucket_ns,
                    "{name}: G{g} {s:?}"
                );
            }
        }
        let src = tiled.tiles.as_ref().expect("tile source");
        assert_eq!(src.gens.len() as u64, w.meta.generations, "{name}");
        assert_eq!(src.gens[0].start_ns, w.meta.start, "{name}");
        assert_eq!(src.gens.last().unwrap().end_ns, w.meta.end, "{name}");
    }
}

#[test]
fn a_tile_of_every_generation_is_the_whole_model() {
    for (name, whole, tiled) in pairs() {
        let src = tiled.tiles.as_ref().expect("tile source");
        let tile = src
            .build(&tiled.trace, 0..src.gens.len(), &AtomicBool::new(false))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let w = &whole.trace;
        assert_eq!(tile.meta.bucket_ns, None);
        assert!(std::sync::Arc::ptr_eq(
            &tile.goroutines,
            &tiled.trace.goroutines
        ));
        assert_eq!(tile.spans.len(), w.spans.len(), "{name}");
        for g in w.goroutines.indexes() {
            let a: Vec<String> = spans(w, g).iter().map(|s| span_text(w, s)).collect();
            let b: Vec<String> = spans(&tile, g)
                .iter()
                .map(|s| span_text(&tile, s))
                .collect();
            assert_eq!(a, b, "{name}: G{}", w.goroutines.id(g));
            let fa: Vec<String> = w.flows_into(g).map(|f| flow_text(w, &f)).collect();
            let mut fb: Vec<String> = tile.flows_into(g).map(|f| flow_text(&tile, &f)).collect();
            let mut fa_sorted = fa.clone();
            fa_sorted.sort();
            fb.sort();
            assert_eq!(fa_sorted, fb, "{name}: flows into G{}", w.goroutines.id(g));
        }
        for (p, q) in w.procs.iter().zip(&tile.procs) {
            assert_eq!(p.id, q.id, "{name}");
            assert_eq!(p.intervals.len(), q.intervals.len(), "{name}: P{}", p.id);
            for i in 0..p.intervals.len() {
                assert_eq!(
                    (p.intervals.start(i), p.intervals.end(i), p.intervals.g(i)),
                    (q.intervals.start(i), q.intervals.end(i), q.intervals.g(i)),
                    "{name}: P{}",
                    p.id
                );
            }
        }
        assert_eq!(tile.regions.len(), w.regions.len(), "{name}");
        for (a, b) in w.regions.iter().zip(&tile.regions) {
            assert_eq!(
                (a.g, a.start, a.end, a.depth),
                (b.g, b.start, b.end, b.depth),
                "{name}"
            );
        }
    }
}

/// A tile of one generation is a window of the whole model: every span
/// and every proc and thread interval that overlaps its time, whole (those
/// crossing its edges begin and end where the whole model has them).
#[test]
fn a_tile_of_one_generation_is_a_window_of_the_whole_model() {
    let (mut checked, mut across) = (0, 0);
    for (name, whole, tiled) in pairs() {
        let src = tiled.tiles.as_ref().expect("tile source");
        let w = &whole.trace;
        for k in 0..src.gens.len() {
            let (tile, t0, t1) = generation_tile(&name, &tiled, k);
            let t1 = if k + 1 == src.gens.len() {
                i64::MAX
            } else {
                t1
            };
            for g in w.goroutines.indexes() {
                let want: Vec<String> = spans(w, g)
                    .iter()
                    .filter(|s| s.start < t1 && s.end > t0)
                    .map(|s| span_text(w, s))
                    .collect();
                let got: Vec<String> = spans(&tile, g)
                    .iter()
                    .map(|s| span_text(&tile, s))
                    .collect();
                if want != got {
                    let i = want.iter().zip(&got).take_while(|(a, b)| a == b).count();
                    panic!(
                        "{name} gen {k} [{t0}, {t1}): G{}: {} spans in the window, tile has {}; first difference at {i}: {:?} vs {:?}",
                        w.goroutines.id(g),
                        want.len(),
                        got.len(),
                        want.get(i),
                        got.get(i)
                    );
                }
                checked += want.len();
                across += spans(w, g)
                    .iter()
                    .filter(|s| s.start < t1 && s.end > t1)
                    .count();
            }
            let lanes = (w.procs.iter().map(|p| (format!("P{}", p.id), &p.intervals))).chain(
                w.threads
                    .iter()
                    .map(|m| (format!("M{}", m.id), &m.intervals)),
            );
            let tile_lanes = (tile.procs.iter().map(|p| &p.intervals))
                .chain(tile.threads.iter().map(|m| &m.intervals));
            for ((lane_name, whole_lane), tile_lane) in lanes.zip(tile_lanes) {
                let want: Vec<_> = intervals(whole_lane)
                    .into_iter()
                    .filter(|&(s, e, ..)| s < t1 && e > t0)
                    .collect();
                assert_eq!(
                    intervals(tile_lane),
                    want,
                    "{name} gen {k} [{t0}, {t1}): {lane_name}"
                );
                checked += want.len();
            }
        }
    }
    assert!(
        checked > 100_000 && across > 200,
        "spans and intervals checked: {checked}, across an end: {across}"
    );
}

/// A goroutine blocked (or running, runnable, in a syscall) across the
/// first boundary of a tile begins the tile's lane with the span the whole
/// model has: its start, reason and stack, which the status event at the
/// tile's start does not say.
#[test]
fn a_tile_begins_with_the_spans_open_at_its_start() {
    let (mut checked, mut with_reason) = (0, 0);
    for (name, whole, tiled) in pairs() {
        let src = tiled.tiles.as_ref().expect("tile source");
        let w = &whole.trace;
        for k in 1..src.gens.len() {
            let (tile, t0, t1) = generation_tile(&name, &tiled, k);
            for g in w.goroutines.indexes() {
                let Some(open) = spans(w, g)
                    .into_iter()
                    .find(|s| s.start < t0 && t0 < s.end && s.end < t1)
                else {
                    continue;
                };
                let want = span_text(w, &open);
                let got = spans(&tile, g).first().map(|s| span_text(&tile, s));
                assert_eq!(
                    got.as_deref(),
                    Some(want.as_str()),
                    "{name} gen {k} [{t0}, {t1}): G{}'s first span",
                    w.goroutines.id(g)
                );
                checked += 1;
                with_reason += usize::from(open.reason != 0);
            }
        }
    }
    assert!(
        checked > 200 && with_reason > 100,
        "spans across a boundary checked: {checked}, with a reason: {with_reason}"
    );
}

#[test]
fn a_tile_of_a_rewritten_file_is_refused() {
    let src = common::testdata().join("traces/gens_go127.trace");
    let dir = std::env::temp_dir().join(format!("gotraceview-tiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rewritten.trace");
    std::fs::copy(&src, &path).unwrap();
    let tiled = load(&path, LoadOptions::with_budget(1));
    let ts = tiled.tiles.as_ref().expect("tile source");
    assert!(ts.changed().is_none());
    // `go test -trace` truncates and writes the file again.
    let bytes = std::fs::read(&src).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    let msg = ts.changed().expect("noticed");
    assert!(msg.contains("changed on disk"), "{msg}");
    let err = ts
        .build(&tiled.trace, 0..1, &AtomicBool::new(false))
        .unwrap_err();
    assert!(
        matches!(err, gotraceview::load::tiles::TileError::Changed(_)),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_big_trace_keeps_the_goroutine_table_not_every_goroutine() {
    use gotraceview::analysis::goroutines::TOP_MEMBERS;
    use gotraceview::analysis::summary::GoroutineAnalysis;
    for (name, whole, tiled) in pairs() {
        assert!(
            matches!(tiled.goroutine_analysis, GoroutineAnalysis::Groups(_)),
            "{name}"
        );
        assert!(tiled.summary().is_none(), "{name}");
        let (a, b) = (whole.group_table(), tiled.group_table());
        assert!(!a.approximate && b.approximate, "{name}");
        assert_eq!(a.goroutines, b.goroutines, "{name}");
        let titles = |t: &gotraceview::analysis::goroutines::GroupTable| {
            t.columns.iter().map(|&c| t.title(c)).collect::<Vec<_>>()
        };
        assert_eq!(titles(a), titles(b), "{name}");
        assert_eq!(a.groups.len(), b.groups.len(), "{name}");
        for (x, y) in a.groups.iter().zip(&b.groups) {
            assert_eq!((&x.name, x.count), (&y.name, y.count), "{name}");
            assert_eq!(x.totals, y.totals, "{name}: {}", x.name);
            for (c, (qx, qy)) in x.quantiles.iter().zip(&y.quantiles).enumerate() {
                assert_eq!(qx[3], qy[3], "{name}: {} max of column {c}", x.name);
                for k in 0..3 {
                    let (e, got) = (qx[k], qy[k]);
                    assert!(
                        got <= e && (e - got) as f64 <= e as f64 / 128.0 + 1.0,
                        "{name}: {} column {c} quantile {k}: {got} vs {e}",
                        x.name
                    );
                }
            }
            assert_eq!(
                y.complete,
                x.count as usize <= TOP_MEMBERS,
                "{name}: {}",
                x.name
            );
            // The slowest goroutines by each column are listed, with the
            // figures of the whole analysis.
            for c in 0..a.columns.len() {
                let top = |rows: &[gotraceview::analysis::goroutines::MemberRow]| {
                    let mut v: Vec<(i64, i64)> = rows
                        .iter()
                        .filter(|m| m.values[c] != 0)
                        .map(|m| (m.values[c], m.id))
                        .collect();
                    v.sort_unstable_by(|p, q| q.cmp(p));
                    v.truncate(TOP_MEMBERS);
                    v
                };
                assert_eq!(
                    top(&x.members),
                    top(&y.members),
                    "{name}: {} column {c}",
                    x.name
                );
            }
            if y.complete {
                let mut xm = x.members.clone();
                let mut ym = y.members.clone();
                xm.sort_by_key(|m| m.id);
                ym.sort_by_key(|m| m.id);
                assert_eq!(xm, ym, "{name}: {}", x.name);
            }
        }
    }
}

/// A profile as text: each record's frames, count and delay, sorted (the
/// stack IDs of a streamed profile are its own).
fn profile_text(l: &LoadedTrace, kind: ProfileKind, scope: &ProfileScope) -> Vec<String> {
    let p = l
        .blocking_profile(kind, scope, &AtomicBool::new(false), &|_, _| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let t = &p.stacks_of;
    let mut v: Vec<String> = p
        .profile
        .records
        .iter()
        .map(|r| {
            let mut frames: Vec<String> = t
                .stacks
                .frames_of(r.stack)
                .map(|f| format!("{}:{}:{:#x}", t.str(f.func), f.line, f.pc))
                .collect();
            // Samples are keyed by PCs without trailing zero PCs (as Go
            // does): which stack of a key is shown may differ.
            while frames.last().is_some_and(|f| f.ends_with(":0x0")) {
                frames.pop();
            }
            format!("{} {} [{}]", r.count, r.delay_ns, frames.join(";"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn profiles_streamed_over_the_tiles_equal_the_whole_models() {
    let mut multi = 0;
    let mut compared = 0;
    for (name, whole, tiled) in pairs() {
        let w = &whole.trace;
        if tiled.tiles.as_ref().is_some_and(|s| s.gens.len() > 1) {
            multi += 1;
        }
        let (a, b) = (w.meta.start, w.meta.end);
        let mut scopes = vec![
            ProfileScope::All,
            ProfileScope::Range(a + (b - a) / 3, b - (b - a) / 3),
        ];
        scopes.extend((0..w.groups.len().min(3) as u32).map(ProfileScope::Group));
        if let Some(r) = w.regions.first() {
            scopes.push(ProfileScope::Region(w.str(r.name).to_string()));
        }
        for kind in ProfileKind::ALL {
            for scope in &scopes {
                let want = profile_text(&whole, kind, scope);
                let got = profile_text(&tiled, kind, scope);
                assert_eq!(got, want, "{name}: {kind:?} over {scope:?}");
                compared += usize::from(!want.is_empty());
            }
        }
    }
    assert!(multi >= 7, "multi-generation traces: {multi}");
    assert!(compared >= 100, "non-empty profiles compared: {compared}");
}

/// A goroutine analysis as text, reasons by name.
fn summary_text(s: &gotraceview::analysis::summary::Summary) -> Vec<String> {
    s.goroutines
        .iter()
        .map(|g| {
            let st = &g.stats;
            let mut reasons: Vec<String> = st
                .block_ns
                .iter()
                .map(|(r, d)| format!("{}={d}", s.names[*r as usize]))
                .collect();
            reasons.sort();
            format!(
                "{} {} c{} s{} e{} x{} w{} y{} b{} t{} [{}]",
                g.id,
                g.name,
                g.creation,
                g.start,
                g.end,
                st.exec_ns,
                st.sched_wait_ns,
                st.syscall_ns,
                st.syscall_block_ns,
                st.total_ns,
                reasons.join(" ")
            )
        })
        .collect()
}

#[test]
fn range_analyses_streamed_over_the_tiles_equal_the_whole_models() {
    let mut compared = 0;
    for (name, whole, tiled) in pairs() {
        let w = &whole.trace;
        let (a, b) = (w.meta.start, w.meta.end);
        let d = b - a;
        let gens = tiled
            .tiles
            .as_ref()
            .map(|s| s.gens.clone())
            .unwrap_or_default();
        let mut ranges = vec![
            (a, b),
            (a + d / 3, b - d / 3),
            (a + d / 2, a + d / 2 + d / 50 + 1),
        ];
        // Across a generation boundary, and from just before one.
        if let Some(g) = gens.get(1) {
            ranges.push((g.start_ns - d / 20, g.start_ns + d / 20));
            ranges.push((g.start_ns - 1, g.end_ns));
        }
        let no = AtomicBool::new(false);
        for (t0, t1) in ranges {
            let want = whole
                .summary_in_range(t0, t1, &no, &|_, _| {})
                .expect("whole");
            let got = tiled
                .summary_in_range(t0, t1, &no, &|_, _| {})
                .expect("tiled");
            assert_eq!(
                summary_text(&got),
                summary_text(&want),
                "{name}: [{t0}, {t1})"
            );
            compared += want.goroutines.len();
        }
    }
    assert!(compared > 10_000, "goroutines compared: {compared}");
}

#[test]
fn state_times_streamed_over_the_tiles_equal_the_whole_models() {
    let no = AtomicBool::new(false);
    for (name, whole, tiled) in pairs() {
        let want = whole.state_times(&no, &|_, _| {}).expect("whole");
        let got = tiled.state_times(&no, &|_, _| {}).expect("tiled");
        assert!(got == want, "{name}");
        let blocked = whole
            .trace
            .goroutines
            .indexes()
            .filter(|&g| want.blocked_ns(g) > 0);
        assert!(blocked.count() > 0, "{name}: nothing blocked");
    }
}

/// The proc and thread intervals, regions and arrows open at a tile's
/// start are the whole model's (where they began, not where the tile
/// first saw them), though no status event says since when or who.
#[test]
fn a_tile_begins_with_the_intervals_regions_and_arrows_open_at_its_start() {
    let (mut intervals_checked, mut regions_checked, mut flows_checked) = (0, 0, 0);
    for (name, whole, tiled) in pairs() {
        let src = tiled.tiles.as_ref().expect("tile source");
        let w = &whole.trace;
        for k in 1..src.gens.len() {
            let (tile, t0, t1) = generation_tile(&name, &tiled, k);
            let lanes = (w.procs.iter().map(|p| (format!("P{}", p.id), &p.intervals))).chain(
                w.threads
                    .iter()
                    .map(|m| (format!("M{}", m.id), &m.intervals)),
            );
            let tile_lanes = (tile.procs.iter().map(|p| &p.intervals))
                .chain(tile.threads.iter().map(|m| &m.intervals));
            for ((lane_name, whole_lane), tile_lane) in lanes.zip(tile_lanes) {
                let Some(open) = intervals(whole_lane)
                    .into_iter()
                    .find(|&(s, e, ..)| s < t0 && t0 < e && e < t1)
                else {
                    continue;
                };
                assert_eq!(
                    intervals(tile_lane).first(),
                    Some(&open),
                    "{name} gen {k} [{t0}, {t1}): {lane_name}'s first interval"
                );
                intervals_checked += 1;
            }
            for r in w.regions.iter().filter(|r| r.start < t0 && t0 < r.end) {
                let same = |q: &&gotraceview::model::Region| {
                    (q.g, q.start, q.end, q.depth, q.has_start)
                        == (r.g, r.start, r.end, r.depth, true)
                };
                assert!(
                    tile.regions_of(r.g).iter().any(|q| same(&q)),
                    "{name} gen {k} [{t0}, {t1}): region {} of G{} at {}..{}",
                    w.str(r.name),
                    w.goroutines.id(r.g),
                    r.start,
                    r.end
                );
                regions_checked += 1;
            }
            for g in w.goroutines.indexes() {
                let across = |f: &Flow| f.from_time < t0 && t0 <= f.to_time && f.to_time < t1;
                for f in w.flows_into(g).filter(across) {
                    let want = flow_text(w, &f);
                    assert!(
                        tile.flows_into(g).any(|q| flow_text(&tile, &q) == want),
                        "{name} gen {k} [{t0}, {t1}): no arrow {want}"
                    );
                    flows_checked += 1;
                }
            }
        }
    }
    assert!(
        intervals_checked > 20 && regions_checked > 30 && flows_checked >= 4,
        "across a boundary checked: {intervals_checked} intervals, {regions_checked} regions, {flows_checked} arrows"
    );
}
