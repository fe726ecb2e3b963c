//! The goroutine analysis tab: goroutine groups by start function with
//! count, the non-overlapping time breakdown as a stacked bar in the state
//! colours, every column (block time per reason, unknown, special ranges)
//! sortable; a group expands into p50/p90/p99/max rows and its goroutines.
//! Clicking a goroutine selects it on the timeline; clicking a group's
//! name shows only its lanes. Scoped to the selected time range on demand.

use super::compute::{is_big, ready_or_ui, Cached};
use super::table::{right_ui, sort_header_ui, stacked_bar_ui, SortBy};
use crate::analysis::goroutines::{group_table, Column, GroupTable, TOP_MEMBERS};
use crate::analysis::summary::Summary;
use crate::format;
use crate::model::{GIdx, GoLaneState};
use crate::trace::{GoId, Time};
use crate::ui::chip::chip_ui;
use crate::ui::derived::TraceData;
use crate::ui::nav::Nav;
use crate::ui::palette;
use crate::ui::rereading::ReadingSlot;
use egui::{Color32, RichText, Ui};
use egui_extras::{Column as TCol, TableBuilder, TableRow};
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// Table columns before the analysis columns: name, count, breakdown bar.
const FIXED_COLUMNS: usize = 3;
/// Labels of the quantile rows.
const QUANTILES: [&str; 4] = ["p50", "p90", "p99", "max"];

/// A goroutine table with the links into the trace it needs.
pub struct TableData {
    /// Groups and columns.
    pub table: GroupTable,
    /// Index into `Trace::groups` of each table group.
    pub trace_group: Vec<Option<u32>>,
}

impl TableData {
    fn new(data: &TraceData, ranged: Option<Summary>) -> TableData {
        let table = match &ranged {
            Some(s) => group_table(s),
            None => data.loaded.group_table().clone(),
        };
        let tr = data.whole();
        let by_name: rustc_hash::FxHashMap<&str, u32> = tr
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (tr.str(g.name), i as u32))
            .collect();
        let trace_group = table
            .groups
            .iter()
            .map(|g| by_name.get(g.name.as_str()).copied())
            .collect();
        TableData { table, trace_group }
    }
}

/// One displayed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disp {
    Group(u32),
    Quantile(u32, u8),
    Goroutine(u32, u32),
    /// The goroutines of a big group that are not listed.
    More(u32),
}

/// State of the goroutine analysis tab.
pub struct GoroutinesView {
    /// Scope the table to the timeline's selected range.
    pub in_range: bool,
    /// Sort column (0 name, 1 count, 3+ analysis columns) and direction.
    pub sort: SortBy,
    /// Expanded groups, by start function.
    pub expanded: FxHashSet<String>,
    whole: Cached<(), TableData>,
    ranged: Cached<(Time, Time), Result<Arc<TableData>, String>>,
    reading: ReadingSlot,
    rows: Vec<Disp>,
    rows_key: Option<(usize, SortBy, u64)>,
    expanded_gen: u64,
}

impl Default for GoroutinesView {
    fn default() -> Self {
        GoroutinesView {
            in_range: false,
            sort: SortBy::desc(FIXED_COLUMNS + 1),
            expanded: FxHashSet::default(),
            whole: Cached::default(),
            ranged: Cached::default(),
            reading: ReadingSlot::default(),
            rows: Vec::new(),
            rows_key: None,
            expanded_gen: 0,
        }
    }
}

/// The colour of a breakdown column.
pub fn column_colour(c: Column, block_i: usize) -> Option<Color32> {
    match c {
        Column::Exec => Some(palette::state(GoLaneState::Running)),
        Column::SchedWait => Some(palette::state(GoLaneState::Runnable)),
        Column::Syscall => Some(palette::state(GoLaneState::Syscall)),
        Column::SyscallBlock => Some(palette::state(GoLaneState::SyscallBlocked)),
        Column::Block(_) => Some(palette::block_reason(block_i)),
        Column::Unknown => Some(palette::UNKNOWN),
        Column::Total | Column::Range(_) => None,
    }
}

/// A column's header: the analysis title, with a name for the empty reason.
pub fn column_title(c: Column, t: &GroupTable) -> String {
    match c {
        Column::Block(k) if t.name(k).is_empty() => "Block (no reason)".into(),
        _ => t.title(c),
    }
}

/// The colour of each column of a table (None: not part of the breakdown).
fn colours(t: &GroupTable) -> Vec<Option<Color32>> {
    let mut bi = 0;
    t.columns
        .iter()
        .map(|&c| {
            let col = column_colour(c, bi);
            if matches!(c, Column::Block(_)) {
                bi += 1;
            }
            col
        })
        .collect()
}

impl GoroutinesView {
    /// Expands or collapses a group.
    pub fn toggle(&mut self, name: &str) {
        if !self.expanded.remove(name) {
            self.expanded.insert(name.to_string());
        }
        self.expanded_gen += 1;
    }

    fn table_or_spinner_ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
    ) -> Option<Arc<TableData>> {
        let ctx = ui.ctx().clone();
        let inline = !is_big(data);
        let d = Arc::clone(data);
        let Some((a, b)) = range.filter(|_| self.in_range) else {
            let status = self
                .whole
                .get(&(), inline, &ctx, move || TableData::new(&d, None));
            return ready_or_ui(ui, status, "the goroutine analysis");
        };
        // N.B. a big trace reads its generations up to the range's end again.
        let reading = if self.ranged.has(&(a, b)) {
            self.reading.current()
        } else {
            self.reading.renew()
        };
        let status = self.ranged.get(&(a, b), inline, &ctx, move || {
            d.loaded
                .summary_in_range(a, b, &reading.cancel, &|k, n| reading.set(k, n))
                .map(|s| Arc::new(TableData::new(&d, Some(s))))
        });
        let what = self.reading.text("the goroutine analysis of the range");
        match ready_or_ui(ui, status, &what)?.as_ref() {
            Ok(td) => Some(Arc::clone(td)),
            Err(e) => {
                ui.colored_label(palette::ERROR, format!("{what}: {e}"));
                None
            }
        }
    }

    fn rebuild_rows(&mut self, td: &Arc<TableData>) {
        let key = (Arc::as_ptr(td) as usize, self.sort, self.expanded_gen);
        if self.rows_key == Some(key) {
            return;
        }
        self.rows_key = Some(key);
        let t = &td.table;
        let sort = self.sort;
        let mut order: Vec<u32> = (0..t.groups.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (ga, gb) = (&t.groups[a as usize], &t.groups[b as usize]);
            match sort.column {
                0 => sort.order(&gb.name, &ga.name),
                1 => sort.order(&ga.count, &gb.count),
                c => {
                    let c = c.saturating_sub(FIXED_COLUMNS);
                    sort.order(&ga.totals.get(c), &gb.totals.get(c))
                }
            }
            .then(ga.name.cmp(&gb.name))
        });
        self.rows.clear();
        for gi in order {
            self.rows.push(Disp::Group(gi));
            let g = &t.groups[gi as usize];
            if !self.expanded.contains(&g.name) {
                continue;
            }
            for q in 0..QUANTILES.len() as u8 {
                self.rows.push(Disp::Quantile(gi, q));
            }
            let col = sort.column.checked_sub(FIXED_COLUMNS);
            let mut members: Vec<u32> = (0..g.members.len() as u32).collect();
            members.sort_by(|&a, &b| {
                let (ma, mb) = (&g.members[a as usize], &g.members[b as usize]);
                match col {
                    Some(c) => sort.order(&ma.values.get(c), &mb.values.get(c)),
                    None => ma.id.cmp(&mb.id),
                }
                .then(ma.id.cmp(&mb.id))
            });
            if !g.complete {
                // Only the slowest by each column are known: list those of
                // the sort column (by ID: the first listed).
                members.truncate(TOP_MEMBERS);
            }
            self.rows
                .extend(members.into_iter().map(|m| Disp::Goroutine(gi, m)));
            if !g.complete {
                self.rows.push(Disp::More(gi));
            }
        }
    }

    /// The tab; returns a link when a goroutine or group was clicked.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
    ) -> Option<Nav> {
        self.scope_ui(ui, data, range);
        let td = self.table_or_spinner_ui(ui, data, range)?;
        self.rebuild_rows(&td);
        let colours = colours(&td.table);
        legend_ui(ui, &td.table, &colours);
        ui.separator();
        let cx = Rows {
            data,
            td: &td,
            colours: &colours,
            range: range.filter(|_| self.in_range),
        };
        let (mut link, mut toggle) = (None, None);
        let mut sort = self.sort;
        egui::ScrollArea::horizontal()
            .id_salt("goroutines-h")
            .show(ui, |ui| {
                table_builder(ui, td.table.columns.len())
                    .header(22.0, |mut h| {
                        header_cells(&mut h, &td.table, &colours, &mut sort)
                    })
                    .body(|body| {
                        body.rows(20.0, self.rows.len(), |mut row| {
                            let Some(&d) = self.rows.get(row.index()) else {
                                return;
                            };
                            match d {
                                Disp::Group(gi) => {
                                    let open =
                                        self.expanded.contains(&td.table.groups[gi as usize].name);
                                    let (l, t) = cx.group_row(&mut row, gi, open);
                                    link = l.or(link.take());
                                    toggle = t.or(toggle.take());
                                }
                                Disp::Quantile(gi, q) => cx.quantile_row(&mut row, gi, q),
                                Disp::Goroutine(gi, m) => {
                                    if let Some(l) = cx.member_row(&mut row, gi, m) {
                                        link = Some(l);
                                    }
                                }
                                Disp::More(gi) => cx.more_row(&mut row, gi),
                            }
                        });
                    });
            });
        self.sort = sort;
        if let Some(n) = toggle {
            self.toggle(&n);
        }
        link
    }

    /// Whole trace or the selected time range.
    fn scope_ui(&mut self, ui: &mut Ui, data: &TraceData, range: Option<(Time, Time)>) {
        let origin = data.whole().meta.start;
        ui.horizontal(|ui| {
            ui.label("Scope:");
            ui.radio_value(&mut self.in_range, false, "whole trace");
            ui.add_enabled_ui(range.is_some(), |ui| {
                ui.radio_value(&mut self.in_range, true, "selected time range")
                    .on_disabled_hover_text("Select a range on the timeline first (Shift+drag)");
            });
            ui.weak(super::range_text(range, origin));
        });
    }
}

/// How many groups and goroutines, what clicking does, and the colours
/// of the breakdown's columns.
fn legend_ui(ui: &mut Ui, t: &GroupTable, colours: &[Option<Color32>]) {
    ui.horizontal_wrapped(|ui| {
        ui.weak(format!(
            "{} groups, {} goroutines. Click a group to show only its lanes on the timeline, + to list its goroutines, a goroutine to select it.",
            format::count(t.groups.len() as u64),
            format::count(t.goroutines)
        ));
        if t.approximate {
            ui.weak("Percentiles (≈) are within 0.8%; a big group lists its slowest goroutines by each column.");
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (c, col) in t.columns.iter().zip(colours) {
            if let Some(col) = col {
                chip_ui(ui, *col);
                ui.label(RichText::new(column_title(*c, t)).size(12.0));
            }
        }
    });
}

/// The table: start function, count, breakdown bar, then `ncols`
/// analysis columns.
fn table_builder(ui: &mut Ui, ncols: usize) -> TableBuilder<'_> {
    TableBuilder::new(ui)
        .id_salt("goroutine-table")
        .striped(true)
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(TCol::initial(300.0).at_least(120.0).clip(true))
        .column(TCol::initial(64.0).at_least(40.0))
        .column(TCol::initial(180.0).at_least(60.0))
        .columns(TCol::initial(96.0).at_least(50.0).clip(true), ncols)
}

/// The header row; clicking a sortable title sorts by it.
fn header_cells(
    h: &mut TableRow<'_, '_>,
    t: &GroupTable,
    colours: &[Option<Color32>],
    sort: &mut SortBy,
) {
    h.col(|ui| {
        sort_header_ui(ui, "Start function", 0, sort);
    });
    h.col(|ui| {
        sort_header_ui(ui, "Count", 1, sort);
    });
    h.col(|ui| {
        ui.strong("Breakdown").on_hover_text(
            "Execution, sched wait, syscall, syscall blocked, block per reason and unknown, as parts of the total",
        );
    });
    for (i, c) in t.columns.iter().enumerate() {
        h.col(|ui| {
            if let Some(col) = colours[i] {
                chip_ui(ui, col);
            }
            sort_header_ui(ui, &column_title(*c, t), FIXED_COLUMNS + i, sort);
        });
    }
}

/// What the table's rows show.
struct Rows<'a> {
    data: &'a TraceData,
    td: &'a TableData,
    colours: &'a [Option<Color32>],
    /// The range the table is scoped to, if any.
    range: Option<(Time, Time)>,
}

impl Rows<'_> {
    /// A group: +/- to list its goroutines, its name (a link to its lanes),
    /// count, breakdown and totals. Returns the link and the group to
    /// open or close, if clicked.
    fn group_row(
        &self,
        row: &mut TableRow<'_, '_>,
        gi: u32,
        open: bool,
    ) -> (Option<Nav>, Option<String>) {
        let g = &self.td.table.groups[gi as usize];
        let (mut link, mut toggle) = (None, None);
        row.col(|ui| {
            let arrow = if open { "-" } else { "+" };
            if ui
                .small_button(arrow)
                .on_hover_text("List the goroutines of this group")
                .clicked()
            {
                toggle = Some(g.name.clone());
            }
            let name = if g.name.is_empty() {
                "(no start function)"
            } else {
                g.name.as_str()
            };
            let r = ui.link(RichText::new(name).monospace());
            if r.on_hover_text("Show only this group's lanes on the timeline")
                .clicked()
            {
                if let Some(tg) = self.td.trace_group[gi as usize] {
                    link = Some(Nav::Group(tg));
                }
            }
        });
        row.col(|ui| right_ui(ui, format::count(g.count)));
        row.col(|ui| {
            bar_ui(ui, &self.td.table, self.colours, &g.totals);
        });
        for v in &g.totals {
            row.col(|ui| right_ui(ui, format::duration(*v)));
        }
        (link, toggle)
    }

    /// A percentile of an open group.
    fn quantile_row(&self, row: &mut TableRow<'_, '_>, gi: u32, q: u8) {
        let t = &self.td.table;
        let g = &t.groups[gi as usize];
        row.col(|ui| {
            ui.add_space(28.0);
            ui.label(
                RichText::new(QUANTILES[q as usize])
                    .italics()
                    .color(palette::TEXT_DIM),
            );
        });
        row.col(|_| {});
        row.col(|_| {});
        // The maximum is exact; sketched percentiles are not.
        let approx = t.approximate && (q as usize) < QUANTILES.len() - 1;
        for qs in &g.quantiles {
            let v = qs[q as usize];
            let text = if approx && v != 0 {
                format!("≈{}", format::duration(v))
            } else {
                format::duration(v)
            };
            row.col(|ui| right_ui(ui, RichText::new(text).color(palette::TEXT_DIM)));
        }
    }

    /// A goroutine of an open group (a link that selects it).
    fn member_row(&self, row: &mut TableRow<'_, '_>, gi: u32, m: u32) -> Option<Nav> {
        let t = &self.td.table;
        let gs = t.groups[gi as usize].members.get(m as usize)?;
        let mut link = None;
        row.col(|ui| {
            ui.add_space(28.0);
            if ui
                .link(format::goroutine(Some(gs.id)))
                .on_hover_text("Select it on the timeline")
                .clicked()
            {
                link = goroutine_link(self.data, gs.id, gs.at, self.range);
            }
        });
        row.col(|_| {});
        row.col(|ui| {
            bar_ui(ui, t, self.colours, &gs.values);
        });
        for &v in &gs.values {
            row.col(|ui| right_ui(ui, format::duration(v)));
        }
        link
    }

    /// The goroutines of a big group that are not listed.
    fn more_row(&self, row: &mut TableRow<'_, '_>, gi: u32) {
        let g = &self.td.table.groups[gi as usize];
        row.col(|ui| {
            ui.add_space(28.0);
            ui.weak(format!(
                "… {} more (the {TOP_MEMBERS} slowest by each column are kept)",
                format::count(g.count.saturating_sub(TOP_MEMBERS as u64))
            ));
        });
    }
}

/// The link that selects goroutine `id` on the timeline near time `t`.
fn goroutine_link(data: &TraceData, id: i64, t: Time, range: Option<(Time, Time)>) -> Option<Nav> {
    let tr = data.whole();
    let g: GIdx = tr.goroutines.find(GoId(id))?;
    let lane = tr.lanes.get(g)?;
    let first = if lane.len > 0 {
        tr.spans.start(lane.first as usize)
    } else {
        tr.goroutines.created(g)
    };
    let mut at = if t > 0 { t.max(first) } else { first };
    if let Some((a, b)) = range {
        at = at.clamp(a, b);
    }
    Some(Nav::Goroutine { g, t: at })
}

fn bar_ui(ui: &mut Ui, t: &GroupTable, colours: &[Option<Color32>], vals: &[i64]) {
    let total = vals.first().copied().unwrap_or(0);
    let segs: Vec<(i64, Color32)> = vals
        .iter()
        .zip(colours)
        .filter_map(|(&v, c)| c.map(|c| (v, c)))
        .collect();
    let w = (ui.available_width() - 4.0).max(20.0);
    let r = stacked_bar_ui(ui, &segs, total, w);
    r.on_hover_ui(|ui| {
        for ((c, &v), col) in t.columns.iter().zip(vals).zip(colours) {
            if col.is_some() && v > 0 {
                ui.horizontal(|ui| {
                    if let Some(col) = col {
                        chip_ui(ui, *col);
                    }
                    let pc = if total > 0 {
                        v as f64 / total as f64 * 100.0
                    } else {
                        0.0
                    };
                    ui.label(format!(
                        "{}: {} ({pc:.1}%)",
                        column_title(*c, t),
                        format::duration(v)
                    ));
                });
            }
        }
    });
}
