//! The virtual rows against a naive enumeration of every lane, and a
//! block of 20 million lanes.

use super::*;
use crate::model::column::Codes;
use crate::model::{GoroutineGroup, IntervalKind};

fn list(hs: &[f32]) -> RowList {
    let mut l = RowList::default();
    for (i, &h) in hs.iter().enumerate() {
        l.push(RowKind::Proc(i as u32), h);
    }
    l.finish(&[], &[]);
    l
}

#[test]
fn visible_rows_by_binary_search() {
    let l = list(&[10.0, 10.0, 10.0, 10.0]);
    assert_eq!(l.visible(0.0, 10.0), 0..1);
    assert_eq!(l.visible(5.0, 25.0), 0..3);
    assert_eq!(l.visible(40.0, 50.0), 4..4);
    assert_eq!(l.at(15.0), Some(1));
    assert_eq!(l.at(45.0), None);
}

fn gc(g: u32) -> GcWork {
    GcWork {
        g: GIdx::at(g as usize),
        start: 0,
        end: 1,
        kind: IntervalKind::MarkAssist,
    }
}

fn region(g: u32, depth: u16) -> Region {
    Region {
        g: GIdx::at(g as usize),
        task: crate::trace::TaskId::BACKGROUND,
        name: 0,
        start: 0,
        end: 1,
        depth,
        has_start: true,
        has_end: true,
        start_stack: 0,
    }
}

/// Plain inputs in place of a trace.
struct Fixture {
    goroutines: Arc<Goroutines>,
    groups: Arc<Vec<GoroutineGroup>>,
    gc_work: Vec<GcWork>,
    regions: Vec<Region>,
}

impl Fixture {
    /// Goroutine g in group `group_of[g]`, members in `members` (each
    /// group's list, in the order given).
    fn new(group_of: Codes, members: Vec<Vec<GIdx>>) -> Fixture {
        let mut goroutines = Goroutines::default();
        goroutines.set_groups(group_of, vec![0; members.len()]);
        let groups = members
            .into_iter()
            .map(|members| GoroutineGroup { name: 0, members })
            .collect();
        Fixture {
            goroutines: Arc::new(goroutines),
            groups: Arc::new(groups),
            gc_work: Vec::new(),
            regions: Vec::new(),
        }
    }
}

/// What a test lays out: a row that is not a lane, or the lanes of a
/// group (all its members, or those kept).
enum Part {
    Single(RowKind, f32),
    Lanes(u32, Option<Vec<u32>>),
}

fn members(f: &Fixture, group: u32, kept: Option<&[u32]>) -> Members {
    match kept {
        Some(v) => Members::Kept(v.iter().map(|&g| GIdx::at(g as usize)).collect()),
        None => Members::Group {
            groups: Arc::clone(&f.groups),
            index: group,
        },
    }
}

fn build(f: &Fixture, parts: &[Part]) -> RowList {
    let mut l = RowList::new(Arc::clone(&f.goroutines));
    for p in parts {
        match p {
            Part::Single(kind, h) => l.push(*kind, *h),
            Part::Lanes(group, kept) => {
                let m = members(f, *group, kept.as_deref());
                let sorted = m.as_slice().is_sorted();
                l.push_lanes(*group, m, sorted);
            }
        }
    }
    l.finish(&f.gc_work, &f.regions);
    l
}

/// The rows as the list used to hold them: every lane enumerated, its
/// GC row and regions found by a linear scan.
fn naive(f: &Fixture, parts: &[Part]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut y = 0.0;
    for p in parts {
        match p {
            Part::Single(kind, h) => {
                rows.push(Row {
                    kind: *kind,
                    y,
                    h: *h,
                    state_h: *h,
                    region_rows: 0,
                    gc_row: false,
                    shown: 0,
                });
                y += f64::from(*h);
            }
            Part::Lanes(group, kept) => {
                for &g in members(f, *group, kept.as_deref()).as_slice() {
                    let gc_row = f.gc_work.iter().any(|w| w.g == g);
                    let regions = f.regions.iter().filter(|r| r.g == g);
                    let depth = regions.map(|r| r.depth + 1).max().unwrap_or(0);
                    let h = height::GOROUTINE
                        + if gc_row { height::GC_ROW } else { 0.0 }
                        + f32::from(depth) * height::REGION
                        + height::GAP;
                    rows.push(Row {
                        kind: RowKind::Goroutine(g),
                        y,
                        h,
                        state_h: height::GOROUTINE,
                        region_rows: depth,
                        gc_row,
                        shown: 0,
                    });
                    y += f64::from(h);
                }
            }
        }
    }
    rows
}

/// Every row, and `visible`, `at`, `find_goroutine` and `find` at
/// every edge, agree with linear scans of `want`.
fn check_against(l: &RowList, want: &[Row], goroutines: usize) {
    assert_eq!(l.len(), want.len());
    for (i, r) in want.iter().enumerate() {
        assert_eq!(l.row(i), *r, "row {i}");
    }
    assert_eq!(l.get(want.len()), None);
    let total = want.last().map_or(0.0, |r| r.y + f64::from(r.h));
    assert_eq!(l.total_h, total);
    let end = |r: &Row| r.y + f64::from(r.h);
    let mut ys = vec![-5.0, total, total + 3.0];
    for r in want {
        ys.extend([r.y, r.y + 0.5, end(r) - 0.5]);
    }
    for &y0 in &ys {
        let at = want.iter().position(|r| r.y <= y0 && y0 < end(r));
        assert_eq!(l.at(y0), at, "at {y0}");
        for dy in [0.0, 1.0, 19.0, 57.5, 400.0] {
            let y1 = y0 + dy;
            let a = want.iter().filter(|r| end(r) <= y0).count();
            let b = want.iter().filter(|r| r.y < y1).count();
            assert_eq!(l.visible(y0, y1), a..b.max(a), "visible {y0}..{y1}");
        }
    }
    for g in (0..goroutines).map(GIdx::at) {
        let kind = RowKind::Goroutine(g);
        let i = want.iter().position(|r| r.kind == kind);
        assert_eq!(l.find_goroutine(g), i, "G{g}");
        assert_eq!(l.find(kind), i, "G{g}");
    }
    for (i, r) in want.iter().enumerate() {
        if !matches!(r.kind, RowKind::Goroutine(_)) {
            assert_eq!(l.find(r.kind), Some(i));
        }
    }
    let lanes = want
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Goroutine(_)))
        .count();
    assert_eq!(l.goroutine_lanes(), lanes);
}

/// 40 goroutines in three groups: 0 sorted, 1 sorted, 2 in no order;
/// GC work and regions on lanes of each group (and of none).
fn three_groups() -> Fixture {
    let group_of: Vec<u32> = (0..40).map(|g| g % 3).collect();
    let by_group = |k: u32| {
        (0..40)
            .filter(move |g| g % 3 == k)
            .map(|g| GIdx::at(g as usize))
    };
    let unsorted = {
        let mut v: Vec<GIdx> = by_group(2).collect();
        v.reverse();
        v.swap(1, 5);
        v
    };
    let mut f = Fixture::new(
        Codes::U32(group_of),
        vec![by_group(0).collect(), by_group(1).collect(), unsorted],
    );
    f.gc_work = [0, 3, 3, 4, 8, 14, 30, 38, 41]
        .into_iter()
        .map(gc)
        .collect();
    f.regions = [
        (3, 0),
        (3, 1),
        (5, 0),
        (6, 2),
        (6, 0),
        (11, 0),
        (17, 3),
        (39, 0),
    ]
    .into_iter()
    .map(|(g, d)| region(g, d))
    .collect();
    f
}

fn headers(mut lanes: Vec<Part>) -> Vec<Part> {
    let mut parts = vec![
        Part::Single(RowKind::Section(Section::Runtime), height::SECTION),
        Part::Single(RowKind::Gc, height::RANGE),
        Part::Single(RowKind::Proc(0), height::PROC),
        Part::Single(RowKind::Section(Section::Goroutines), height::SECTION),
    ];
    parts.append(&mut lanes);
    parts
}

#[test]
fn blocks_give_the_rows_of_a_naive_enumeration() {
    let f = three_groups();
    let parts = headers(vec![
        Part::Single(RowKind::Group(0), height::GROUP),
        Part::Lanes(0, None),
        Part::Single(RowKind::Group(1), height::GROUP),
        Part::Single(RowKind::Group(2), height::GROUP),
        Part::Lanes(2, None),
    ]);
    let l = build(&f, &parts);
    let want = naive(&f, &parts);
    assert!(want.iter().any(|r| r.gc_row && r.region_rows > 0));
    check_against(&l, &want, 40);
}

#[test]
fn filtered_blocks_give_the_rows_of_a_naive_enumeration() {
    let f = three_groups();
    let parts = headers(vec![
        Part::Single(RowKind::Group(0), height::GROUP),
        Part::Lanes(0, Some(vec![0, 6, 9, 12, 30, 39])),
        Part::Single(RowKind::Group(1), height::GROUP),
        Part::Lanes(1, Some(vec![1, 4, 10])),
        Part::Single(RowKind::Group(2), height::GROUP),
        Part::Lanes(2, Some(vec![38, 17, 5, 26, 11])),
    ]);
    let l = build(&f, &parts);
    check_against(&l, &naive(&f, &parts), 40);
    // One unsorted block spanning G5..G26: the walk starts and stops there.
    let parts = vec![Part::Lanes(2, Some(vec![26, 17, 5, 11, 14]))];
    let l = build(&f, &parts);
    check_against(&l, &naive(&f, &parts), 40);
}

#[test]
fn a_block_without_tall_lanes_and_one_of_only_tall_lanes() {
    let mut f = three_groups();
    f.gc_work.retain(|w| w.g.ix() % 3 != 1);
    f.regions.retain(|r| r.g.ix() % 3 != 1);
    f.gc_work.extend((0..40).filter(|g| g % 3 == 0).map(gc));
    f.gc_work.sort_by_key(|w| w.g);
    let parts = vec![
        Part::Lanes(0, None),
        Part::Lanes(1, None),
        Part::Single(RowKind::Group(2), height::GROUP),
    ];
    let l = build(&f, &parts);
    check_against(&l, &naive(&f, &parts), 40);
}

#[test]
fn twenty_million_lanes_stay_exact_and_cost_nothing_per_member() {
    let n: u32 = 20_000_000;
    let mut f = Fixture::new(
        Codes::U8(vec![0; n as usize]),
        vec![(0..n).map(|g| GIdx::at(g as usize)).collect()],
    );
    f.gc_work = vec![gc(7), gc(n - 2)];
    f.regions = vec![region(1000, 0), region(1000, 2), region(n - 1, 0)];
    let start = std::time::Instant::now();
    let l = build(
        &f,
        &[
            Part::Single(RowKind::Section(Section::Goroutines), height::SECTION),
            Part::Single(RowKind::Group(0), height::GROUP),
            Part::Lanes(0, None),
        ],
    );
    let took = start.elapsed();
    // Building 20M rows took seconds; the block looks at 5 entries.
    assert!(took < std::time::Duration::from_millis(200), "{took:?}");
    assert_eq!(l.len(), n as usize + 2);
    // Lane k is at 40 + 19k plus the extra height above it: 5 (GC work
    // of G7), 33 (three region rows of G1000), 5 (GC work of G n-2).
    let y_of = |g: u32| {
        let extra = match g {
            0..=7 => 0.0,
            8..=1000 => 5.0,
            1001..=19_999_998 => 38.0,
            _ => 43.0,
        };
        40.0 + 19.0 * f64::from(g) + extra
    };
    let last = l.row(n as usize + 1);
    assert_eq!(last.kind, RowKind::Goroutine(GIdx::at((n - 1) as usize)));
    assert_eq!((last.y, last.h, last.region_rows), (y_of(n - 1), 30.0, 1));
    assert_eq!(l.total_h, last.y + 30.0);
    let before = l.row(n as usize);
    assert_eq!(
        (before.y, before.h, before.gc_row),
        (y_of(n - 2), 24.0, true)
    );
    // In f32 this y would be off by 8 points (steps of 32 up there).
    assert_ne!(f64::from(before.y as f32), before.y);
    for g in [0, 7, 8, 999, 1000, 1001, 12_345_678, n - 3, n - 2, n - 1] {
        let i = l.find_goroutine(GIdx::at(g as usize)).expect("shown");
        assert_eq!(i, g as usize + 2);
        let r = l.row(i);
        assert_eq!(r.y, y_of(g), "G{g}");
        let next_y = l.get(i + 1).map_or(l.total_h, |next| next.y);
        assert_eq!(r.y + f64::from(r.h), next_y, "G{g} touches the next lane");
        assert_eq!(l.at(r.y), Some(i));
        assert_eq!(l.at(r.y + f64::from(r.h) - 0.25), Some(i));
        assert_eq!(l.visible(r.y - 0.5, r.y + 0.5), i - 1..i + 1);
    }
    assert_eq!(l.find_goroutine(GIdx::at(n as usize)), None);
    assert_eq!(l.at(l.total_h), None);
}
