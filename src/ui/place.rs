//! Where the user was in a trace, in terms that mean the same in another
//! load of it (a reload, another tile of a big trace, the next session):
//! the time shown, the selected span by its goroutine's Go ID and a time
//! inside it, and the time range. The history, a reload and the bookmarks
//! each keep a [`Place`] with what else they need.

use super::derived::TraceData;
use super::timeline::Timeline;
use crate::model::GIdx;
use crate::trace::{GoId, Time};
use serde::{Deserialize, Serialize};

/// A span named by its goroutine's Go ID and a time inside it (its
/// middle): an index into the model would name another span, or nothing,
/// in another load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(i64, Time)", into = "(i64, Time)")]
pub struct SpanAt {
    /// Go's ID of the goroutine.
    pub goroutine: i64,
    /// A time inside the span.
    pub time_ns: Time,
}

impl From<(i64, Time)> for SpanAt {
    fn from((goroutine, time_ns): (i64, Time)) -> SpanAt {
        SpanAt { goroutine, time_ns }
    }
}

impl From<SpanAt> for (i64, Time) {
    fn from(s: SpanAt) -> (i64, Time) {
        (s.goroutine, s.time_ns)
    }
}

/// Where the user was: what the tracks showed and what was selected.
/// (Serialized inside a bookmark: the field names are the file's.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The time at the left and right edges of the tracks.
    pub view_ns: (Time, Time),
    /// The selected span.
    #[serde(rename = "goroutine")]
    pub selected: Option<SpanAt>,
    /// The selected time range.
    #[serde(rename = "range_ns")]
    pub range: Option<(Time, Time)>,
}

impl Place {
    /// Where the timeline is now.
    pub fn of(data: &TraceData, tl: &Timeline) -> Place {
        let map = tl.map();
        let selected = tl.selected().map(|s| {
            let span = tl.span_of(data, s);
            SpanAt {
                goroutine: (data.whole().goroutines.id(s.g)).0,
                time_ns: span.start + (span.end - span.start) / 2,
            }
        });
        Place {
            view_ns: (map.start_ns, map.end_ns()),
            selected,
            range: tl.range(),
        }
    }

    /// The selected span's goroutine in this load, and the time inside
    /// the span; `None` if nothing was selected or the goroutine is not
    /// in this load.
    pub fn selected_in(&self, data: &TraceData) -> Option<(GIdx, Time)> {
        let s = self.selected?;
        let g = data.whole().goroutines.find(GoId(s.goroutine))?;
        Some((g, s.time_ns))
    }

    /// Shows the time it showed and its range (the selection is the
    /// caller's: selected in place, or scrolled to).
    pub fn show_view(&self, tl: &mut Timeline) {
        tl.show_interval(self.view_ns.0, self.view_ns.1);
        tl.set_range(self.range);
    }

    /// Selects its span again where it is, without scrolling (nothing
    /// selected: the selection is dropped).
    pub fn select(&self, data: &TraceData, tl: &mut Timeline) {
        match (self.selected, self.selected_in(data)) {
            (None, _) => tl.deselect(),
            (Some(_), Some((g, t))) => {
                if Place::of(data, tl).selected != self.selected {
                    tl.select_at(data, g, t);
                }
            }
            // Its goroutine is not in this load: nothing to select.
            (Some(_), None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_written_with_the_bookmark_files_field_names() {
        let p = Place {
            view_ns: (10, 20),
            selected: Some(SpanAt {
                goroutine: 7,
                time_ns: 15,
            }),
            range: None,
        };
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(
            json,
            r#"{"view_ns":[10,20],"goroutine":[7,15],"range_ns":null}"#
        );
        assert_eq!(serde_json::from_str::<Place>(&json).expect("read"), p);
    }
}
