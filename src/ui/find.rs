//! Find (Ctrl+F): jump to a goroutine by id, show only the lanes whose
//! start function contains a substring, and filter goroutine lanes by a
//! state they spent time in or by a minimum time blocked.

use super::derived::TraceData;
use super::nav::Nav;
use super::timeline::rows::LaneFilter;
use super::timeline::Timeline;
use crate::format;
use crate::model::GoLaneState;
use crate::trace::GoId;
use egui::Ui;

/// State of the find bar.
#[derive(Debug, Clone, Default)]
pub struct FindState {
    /// Bar shown.
    pub open: bool,
    /// Text typed: "G123", "123" or a function substring.
    pub query: String,
    /// State filter being edited.
    pub state: Option<GoLaneState>,
    /// Minimum blocked time, in milliseconds.
    pub min_blocked_ms: f64,
    /// Last outcome shown to the user.
    pub message: String,
    /// Focus the text field on the next frame.
    pub focus: bool,
    /// What a view link restricted the lanes to ("group main.worker").
    pub restricted_to: String,
    /// A state filter is set but the big trace's state times are not
    /// computed yet (the lanes show unfiltered meanwhile).
    pub waiting_for_times: bool,
}

/// A goroutine id typed as "G123", "g123" or "123".
pub fn parse_goroutine_id(q: &str) -> Option<i64> {
    let q = q.trim();
    let digits = q
        .strip_prefix('G')
        .or_else(|| q.strip_prefix('g'))
        .unwrap_or(q);
    digits.parse::<i64>().ok()
}

impl FindState {
    /// Applies the query: jumps to a goroutine or filters lanes by name.
    pub fn apply(&mut self, data: &TraceData, tl: &mut Timeline) -> Option<Nav> {
        let tr = data.whole();
        if let Some(id) = parse_goroutine_id(&self.query) {
            return match tr.goroutines.find(GoId(id)) {
                Some(g) => {
                    let lane = tr.lane(g);
                    let t = if lane.len > 0 {
                        tr.spans.start(lane.first as usize)
                    } else {
                        tr.goroutines.created(g)
                    };
                    self.message =
                        format!("{}: {}", format::goroutine(Some(id)), tr.goroutine_label(g));
                    Some(Nav::Goto { g, t })
                }
                None => {
                    self.message =
                        format!("no goroutine {} in this trace", format::goroutine(Some(id)));
                    None
                }
            };
        }
        self.set_filter(data, tl);
        None
    }

    fn set_filter(&mut self, data: &TraceData, tl: &mut Timeline) {
        let f = LaneFilter {
            name: self.query.trim().to_string(),
            state: self.state,
            min_blocked_ns: (self.min_blocked_ms * 1e6) as i64,
            group: tl.filter().group,
            only: tl.filter().only.clone(),
        };
        if f != *tl.filter() {
            // Open the matching groups so the filtered lanes show.
            let open_groups = !f.name.is_empty() || f.state.is_some() || f.min_blocked_ns > 0;
            tl.set_filter(f);
            if open_groups {
                tl.open_groups([]);
            }
            tl.refresh_rows(data);
        }
        let lanes = tl.goroutine_rows();
        let groups = tl.rows().group_headers();
        self.waiting_for_times = tl.filter().needs_totals() && data.state_times().is_none();
        self.message = if tl.filter().is_empty() {
            String::new()
        } else if !self.restricted_to.is_empty()
            && (tl.filter().group.is_some() || tl.filter().only.is_some())
        {
            format!(
                "showing only {}: {} lanes",
                self.restricted_to,
                format::count(lanes as u64)
            )
        } else {
            format!("{groups} groups match ({lanes} lanes open)")
        };
    }

    /// Applies a state filter that waited for a big trace's state times
    /// once they are in (every frame, the bar open or not).
    pub fn poll(&mut self, ctx: &egui::Context, data: &TraceData, tl: &mut Timeline) {
        if !self.waiting_for_times {
            return;
        }
        if data.state_times().is_some() {
            self.waiting_for_times = false;
            tl.invalidate_rows();
            tl.refresh_rows(data);
            self.set_filter(data, tl);
        } else if let Some(e) = data.state_times_error() {
            self.waiting_for_times = false;
            self.message = format!("state filters unavailable: {e}");
        } else {
            if let Some(m) = data.state_times_status() {
                self.message = format!("state filters wait: {m}");
            }
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
    }

    /// Clears every filter.
    pub fn clear(&mut self, data: &TraceData, tl: &mut Timeline) {
        self.query.clear();
        self.state = None;
        self.min_blocked_ms = 0.0;
        self.restricted_to.clear();
        tl.set_filter(LaneFilter {
            group: None,
            only: None,
            ..tl.filter().clone()
        });
        tl.set_task_arrows(Vec::new());
        // The filter changed above, which set_filter cannot see: rebuild.
        tl.refresh_rows(data);
        self.set_filter(data, tl);
    }

    /// Shows only one group's lanes or only some goroutines (links from the
    /// analysis views), opens their groups, and opens the bar so the filter
    /// shows and can be cleared. `label` names what is shown.
    pub fn restrict(
        &mut self,
        data: &TraceData,
        tl: &mut Timeline,
        group: Option<u32>,
        only: Option<std::sync::Arc<[crate::model::GIdx]>>,
        label: String,
    ) {
        self.query.clear();
        self.state = None;
        self.min_blocked_ms = 0.0;
        self.open = true;
        self.restricted_to = label;
        let tr = data.whole();
        let mut open_groups: Vec<u32> = group.into_iter().collect();
        if let Some(o) = &only {
            open_groups.extend(o.iter().filter_map(|&g| tr.goroutines.group(g)));
            open_groups.sort_unstable();
            open_groups.dedup();
        }
        tl.open_groups(open_groups);
        tl.set_filter(LaneFilter {
            group,
            only,
            ..tl.filter().clone()
        });
        tl.set_scroll_y(0.0);
        tl.refresh_rows(data);
        self.set_filter(data, tl);
    }
}

/// The find bar; returns a navigation when the query names a goroutine.
pub fn find_ui(
    ui: &mut Ui,
    data: &TraceData,
    tl: &mut Timeline,
    st: &mut FindState,
) -> Option<Nav> {
    let mut nav = None;
    ui.horizontal(|ui| {
        ui.label("Find");
        let te = egui::TextEdit::singleline(&mut st.query)
            .hint_text("G123, or part of a function name")
            .desired_width(260.0);
        let r = ui.add(te);
        if st.focus {
            r.request_focus();
            st.focus = false;
        }
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if enter || ui.button("Go").clicked() {
            nav = st.apply(data, tl);
        }
        ui.separator();
        let before = (st.state, st.min_blocked_ms);
        egui::ComboBox::from_id_salt("find-state")
            .selected_text(st.state.map_or("any state", GoLaneState::name))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut st.state, None, "any state");
                for s in GoLaneState::ALL {
                    ui.selectable_value(&mut st.state, Some(s), s.name());
                }
            })
            .response
            .on_hover_text("Show only goroutines that spent time in this state");
        ui.label("blocked ≥");
        ui.add(
            egui::DragValue::new(&mut st.min_blocked_ms)
                .range(0.0..=1e7)
                .speed(1.0)
                .suffix(" ms"),
        );
        if before != (st.state, st.min_blocked_ms) {
            st.set_filter(data, tl);
        }
        if ui.button("Clear").clicked() {
            st.clear(data, tl);
        }
        if !st.message.is_empty() {
            ui.weak(&st.message);
        }
    });
    nav
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_goroutine_ids() {
        assert_eq!(parse_goroutine_id("G123"), Some(123));
        assert_eq!(parse_goroutine_id(" 42 "), Some(42));
        assert_eq!(parse_goroutine_id("main.worker"), None);
    }
}
