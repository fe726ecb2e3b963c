//! Back and forward: every jump (a link, find, F, a view switch with a
//! selection, a bookmark) records where the user was — view, time range,
//! lane scroll, open groups, lane filter, selection — and Alt+Left /
//! Alt+Right or the mouse's back/forward buttons move through them.

use super::derived::TraceData;
use super::find::FindState;
use super::place::Place;
use super::tab::ViewTab;
use super::timeline::rows::{Expansion, LaneFilter};
use super::timeline::Timeline;
use egui::{Key, Modifiers, PointerButton};

/// Most places kept each way.
pub const MAX_PLACES: usize = 100;

/// A step of the history: the view, the [`Place`], and the lanes as
/// they were (this load's groups and filter: the history lasts a load).
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// The view.
    pub tab: ViewTab,
    /// Time shown, selection and range.
    pub place: Place,
    /// Lane scroll, in points.
    pub scroll_y: f64,
    /// Open sections and groups.
    pub expansion: Expansion,
    /// Lane filter.
    pub filter: LaneFilter,
    /// What the find bar says the lanes are restricted to.
    pub restricted_to: String,
}

impl Visit {
    /// What is shown now.
    pub fn capture(tab: ViewTab, data: &TraceData, tl: &Timeline, find: &FindState) -> Visit {
        Visit {
            tab,
            place: Place::of(data, tl),
            scroll_y: tl.scroll_y(),
            expansion: tl.expansion().clone(),
            filter: tl.filter().clone(),
            restricted_to: find.restricted_to.clone(),
        }
    }

    /// Shows it again; returns its view.
    pub fn restore(&self, data: &TraceData, tl: &mut Timeline, find: &mut FindState) -> ViewTab {
        tl.restore_lanes(data, &self.expansion, &self.filter, self.scroll_y);
        find.restricted_to = self.restricted_to.clone();
        self.place.select(data, tl);
        self.place.show_view(tl);
        self.tab
    }
}

/// The places behind and ahead of the current one.
#[derive(Debug, Default)]
pub struct History {
    back: Vec<Visit>,
    forward: Vec<Visit>,
}

/// A move through the history asked for by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Alt+Left, mouse back button.
    Back,
    /// Alt+Right, mouse forward button.
    Forward,
}

impl History {
    /// Records `here` before a jump (the forward list is dropped).
    pub fn record(&mut self, here: Visit) {
        if self.back.last() != Some(&here) {
            self.back.push(here);
            if self.back.len() > MAX_PLACES {
                self.back.remove(0);
            }
        }
        self.forward.clear();
    }

    /// Goes one step: returns the place to show, keeping `here` to come back to.
    pub fn step(&mut self, step: Step, here: Visit) -> Option<Visit> {
        let (from, to) = match step {
            Step::Back => (&mut self.back, &mut self.forward),
            Step::Forward => (&mut self.forward, &mut self.back),
        };
        let p = from.pop()?;
        to.push(here);
        Some(p)
    }

    /// Places behind the current one.
    pub fn back_len(&self) -> usize {
        self.back.len()
    }

    /// Places ahead of the current one.
    pub fn forward_len(&self) -> usize {
        self.forward.len()
    }
}

/// The step asked for this frame by the keyboard or the mouse's side buttons.
pub fn step_input(ctx: &egui::Context) -> Option<Step> {
    ctx.input_mut(|i| {
        let back = i.consume_key(Modifiers::ALT, Key::ArrowLeft)
            || i.pointer.button_pressed(PointerButton::Extra1);
        let forward = i.consume_key(Modifiers::ALT, Key::ArrowRight)
            || i.pointer.button_pressed(PointerButton::Extra2);
        if back {
            Some(Step::Back)
        } else if forward {
            Some(Step::Forward)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(start_ns: crate::trace::Time) -> Visit {
        Visit {
            tab: ViewTab::Timeline,
            place: Place {
                view_ns: (start_ns, start_ns + 1000),
                selected: None,
                range: None,
            },
            scroll_y: 0.0,
            expansion: Expansion {
                sections: [true; 4],
                groups: Vec::new(),
            },
            filter: LaneFilter::default(),
            restricted_to: String::new(),
        }
    }

    #[test]
    fn back_then_forward_returns_to_each_place() {
        let mut h = History::default();
        h.record(place(1));
        h.record(place(2));
        assert_eq!(
            h.step(Step::Back, place(3)).map(|p| p.place.view_ns.0),
            Some(2)
        );
        assert_eq!(
            h.step(Step::Back, place(2)).map(|p| p.place.view_ns.0),
            Some(1)
        );
        assert_eq!(h.step(Step::Back, place(1)), None);
        assert_eq!(
            h.step(Step::Forward, place(1)).map(|p| p.place.view_ns.0),
            Some(2)
        );
        assert_eq!(
            h.step(Step::Forward, place(2)).map(|p| p.place.view_ns.0),
            Some(3)
        );
        assert_eq!(h.forward_len(), 0);
        // A new jump drops what was ahead.
        h.step(Step::Back, place(3));
        h.record(place(2));
        assert_eq!(h.forward_len(), 0);
    }
}
