//! Every colour of the viewer, in one place: one colour per goroutine state
//! (timeline, tables, legend and range statistics use the same), plus the
//! colours of GC, STW, flows, counters and highlights.

use crate::model::{FlowKind, GoLaneState};
use egui::Color32;

/// The colour of a goroutine state, everywhere.
pub fn state(s: GoLaneState) -> Color32 {
    match s {
        GoLaneState::Running => Color32::from_rgb(86, 180, 92),
        GoLaneState::Runnable => Color32::from_rgb(222, 178, 60),
        GoLaneState::Waiting => Color32::from_rgb(98, 110, 134),
        GoLaneState::Syscall => Color32::from_rgb(72, 138, 224),
        GoLaneState::SyscallBlocked => Color32::from_rgb(156, 104, 214),
    }
}

/// A merged run of sub-pixel spans whose longest member had state `s`.
pub fn merged(s: GoLaneState) -> Color32 {
    darken(state(s), 0.72)
}

/// GC mark phase.
pub const GC: Color32 = Color32::from_rgb(232, 124, 44);
/// Stop-the-world pause.
pub const STW: Color32 = Color32::from_rgb(222, 64, 64);
/// Mark assist (goroutine GC row).
pub const MARK_ASSIST: Color32 = Color32::from_rgb(240, 150, 70);
/// Sweep (goroutine GC row).
pub const SWEEP: Color32 = Color32::from_rgb(62, 182, 170);
/// A GC background mark worker running on a proc.
pub const GC_WORKER: Color32 = Color32::from_rgb(214, 110, 36);
/// User regions (by nesting depth, cycled).
pub const REGIONS: [Color32; 3] = [
    Color32::from_rgb(150, 110, 196),
    Color32::from_rgb(120, 96, 170),
    Color32::from_rgb(176, 132, 214),
];
/// CPU sample ticks.
pub const CPU_SAMPLE: Color32 = Color32::from_rgb(235, 235, 235);
/// Log message ticks.
pub const LOG: Color32 = Color32::from_rgb(255, 214, 110);

/// Outline of the selected span.
pub const SELECTED: Color32 = Color32::WHITE;
/// Outline of spans overlapping the selection.
pub const OVERLAP: Color32 = Color32::from_rgb(80, 230, 240);
/// Shaded time-range selection.
pub const RANGE_FILL: Color32 = Color32::from_rgba_premultiplied(40, 70, 110, 70);
/// Edges of the time-range selection.
pub const RANGE_EDGE: Color32 = Color32::from_rgb(110, 170, 255);
/// The time origin marker.
pub const ORIGIN: Color32 = Color32::from_rgb(255, 90, 200);
/// Bookmark flags on the time axis.
pub const BOOKMARK: Color32 = Color32::from_rgb(120, 220, 120);
/// The highlighted line of a source excerpt.
pub const SOURCE_LINE_BG: Color32 = Color32::from_rgb(70, 64, 30);
/// Go keywords in source excerpts.
pub const SOURCE_KEYWORD: Color32 = Color32::from_rgb(200, 140, 230);
/// String and rune literals in source excerpts.
pub const SOURCE_STRING: Color32 = Color32::from_rgb(150, 200, 120);
/// Comments in source excerpts.
pub const SOURCE_COMMENT: Color32 = Color32::from_rgb(120, 128, 140);

/// Flow arrows by kind.
pub fn flow(k: FlowKind) -> Color32 {
    match k {
        FlowKind::Create => Color32::from_rgb(130, 200, 255),
        FlowKind::Unblock => Color32::from_rgb(255, 214, 90),
        FlowKind::SyscallExit => Color32::from_rgb(196, 150, 255),
    }
}

/// Heap in use (area).
pub const HEAP: Color32 = Color32::from_rgb(84, 140, 220);
/// Heap goal (line).
pub const HEAP_GOAL: Color32 = Color32::from_rgb(232, 124, 44);
/// Threads (area).
pub const THREADS: Color32 = Color32::from_rgb(140, 150, 196);
/// GOMAXPROCS (line).
pub const GOMAXPROCS: Color32 = Color32::from_rgb(210, 210, 210);

/// Lane background stripes (alternating).
pub const LANE_BG: [Color32; 2] = [Color32::from_rgb(30, 32, 36), Color32::from_rgb(36, 38, 43)];
/// Group / section header background.
pub const HEADER_BG: Color32 = Color32::from_rgb(48, 52, 60);
/// Label column background.
pub const LABEL_BG: Color32 = Color32::from_rgb(26, 28, 32);
/// Axis background.
pub const AXIS_BG: Color32 = Color32::from_rgb(22, 24, 28);
/// Grid lines.
pub const GRID: Color32 = Color32::from_rgba_premultiplied(70, 74, 82, 90);
/// Main text.
pub const TEXT: Color32 = Color32::from_rgb(220, 222, 226);
/// Secondary text.
pub const TEXT_DIM: Color32 = Color32::from_rgb(150, 154, 162);
/// Text drawn on top of a coloured span.
pub const TEXT_ON_SPAN: Color32 = Color32::from_rgb(16, 16, 16);
/// Error banner.
pub const ERROR: Color32 = Color32::from_rgb(240, 96, 96);
/// Warning banner (truncated trace).
pub const WARNING: Color32 = Color32::from_rgb(240, 190, 80);

/// A slightly lighter or darker variant, to tell neighbouring goroutines apart on a proc.
pub fn alternate(c: Color32, odd: bool) -> Color32 {
    if odd {
        darken(c, 0.8)
    } else {
        c
    }
}

/// The same hue, darker by `f` (0..1), still opaque.
pub fn darken(c: Color32, f: f32) -> Color32 {
    let m = |v: u8| (f32::from(v) * f).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(m(c.r()), m(c.g()), m(c.b()))
}

/// Empty part of a bar (tables, histograms).
pub const BAR_BG: Color32 = Color32::from_rgb(44, 47, 54);
/// Time not accounted for (goroutine analysis "unknown").
pub const UNKNOWN: Color32 = Color32::from_rgb(120, 120, 120);
/// A histogram bar.
pub const HISTOGRAM: Color32 = Color32::from_rgb(150, 110, 196);
/// A selected histogram bucket or table row accent.
pub const ACCENT: Color32 = Color32::from_rgb(110, 170, 255);
/// The MMU curve.
pub const MMU: Color32 = Color32::from_rgb(110, 170, 255);
/// The MMU percentile curves (95, 99, 99.9).
pub const MMU_PERCENTILES: [Color32; 3] = [
    Color32::from_rgb(86, 180, 92),
    Color32::from_rgb(222, 178, 60),
    Color32::from_rgb(232, 124, 44),
];
/// What grew from the baseline to the trace compared (a longer time, a
/// wider frame of a differential flame graph): red, as pprof draws it.
pub const DIFF_GROWTH: Color32 = Color32::from_rgb(228, 88, 80);
/// What shrank: blue.
pub const DIFF_SHRINK: Color32 = Color32::from_rgb(82, 142, 230);
/// A differential frame that did not change.
pub const DIFF_SAME: Color32 = Color32::from_rgb(128, 128, 136);
/// The baseline (A) in plots of two traces.
pub const COMPARE_A: Color32 = Color32::from_rgb(150, 154, 162);
/// The trace compared (B) in plots of two traces.
pub const COMPARE_B: Color32 = Color32::from_rgb(255, 170, 70);

/// A differential frame's colour: red for growth, blue for shrink, the
/// stronger the larger `change` (B minus A over the larger of the two,
/// -1..=1).
pub fn diff(change: f64) -> Color32 {
    let t = change.abs().clamp(0.0, 1.0) as f32;
    let to = if change > 0.0 {
        DIFF_GROWTH
    } else {
        DIFF_SHRINK
    };
    let mix = |a: u8, b: u8| {
        (f32::from(a) + (f32::from(b) - f32::from(a)) * (0.25 + 0.75 * t)).round() as u8
    };
    if change == 0.0 {
        return DIFF_SAME;
    }
    Color32::from_rgb(
        mix(DIFF_SAME.r(), to.r()),
        mix(DIFF_SAME.g(), to.g()),
        mix(DIFF_SAME.b(), to.b()),
    )
}

/// The MMU window picked on the chart.
pub const MMU_WINDOW: Color32 = Color32::from_rgb(255, 90, 200);

/// A block reason's shade of the waiting colour (neighbours differ).
pub fn block_reason(i: usize) -> Color32 {
    const SHADES: [f32; 4] = [1.0, 0.78, 1.18, 0.9];
    let c = state(GoLaneState::Waiting);
    let f = SHADES[i % SHADES.len()];
    let m = |v: u8| (f32::from(v) * f).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(m(c.r()), m(c.g()), m(c.b()))
}

/// A flame graph frame: the view's base colour, lighter or darker by a
/// hash of the function name so that neighbours differ.
pub fn flame_frame(base: Color32, name_hash: u64) -> Color32 {
    let f = 0.72 + (name_hash % 7) as f32 * 0.06;
    let m = |v: u8| (f32::from(v) * f).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(m(base.r()), m(base.g()), m(base.b()))
}

/// Text drawn on a filled box of colour `c`: dark on light boxes, light on dark ones.
pub fn text_on(c: Color32) -> Color32 {
    let l = 0.299 * f32::from(c.r()) + 0.587 * f32::from(c.g()) + 0.114 * f32::from(c.b());
    if l > 120.0 {
        TEXT_ON_SPAN
    } else {
        TEXT
    }
}

/// Parent/child task arrows on the timeline.
pub const HATCH: Color32 = Color32::from_rgba_premultiplied(30, 32, 38, 60);
/// Task parent/child arrows.
pub const TASK_ARROW: Color32 = Color32::from_rgb(176, 132, 214);

/// Outline of the segments of a critical path on their lanes.
pub const PATH: Color32 = Color32::from_rgb(255, 120, 60);
/// Hops of a critical path (from the goroutine waited for to the waiter).
pub const PATH_HOP: Color32 = Color32::from_rgb(255, 160, 90);
/// Veil over goroutine lanes off the critical path.
pub const PATH_DIM: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 150);

/// The colour of a critical-path cause: its state's colour (a shade of the
/// waiting colour per block reason), GC and STW colours, grey when untraced.
pub fn path_cause(c: crate::analysis::critical_path::Cause) -> Color32 {
    use crate::analysis::critical_path::Cause;
    match c {
        Cause::Running => state(GoLaneState::Running),
        Cause::Runnable => state(GoLaneState::Runnable),
        Cause::Syscall => state(GoLaneState::Syscall),
        Cause::Blocked(r) => block_reason(r as usize),
        Cause::MarkAssist => MARK_ASSIST,
        Cause::Sweep => SWEEP,
        Cause::Stw(_) => STW,
        Cause::Untraced(_) => UNKNOWN,
    }
}
