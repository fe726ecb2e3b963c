//! The vertical layout of the timeline: which lanes exist (sections,
//! counters, procs, threads, goroutine groups and their goroutines), how
//! tall each is, and which are in view. Rebuilt only when an expansion or a
//! filter changes; a frame finds the rows in view by binary search.

use super::counters::{CounterTrack, TRACKS};
use crate::model::{GIdx, GoLaneState, Trace};
use crate::trace::Time;
use crate::ui::derived::{blocked_ns, TraceData};

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
    pub y: f32,
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

    fn needs_totals(&self) -> bool {
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

/// The rows of the timeline, top to bottom.
#[derive(Debug, Clone, Default)]
pub struct RowList {
    /// Rows.
    pub rows: Vec<Row>,
    /// Total height.
    pub total_h: f32,
    /// Row index of each goroutine's lane (`u32::MAX` when not shown).
    pub row_of_g: Vec<u32>,
}

impl RowList {
    fn push(&mut self, kind: RowKind, h: f32) -> &mut Row {
        self.rows.push(Row {
            kind,
            y: self.total_h,
            h,
            state_h: h,
            region_rows: 0,
            gc_row: false,
            shown: 0,
        });
        self.total_h += h;
        let n = self.rows.len() - 1;
        &mut self.rows[n]
    }

    /// Builds the rows for the current expansion and filter.
    pub fn build(data: &TraceData, exp: &Expansion, filter: &LaneFilter) -> RowList {
        let t = data.whole();
        let mut out = RowList {
            row_of_g: vec![u32::MAX; t.goroutines.len()],
            ..RowList::default()
        };
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
        out
    }

    fn goroutine_rows(&mut self, data: &TraceData, exp: &Expansion, filter: &LaneFilter) {
        let t = data.whole();
        let totals = if filter.needs_totals() {
            Some(data.state_totals())
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
                let tot = &tt[g as usize];
                if filter.state.is_some_and(|s| tot[s as usize] <= 0) {
                    return false;
                }
                if filter.min_blocked_ns > 0 && blocked_ns(tot) < filter.min_blocked_ns {
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
            let shown = if filtered {
                group.members.iter().filter(|&&g| keep(g)).count() as u32
            } else {
                group.members.len() as u32
            };
            if shown == 0 {
                continue;
            }
            self.push(RowKind::Group(gi as u32), height::GROUP).shown = shown;
            if !exp.groups.get(gi).copied().unwrap_or(false) {
                continue;
            }
            // Members come in index order, as GC work and regions are
            // sorted: walk them together (no search per lane: a group can
            // have millions).
            let first = group.members.first().copied().unwrap_or(0);
            let mut wi = t.gc_work.partition_point(|w| w.g < first);
            let mut ri = t.regions.partition_point(|r| r.g < first);
            let sorted = group.members.is_sorted();
            for &g in &group.members {
                if filtered && !keep(g) {
                    continue;
                }
                let (gc_row, depth) = if sorted {
                    while wi < t.gc_work.len() && t.gc_work[wi].g < g {
                        wi += 1;
                    }
                    let gc_row = wi < t.gc_work.len() && t.gc_work[wi].g == g;
                    while ri < t.regions.len() && t.regions[ri].g < g {
                        ri += 1;
                    }
                    let mut depth = 0;
                    while ri < t.regions.len() && t.regions[ri].g == g {
                        depth = depth.max(t.regions[ri].depth + 1);
                        ri += 1;
                    }
                    (gc_row, depth)
                } else {
                    let depth = t.regions_of(g).iter().map(|r| r.depth + 1).max();
                    (!t.gc_work_of(g).is_empty(), depth.unwrap_or(0))
                };
                let h = height::GOROUTINE
                    + if gc_row { height::GC_ROW } else { 0.0 }
                    + f32::from(depth) * height::REGION
                    + height::GAP;
                if let Some(x) = self.row_of_g.get_mut(g as usize) {
                    *x = self.rows.len() as u32;
                }
                let r = self.push(RowKind::Goroutine(g), h);
                r.state_h = height::GOROUTINE;
                r.gc_row = gc_row;
                r.region_rows = depth;
            }
        }
    }

    /// Index range of the rows overlapping content y `[y0, y1)`.
    pub fn visible(&self, y0: f32, y1: f32) -> std::ops::Range<usize> {
        let a = self.rows.partition_point(|r| r.y + r.h <= y0);
        let b = self.rows.partition_point(|r| r.y < y1);
        a..b.max(a)
    }

    /// The row at content y.
    pub fn at(&self, y: f32) -> Option<usize> {
        let i = self.rows.partition_point(|r| r.y + r.h <= y);
        (i < self.rows.len() && self.rows[i].y <= y).then_some(i)
    }

    /// The row of goroutine `g`, if shown.
    pub fn find_goroutine(&self, g: GIdx) -> Option<usize> {
        self.row_of_g
            .get(g as usize)
            .copied()
            .filter(|&r| r != u32::MAX)
            .map(|r| r as usize)
    }

    /// The row of a kind, if shown (linear: used on navigation and in tests).
    pub fn find(&self, kind: RowKind) -> Option<usize> {
        self.rows.iter().position(|r| r.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(hs: &[f32]) -> RowList {
        let mut l = RowList::default();
        for (i, &h) in hs.iter().enumerate() {
            l.push(RowKind::Proc(i as u32), h);
        }
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
}
