//! The vertical layout of the timeline: which lanes exist (sections,
//! counters, procs, threads, goroutine groups and their goroutines), how
//! tall each is, and which are in view. Rebuilt only when an expansion or a
//! filter changes; a frame finds the rows in view by binary search. Content
//! y is f64: the lanes of a big group are taller than f32 counts exactly.

mod lanes;

use super::counters::{CounterTrack, TRACKS};
use crate::model::{GIdx, GcWork, GoLaneState, Goroutines, Region, Trace};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use lanes::{LaneBlock, Members};
use std::sync::Arc;

/// The collapsible sections of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// GC, STW and counters.
    Runtime,
    /// Proc lanes.
    Procs,
    /// Thread lanes.
    Threads,
    /// Goroutine groups.
    Goroutines,
}

impl Section {
    /// All sections, top to bottom.
    pub const ALL: [Section; 4] = [
        Section::Runtime,
        Section::Procs,
        Section::Threads,
        Section::Goroutines,
    ];

    /// Title.
    pub fn title(self) -> &'static str {
        match self {
            Section::Runtime => "Runtime",
            Section::Procs => "Procs",
            Section::Threads => "Threads",
            Section::Goroutines => "Goroutines",
        }
    }
}

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A section header.
    Section(Section),
    /// GC mark phases.
    Gc,
    /// Stop-the-world pauses.
    Stw,
    /// A counter track.
    Counter(CounterTrack),
    /// Proc lane (index into `Trace::procs`).
    Proc(u32),
    /// Thread lane (index into `Trace::threads`).
    Thread(u32),
    /// Header of goroutine group (index into `Trace::groups`).
    Group(u32),
    /// A goroutine lane.
    Goroutine(GIdx),
}

/// One row: what, where (content y, from the top of the lanes) and how tall.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// What the row shows.
    pub kind: RowKind,
    /// Top, in points from the top of all rows.
    pub y: f64,
    /// Height.
    pub h: f32,
    /// For goroutine rows: height of the state row (the rest holds the GC row and regions).
    pub state_h: f32,
    /// For goroutine rows: number of region rows.
    pub region_rows: u16,
    /// For goroutine rows: whether a GC work row is drawn.
    pub gc_row: bool,
    /// For group headers: members shown (after filters).
    pub shown: u32,
}

/// Heights of the row kinds.
pub mod height {
    /// Section header.
    pub const SECTION: f32 = 20.0;
    /// GC / STW lane.
    pub const RANGE: f32 = 18.0;
    /// Counter track.
    pub const COUNTER: f32 = 30.0;
    /// Proc lane.
    pub const PROC: f32 = 18.0;
    /// Thread lane.
    pub const THREAD: f32 = 14.0;
    /// Group header.
    pub const GROUP: f32 = 20.0;
    /// Goroutine state row.
    pub const GOROUTINE: f32 = 16.0;
    /// GC work row under a goroutine.
    pub const GC_ROW: f32 = 5.0;
    /// One nested region row.
    pub const REGION: f32 = 11.0;
    /// Space under each goroutine lane.
    pub const GAP: f32 = 3.0;
}

/// Filters on goroutine lanes (Find panel).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaneFilter {
    /// Keep goroutines whose start function contains this (case-insensitive).
    pub name: String,
    /// Keep goroutines that spent time in this state.
    pub state: Option<GoLaneState>,
    /// Keep goroutines blocked (waiting) at least this long.
    pub min_blocked_ns: Time,
    /// Keep only the goroutines of this group (index into `Trace::groups`).
    pub group: Option<u32>,
    /// Keep only these goroutines (sorted), e.g. the goroutines of a task.
    pub only: Option<std::sync::Arc<[GIdx]>>,
}

impl LaneFilter {
    /// True if no filter is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
            && self.state.is_none()
            && self.min_blocked_ns <= 0
            && self.group.is_none()
            && self.only.is_none()
    }

    /// Whether it filters by state times (see `TraceData::state_times`).
    pub fn needs_totals(&self) -> bool {
        self.state.is_some() || self.min_blocked_ns > 0
    }
}

/// What is expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// Open sections.
    pub sections: [bool; 4],
    /// Open goroutine groups (by group index).
    pub groups: Vec<bool>,
}

impl Expansion {
    /// Defaults: everything open but threads; groups open only in small traces.
    pub fn new(t: &Trace) -> Expansion {
        let small = t.goroutines.len() <= 64;
        Expansion {
            sections: [true, true, false, true],
            groups: vec![small; t.groups.len()],
        }
    }

    /// Whether a section is open.
    pub fn section(&self, s: Section) -> bool {
        self.sections[s as usize]
    }
}

/// One stretch of rows: a single row, or the lanes of an expanded group.
#[derive(Debug, Clone, Copy)]
struct Segment {
    /// Virtual index of its first row.
    first: usize,
    /// Content y of its top.
    y: f64,
    body: Body,
}

#[derive(Debug, Clone, Copy)]
enum Body {
    /// A row that is not a goroutine lane.
    Single { kind: RowKind, h: f32, shown: u32 },
    /// A block of goroutine lanes (index into `RowList::blocks`).
    Lanes(u32),
}

/// The rows of the timeline, top to bottom. Virtual: the lanes of an
/// expanded group are one block (see [`lanes::LaneBlock`]), so memory and
/// build time follow the other rows and the lanes taller than plain, not
/// the members of the groups (a group can have 19 million).
#[derive(Clone, Default)]
pub struct RowList {
    segs: Vec<Segment>,
    /// In group order (from the build), so searched by group.
    blocks: Vec<LaneBlock>,
    /// The group of each goroutine (for [`RowList::find_goroutine`]).
    goroutines: Arc<Goroutines>,
    len: usize,
    /// Total height (f64: 19M lanes are 361M points, past f32's exact range).
    pub total_h: f64,
}

impl std::fmt::Debug for RowList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowList")
            .field("len", &self.len)
            .field("total_h", &self.total_h)
            .field("segs", &self.segs.len())
            .field("blocks", &self.blocks)
            .finish()
    }
}

impl RowList {
    /// An empty list whose goroutines' groups come from `goroutines`.
    fn new(goroutines: Arc<Goroutines>) -> RowList {
        RowList {
            goroutines,
            ..RowList::default()
        }
    }

    /// Appends a row that is not a goroutine lane (placed by `finish`).
    fn push(&mut self, kind: RowKind, h: f32) {
        self.push_shown(kind, h, 0);
    }

    fn push_shown(&mut self, kind: RowKind, h: f32, shown: u32) {
        let body = Body::Single { kind, h, shown };
        self.segs.push(Segment {
            first: 0,
            y: 0.0,
            body,
        });
    }

    /// Appends the lanes of group `group` (groups in increasing order).
    fn push_lanes(&mut self, group: u32, members: Members, sorted: bool) {
        debug_assert!(self.blocks.last().is_none_or(|b| b.group < group));
        let block = LaneBlock::new(group, members, sorted);
        if block.len() == 0 {
            return;
        }
        self.segs.push(Segment {
            first: 0,
            y: 0.0,
            body: Body::Lanes(self.blocks.len() as u32),
        });
        self.blocks.push(block);
    }

    /// Finds the taller lanes from the GC work rows and regions (both
    /// sorted by goroutine), then places every row.
    fn finish(&mut self, gc_work: &[GcWork], regions: &[Region]) {
        if !self.blocks.is_empty() {
            self.find_tall_lanes(gc_work, regions);
        }
        let (mut first, mut y) = (0usize, 0.0f64);
        for s in &mut self.segs {
            s.first = first;
            s.y = y;
            match s.body {
                Body::Single { h, .. } => {
                    first += 1;
                    y += f64::from(h);
                }
                Body::Lanes(b) => {
                    let block = &mut self.blocks[b as usize];
                    block.first = first;
                    block.top = y;
                    first += block.len();
                    y += block.height();
                }
            }
        }
        self.len = first;
        self.total_h = y;
    }

    /// One walk over the goroutines with GC work or regions (not over the
    /// members: a group can have millions), marking their lanes if shown.
    /// Only the goroutine indexes the blocks span are walked.
    fn find_tall_lanes(&mut self, gc_work: &[GcWork], regions: &[Region]) {
        let Some((lo, hi)) = self
            .blocks
            .iter()
            .map(LaneBlock::g_range)
            .reduce(|(lo, hi), (a, b)| (lo.min(a), hi.max(b)))
        else {
            return;
        };
        let mut wi = gc_work.partition_point(|w| w.g < lo);
        let mut ri = regions.partition_point(|r| r.g < lo);
        loop {
            let g = match (gc_work.get(wi), regions.get(ri)) {
                (Some(w), Some(r)) => w.g.min(r.g),
                (Some(w), None) => w.g,
                (None, Some(r)) => r.g,
                (None, None) => break,
            };
            if g > hi {
                break;
            }
            let gc_row = gc_work.get(wi).is_some_and(|w| w.g == g);
            while gc_work.get(wi).is_some_and(|w| w.g == g) {
                wi += 1;
            }
            let mut depth: u16 = 0;
            while let Some(r) = regions.get(ri).filter(|r| r.g == g) {
                depth = depth.max(r.depth.saturating_add(1));
                ri += 1;
            }
            let Some(b) = self.block_of(g) else {
                continue;
            };
            let block = &mut self.blocks[b];
            if let Some(pos) = block.position(g) {
                block.add_tall(pos, gc_row, depth);
            }
        }
        for b in &mut self.blocks {
            b.finish();
        }
    }

    /// The block of goroutine `g`'s group, if expanded.
    fn block_of(&self, g: GIdx) -> Option<usize> {
        let group = self.goroutines.group(g)?;
        self.blocks.binary_search_by_key(&group, |b| b.group).ok()
    }

    /// Builds the rows for the current expansion and filter.
    pub fn build(data: &TraceData, exp: &Expansion, filter: &LaneFilter) -> RowList {
        let t = data.whole();
        let mut out = RowList::new(Arc::clone(&t.goroutines));
        for sec in Section::ALL {
            let count = match sec {
                Section::Runtime => 2 + TRACKS.len(),
                Section::Procs => t.procs.len(),
                Section::Threads => t.threads.len(),
                Section::Goroutines => t.goroutines.len(),
            };
            if count == 0 {
                continue;
            }
            out.push(RowKind::Section(sec), height::SECTION);
            if !exp.section(sec) {
                continue;
            }
            match sec {
                Section::Runtime => {
                    out.push(RowKind::Gc, height::RANGE);
                    out.push(RowKind::Stw, height::RANGE);
                    for tr in TRACKS {
                        out.push(RowKind::Counter(tr), height::COUNTER);
                    }
                }
                Section::Procs => {
                    for i in 0..t.procs.len() {
                        out.push(RowKind::Proc(i as u32), height::PROC);
                    }
                }
                Section::Threads => {
                    for i in 0..t.threads.len() {
                        out.push(RowKind::Thread(i as u32), height::THREAD);
                    }
                }
                Section::Goroutines => out.goroutine_rows(data, exp, filter),
            }
        }
        out.finish(&t.gc_work, &t.regions);
        out
    }

    fn goroutine_rows(&mut self, data: &TraceData, exp: &Expansion, filter: &LaneFilter) {
        let t = data.whole();
        // N.B. while a big trace's state times are being computed the
        // state filters wait (the find bar says so) and every lane shows.
        let totals = if filter.needs_totals() {
            data.state_times()
        } else {
            None
        };
        let needle = filter.name.to_lowercase();
        let only = filter.only.as_deref();
        let filtered = totals.is_some() || only.is_some();
        let keep = |g: GIdx| -> bool {
            if only.is_some_and(|o| o.binary_search(&g).is_err()) {
                return false;
            }
            if let Some(tt) = totals {
                if filter.state.is_some_and(|s| !tt.was_in(g, s)) {
                    return false;
                }
                if filter.min_blocked_ns > 0 && tt.blocked_ns(g) < filter.min_blocked_ns {
                    return false;
                }
            }
            true
        };
        for (gi, group) in t.groups.iter().enumerate() {
            if !needle.is_empty() && !t.str(group.name).to_lowercase().contains(&needle) {
                continue;
            }
            if filter.group.is_some_and(|only| only != gi as u32) {
                continue;
            }
            let open = exp.groups.get(gi).copied().unwrap_or(false);
            // Filtered lanes are listed (a filter looks at every member
            // anyway); unfiltered ones share the trace's list.
            let (shown, members) = match (filtered, open) {
                (false, false) => (group.members.len(), None),
                (false, true) => {
                    let groups = Arc::clone(&t.groups);
                    let m = Members::Group {
                        groups,
                        index: gi as u32,
                    };
                    (group.members.len(), Some(m))
                }
                (true, false) => (group.members.iter().filter(|&&g| keep(g)).count(), None),
                (true, true) => {
                    let kept: Vec<GIdx> =
                        group.members.iter().copied().filter(|&g| keep(g)).collect();
                    (kept.len(), Some(Members::Kept(kept)))
                }
            };
            if shown == 0 {
                continue;
            }
            self.push_shown(RowKind::Group(gi as u32), height::GROUP, shown as u32);
            if let Some(m) = members {
                // A subsequence of sorted members is sorted too.
                let sorted = data.groups_sorted.get(gi).copied().unwrap_or(false);
                self.push_lanes(gi as u32, m, sorted);
            }
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i` (below `len()`), computed.
    pub fn row(&self, i: usize) -> Row {
        assert!(i < self.len, "row {i} of {}", self.len);
        let s = &self.segs[self.segs.partition_point(|s| s.first <= i) - 1];
        match s.body {
            Body::Single { kind, h, shown } => Row {
                kind,
                y: s.y,
                h,
                state_h: h,
                region_rows: 0,
                gc_row: false,
                shown,
            },
            Body::Lanes(b) => self.blocks[b as usize].row(i - s.first),
        }
    }

    /// Row `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Row> {
        (i < self.len).then(|| self.row(i))
    }

    /// Number of goroutine lanes.
    pub fn goroutine_lanes(&self) -> usize {
        self.blocks.iter().map(LaneBlock::len).sum()
    }

    /// Number of group headers.
    pub fn group_headers(&self) -> usize {
        let header = |s: &&Segment| {
            matches!(
                s.body,
                Body::Single {
                    kind: RowKind::Group(_),
                    ..
                }
            )
        };
        self.segs.iter().filter(header).count()
    }

    /// The first row index for which `pred` is false (`pred` true on a
    /// prefix of the rows): a binary search over the virtual rows.
    fn partition_point(&self, pred: impl Fn(&Row) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self.row(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Index range of the rows overlapping content y `[y0, y1)`.
    pub fn visible(&self, y0: f64, y1: f64) -> std::ops::Range<usize> {
        let a = self.partition_point(|r| r.y + f64::from(r.h) <= y0);
        let b = self.partition_point(|r| r.y < y1);
        a..b.max(a)
    }

    /// The row at content y.
    pub fn at(&self, y: f64) -> Option<usize> {
        let i = self.partition_point(|r| r.y + f64::from(r.h) <= y);
        (i < self.len && self.row(i).y <= y).then_some(i)
    }

    /// The row of goroutine `g`, if shown: its group's block, then a
    /// binary search in the block.
    pub fn find_goroutine(&self, g: GIdx) -> Option<usize> {
        let block = &self.blocks[self.block_of(g)?];
        Some(block.first + block.position(g)?)
    }

    /// The row of a kind, if shown (linear in the rows that are not
    /// goroutine lanes: used on navigation and in tests).
    pub fn find(&self, kind: RowKind) -> Option<usize> {
        if let RowKind::Goroutine(g) = kind {
            return self.find_goroutine(g);
        }
        self.segs.iter().find_map(|s| match s.body {
            Body::Single { kind: k, .. } if k == kind => Some(s.first),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests;
