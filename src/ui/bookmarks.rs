//! Bookmarks: `M` keeps the current selection (or view) with a note; a
//! list jumps back to each; flags on the time axis show where they are.
//! Kept per trace in `CONFIG/bookmarks/KEY.json`, where KEY is the
//! content hash of the trace file, so they survive a restart, a reload
//! and a copy of the file elsewhere.

use super::chip::chip_ui;
use super::derived::TraceData;
use super::palette;
use super::place::Place;
use super::timeline::paint::Areas;
use super::timeline::Timeline;
use crate::format;
use crate::trace::Time;
use egui::{Key, RichText, Ui};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A kept place in the trace (times on the trace's clock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// Where the flag stands: the range's start, else the selection's
    /// start, else the view's centre.
    pub time_ns: Time,
    /// Time shown, selection and range.
    #[serde(flatten)]
    pub place: Place,
    /// The user's note.
    pub note: String,
}

impl Bookmark {
    /// The bookmark of what the timeline shows and has selected now.
    pub fn of(data: &TraceData, tl: &Timeline) -> Bookmark {
        let place = Place::of(data, tl);
        let (v0, v1) = place.view_ns;
        let time_ns = match (tl.range(), tl.selected()) {
            (Some((a, _)), _) => a,
            (None, Some(s)) => tl.span_of(data, s).start,
            (None, None) => v0 + (v1 - v0) / 2,
        };
        Bookmark {
            time_ns,
            place,
            note: String::new(),
        }
    }

    /// Shows it again: its view, selection (its lane scrolled to) and range.
    pub fn show(&self, data: &TraceData, tl: &mut Timeline) {
        tl.clear();
        if let Some((g, t)) = self.place.selected_in(data) {
            tl.go_to(data, g, t);
        }
        self.place.show_view(tl);
    }

    /// One line for the list: time from the origin, what is selected.
    pub fn title(&self, origin_ns: Time) -> String {
        let at = format::duration(self.time_ns - origin_ns);
        match (self.place.selected, self.place.range) {
            (_, Some((a, b))) => format!("{at} · range {}", format::duration(b - a)),
            (Some(s), None) => format!("{at} · {}", format::goroutine(Some(s.goroutine))),
            (None, None) => format!("{at} · view"),
        }
    }
}

/// The bookmarks of one trace and the state of their windows.
#[derive(Debug, Default)]
pub struct Bookmarks {
    /// The bookmarks, in the order they were made.
    pub items: Vec<Bookmark>,
    /// The list window is shown.
    pub list_open: bool,
    /// The bookmark whose note is being written (just made with `M`).
    pub editing: Option<usize>,
    config: Option<PathBuf>,
    key: Option<Arc<OnceLock<String>>>,
    /// The file they are kept in, once the content key is known.
    pub path: Option<PathBuf>,
    focus_note: bool,
    /// A failure to read or write the file (shown in the list).
    pub error: Option<String>,
}

impl Bookmarks {
    /// Keeps them in `config` under the content key set in `key` (by the loader).
    pub fn attach(&mut self, config: Option<PathBuf>, key: Arc<OnceLock<String>>) {
        self.config = config;
        self.key = Some(key);
        self.poll_key();
    }

    /// Loads the kept bookmarks once the content key is known.
    pub fn poll_key(&mut self) {
        if self.path.is_some() {
            return;
        }
        let (Some(dir), Some(key)) = (&self.config, self.key.as_ref().and_then(|k| k.get())) else {
            return;
        };
        let path = dir.join("bookmarks").join(format!("{key}.json"));
        match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<Vec<Bookmark>>(&text) {
                Ok(kept) => {
                    // Made before the key was known: keep them too.
                    let new = std::mem::take(&mut self.items);
                    self.items = kept;
                    self.items.extend(new);
                }
                Err(e) => self.error = Some(format!("{}: {e}", path.display())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => self.error = Some(format!("{}: {e}", path.display())),
        }
        self.path = Some(path);
        if !self.items.is_empty() {
            self.save();
        }
    }

    /// Writes them (through a temporary file).
    pub fn save(&mut self) {
        let Some(path) = &self.path else { return };
        let res = (|| -> std::io::Result<()> {
            if let Some(d) = path.parent() {
                std::fs::create_dir_all(d)?;
            }
            let tmp = path.with_extension("json.tmp");
            let text = serde_json::to_string_pretty(&self.items).map_err(std::io::Error::other)?;
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, path)
        })();
        self.error = res
            .err()
            .map(|e| format!("cannot save bookmarks to {}: {e}", path.display()));
    }

    /// Adds a bookmark of the current place and opens its note.
    pub fn add(&mut self, data: &TraceData, tl: &Timeline) {
        self.items.push(Bookmark::of(data, tl));
        self.editing = Some(self.items.len() - 1);
        self.focus_note = true;
        self.save();
    }

    /// `M` (no modifier, no text field focused) adds one.
    pub fn key_ui(&mut self, ui: &Ui, data: &TraceData, tl: &Timeline) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        if ui.input(|i| i.key_pressed(Key::M) && i.modifiers.is_none()) {
            self.add(data, tl);
        }
    }

    /// The note editor of a new bookmark (Enter keeps it, Esc leaves it empty).
    pub fn note_ui(&mut self, ctx: &egui::Context, origin_ns: Time) {
        let Some(i) = self.editing.filter(|&i| i < self.items.len()) else {
            self.editing = None;
            return;
        };
        let mut done = false;
        egui::Window::new("Bookmark")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
            .show(ctx, |ui| {
                ui.label(self.items[i].title(origin_ns));
                let r = ui.add(
                    egui::TextEdit::singleline(&mut self.items[i].note)
                        .hint_text("note (Enter to keep)")
                        .desired_width(320.0),
                );
                if self.focus_note {
                    r.request_focus();
                    self.focus_note = false;
                }
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                let esc = ui.input(|i| i.key_pressed(Key::Escape));
                done = enter || esc || ui.button("Keep").clicked();
            });
        if done {
            self.editing = None;
            self.save();
        }
    }

    /// The list: each bookmark jumps back when clicked; notes are editable.
    /// Returns the bookmark to show.
    pub fn list_ui(&mut self, ctx: &egui::Context, origin_ns: Time) -> Option<usize> {
        let mut open = self.list_open;
        let (mut jump, mut remove, mut changed) = (None, None, false);
        egui::Window::new("Bookmarks")
            .open(&mut open)
            .default_width(440.0)
            .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-380.0, 60.0))
            .show(ctx, |ui| {
                if let Some(e) = &self.error {
                    ui.colored_label(palette::ERROR, e);
                }
                if self.items.is_empty() {
                    ui.weak("No bookmarks yet: press M on the timeline to keep the selection or the view.");
                }
                for (i, b) in self.items.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        chip_ui(ui, palette::BOOKMARK);
                        if ui
                            .link(b.title(origin_ns))
                            .on_hover_text("Show this place")
                            .clicked()
                        {
                            jump = Some(i);
                        }
                        changed |= ui
                            .add(
                                egui::TextEdit::singleline(&mut b.note)
                                    .hint_text("note")
                                    .desired_width(220.0),
                            )
                            .lost_focus();
                        if ui.small_button("x").on_hover_text("Delete").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if self.path.is_none() && self.config.is_some() {
                    ui.weak("(kept once the file's hash is known)");
                }
            });
        self.list_open = open;
        if let Some(i) = remove {
            self.items.remove(i);
            changed = true;
        }
        if changed {
            self.save();
        }
        jump
    }

    /// Flags on the time axis (hover: the note; click: show it); returns the
    /// bookmark clicked.
    pub fn flags_ui(&self, ui: &mut Ui, tl: &Timeline) -> Option<usize> {
        let a: Areas = tl.last_frame().areas?;
        let mut clicked = None;
        for (i, b) in self.items.iter().enumerate() {
            let x = tl.map().x_from_time(b.time_ns) as f32;
            if x < a.axis.left() || x > a.axis.right() {
                continue;
            }
            let top = a.axis.top() + 2.0;
            let flag = egui::Rect::from_min_size(egui::pos2(x, top), egui::vec2(9.0, 7.0));
            let p = ui.painter();
            p.vline(
                x,
                top..=a.tracks.bottom(),
                egui::Stroke::new(1.0, palette::BOOKMARK.gamma_multiply(0.6)),
            );
            p.add(egui::Shape::convex_polygon(
                vec![flag.left_top(), flag.right_center(), flag.left_bottom()],
                palette::BOOKMARK,
                egui::Stroke::NONE,
            ));
            let hit = egui::Rect::from_min_size(egui::pos2(x - 3.0, top), egui::vec2(14.0, 12.0));
            let r = ui
                .interact(
                    hit,
                    ui.make_persistent_id(("bookmark-flag", i)),
                    egui::Sense::click(),
                )
                .on_hover_text(if b.note.is_empty() {
                    RichText::new(b.title(tl.origin_ns()))
                } else {
                    RichText::new(format!("{}\n{}", b.note, b.title(tl.origin_ns())))
                });
            if r.clicked() {
                clicked = Some(i);
            }
        }
        clicked
    }
}
