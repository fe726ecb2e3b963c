//! Reading a trace again (the file was rewritten, e.g. by a new
//! `go test -trace` run) without losing one's place: what the view was
//! showing, saved by names and IDs that mean the same in the new load —
//! time range, scroll, open sections and groups (by start function), the
//! selected goroutine and time, the range, the view tab.

use super::tab::ViewTab;
use super::timemap::TimeMap;
use super::view::TraceView;
use crate::trace::Time;

/// Where the user was in a trace.
#[derive(Debug, Clone)]
pub struct ViewSnapshot {
    map: TimeMap,
    scroll_y: f64,
    label_w: f32,
    origin_ns: Time,
    sections: [bool; 4],
    open_groups: Vec<String>,
    /// Goroutine ID and time of the selected span.
    selected: Option<(i64, Time)>,
    range: Option<(Time, Time)>,
    tab: ViewTab,
}

impl TraceView {
    /// What the view shows now.
    pub fn snapshot(&self) -> ViewSnapshot {
        let tl = &self.timeline;
        let t = self.data.whole();
        let open_groups = t
            .groups
            .iter()
            .zip(&tl.expansion.groups)
            .filter(|(_, &open)| open)
            .map(|(g, _)| t.str(g.name).to_string())
            .collect();
        let selected = tl.selected.map(|s| {
            let span = tl.span_of(&self.data, s);
            (t.goroutines.id(s.g as usize), span.start)
        });
        ViewSnapshot {
            map: tl.map,
            scroll_y: tl.scroll_y,
            label_w: tl.label_w,
            origin_ns: tl.origin_ns,
            sections: tl.expansion.sections,
            open_groups,
            selected,
            range: tl.range,
            tab: self.tab,
        }
    }

    /// Shows what `s` showed, as far as the new trace has it (groups by
    /// start function, the selection if its goroutine is still there).
    pub fn restore(&mut self, s: &ViewSnapshot) {
        let t = self.data.whole();
        let tl = &mut self.timeline;
        tl.map = s.map;
        tl.untouched = false;
        tl.scroll_y = s.scroll_y;
        tl.label_w = s.label_w;
        tl.origin_ns = s.origin_ns;
        tl.expansion.sections = s.sections;
        for (g, open) in t.groups.iter().zip(tl.expansion.groups.iter_mut()) {
            *open = s.open_groups.iter().any(|n| n == t.str(g.name));
        }
        tl.range = s.range;
        tl.invalidate_rows();
        tl.refresh_rows(&self.data);
        if let Some((id, at)) = s.selected {
            if let Some(g) = t.goroutines.find(id) {
                tl.select_at(&self.data, g, at);
            }
        }
        self.tab = s.tab;
    }
}
