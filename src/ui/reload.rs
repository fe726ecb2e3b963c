//! Reading a trace again (the file was rewritten, e.g. by a new
//! `go test -trace` run) without losing one's place: what the view was
//! showing, saved by names and IDs that mean the same in the new load —
//! the [`Place`] (time shown, selected goroutine and time, range), scroll,
//! label column, time origin, open sections and groups (by start
//! function), the view tab.

use super::derived::TraceData;
use super::place::Place;
use super::tab::ViewTab;
use super::timeline::Timeline;
use crate::trace::Time;

/// Where the user was in a trace, to show again in its next load.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewSnapshot {
    place: Place,
    scroll_y: f64,
    label_w: f32,
    origin_ns: Time,
    sections: [bool; 4],
    open_groups: Vec<String>,
    tab: ViewTab,
}

impl ViewSnapshot {
    /// What view `tab` of the timeline `tl` shows now.
    pub fn of(tab: ViewTab, data: &TraceData, tl: &Timeline) -> ViewSnapshot {
        let t = data.whole();
        let open_groups = t
            .groups
            .iter()
            .zip(&tl.expansion().groups)
            .filter(|(_, &open)| open)
            .map(|(g, _)| t.str(g.name).to_string())
            .collect();
        ViewSnapshot {
            place: Place::of(data, tl),
            scroll_y: tl.scroll_y(),
            label_w: tl.label_w(),
            origin_ns: tl.origin_ns(),
            sections: tl.expansion().sections,
            open_groups,
            tab,
        }
    }

    /// Shows on `tl` what it showed, as far as the new load has it
    /// (groups by start function, the selection if its goroutine is still
    /// there); returns its view tab.
    pub fn restore(&self, data: &TraceData, tl: &mut Timeline) -> ViewTab {
        let t = data.whole();
        let mut expansion = tl.expansion().clone();
        expansion.sections = self.sections;
        for (g, open) in t.groups.iter().zip(expansion.groups.iter_mut()) {
            *open = self.open_groups.iter().any(|n| n == t.str(g.name));
        }
        let filter = tl.filter().clone();
        tl.restore_lanes(data, &expansion, &filter, self.scroll_y);
        tl.set_label_w(self.label_w);
        tl.set_origin(self.origin_ns);
        self.place.show_view(tl);
        if let Some((g, at)) = self.place.selected_in(data) {
            tl.select_at(data, g, at);
        }
        self.tab
    }
}
