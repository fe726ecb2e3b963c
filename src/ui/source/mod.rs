//! Source at every frame: a click on a stack frame (details panel) shows
//! the lines around it in a panel under the timeline, with the line
//! highlighted and Go syntax coloured, and "Open in editor"; the flame
//! graphs' tooltips show the line itself. Files are found by
//! [`resolve::resolve`]; a source root for `-trimpath` builds is set once
//! per trace directory and kept in `CONFIG/source-roots.json`.

pub mod editor;
pub mod highlight;
pub mod resolve;

use super::palette;
use crate::model::{StrId, Trace};
use editor::EditorLaunch;
use egui::{RichText, Ui};
use resolve::GoEnv;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Lines shown before and after the frame's line.
pub const CONTEXT_LINES: u32 = 10;
/// Largest source file read.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// A stack frame to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRef {
    /// Function.
    pub func: String,
    /// File as recorded in the trace.
    pub file: String,
    /// Line.
    pub line: u32,
}

fn request_id() -> egui::Id {
    egui::Id::unique("gotraceview-source-request")
}

/// Asks the view to show the source of `frame` (from any panel).
pub fn request(ctx: &egui::Context, frame: FrameRef) {
    ctx.data_mut(|d| d.insert_temp(request_id(), Some(frame)));
}

/// The frame asked for since the last call.
pub fn take_request(ctx: &egui::Context) -> Option<FrameRef> {
    ctx.data_mut(|d| d.remove_temp::<Option<FrameRef>>(request_id()))
        .flatten()
}

/// Lines of a source file around a line.
#[derive(Debug, Clone)]
pub struct Excerpt {
    /// The file found.
    pub path: PathBuf,
    /// Number of the first line shown.
    pub first_line: u32,
    /// The lines shown.
    pub lines: Vec<String>,
}

/// Reads the lines of `path` around `line` (`context` each side).
pub fn read_excerpt(path: &Path, line: u32, context: u32) -> Result<Excerpt, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("{}: larger than 16 MB, not shown", path.display()));
    }
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&text);
    let first_line = line.saturating_sub(context).max(1);
    let lines: Vec<String> = text
        .lines()
        .skip(first_line as usize - 1)
        .take((line + context + 1 - first_line) as usize)
        .map(|l| l.replace('\t', "    "))
        .collect();
    if lines.is_empty() || line as usize > text.lines().count() {
        return Err(format!("{} has no line {line}", path.display()));
    }
    Ok(Excerpt {
        path: path.to_path_buf(),
        first_line,
        lines,
    })
}

/// Source roots by trace directory, kept in `CONFIG/source-roots.json`.
#[derive(Debug, Default)]
pub struct SourceRoots {
    path: Option<PathBuf>,
    roots: BTreeMap<String, PathBuf>,
}

impl SourceRoots {
    /// The roots kept in `config` (none without one).
    pub fn load(config: Option<&Path>) -> SourceRoots {
        let path = config.map(|c| c.join("source-roots.json"));
        let roots = path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        SourceRoots { path, roots }
    }

    /// The root set for traces in `dir`.
    pub fn get(&self, dir: &str) -> Option<&Path> {
        self.roots.get(dir).map(PathBuf::as_path)
    }

    /// Sets the root for traces in `dir` and saves.
    pub fn set(&mut self, dir: &str, root: PathBuf) -> Result<(), String> {
        self.roots.insert(dir.to_string(), root);
        let Some(p) = &self.path else { return Ok(()) };
        let text = serde_json::to_string_pretty(&self.roots).map_err(|e| e.to_string())?;
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))
    }
}

/// The source panel of a trace view.
#[derive(Default)]
pub struct SourcePanel {
    /// The frame shown (None: the panel is closed).
    pub frame: Option<FrameRef>,
    /// Its excerpt, or the paths tried / the error (None: not looked up yet).
    pub found: Option<Result<Excerpt, String>>,
    /// Go installations to look in (None: the machine's, see [`GoEnv::shared`]).
    pub go_env: Option<GoEnv>,
    /// Overrides `$GOTRACEVIEW_EDITOR` (tests).
    pub editor_template: Option<String>,
    /// The outcome of the last "Open in editor".
    pub message: Option<Result<String, String>>,
    /// Source roots by trace directory.
    pub roots: SourceRoots,
    /// The directory of the trace (key of its source root).
    pub trace_dir: String,
    /// The trace's Go version ("1.27").
    pub version: String,
    /// The source root being typed.
    pub root_text: String,
    launch: Option<EditorLaunch>,
    /// Scroll the frame's line into view (once per excerpt).
    scroll_pending: bool,
}

impl SourcePanel {
    /// A panel for a trace named `trace_name` of Go `version`, with the
    /// roots kept in `config`.
    pub fn new(trace_name: &str, version: &str, config: Option<&Path>) -> SourcePanel {
        let roots = SourceRoots::load(config);
        let trace_dir = std::fs::canonicalize(trace_name)
            .ok()
            .and_then(|p| p.parent().map(|d| d.display().to_string()))
            .unwrap_or_default();
        let root_text = roots
            .get(&trace_dir)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        SourcePanel {
            roots,
            trace_dir,
            version: version.to_string(),
            root_text,
            ..SourcePanel::default()
        }
    }

    /// Shows `frame` (looked up on the next frame).
    pub fn show(&mut self, frame: FrameRef) {
        self.frame = Some(frame);
        self.found = None;
        self.message = None;
    }

    fn env(&self) -> Option<&GoEnv> {
        match &self.go_env {
            Some(e) => Some(e),
            None => GoEnv::shared(),
        }
    }

    /// Looks the frame up once the Go environment is known.
    fn lookup(&mut self) {
        let (Some(f), None) = (&self.frame, &self.found) else {
            return;
        };
        let Some(env) = self.env() else { return };
        let root = self.roots.get(&self.trace_dir);
        let found = match resolve::resolve(&f.file, &self.version, env, root) {
            Ok(p) => read_excerpt(&p, f.line, CONTEXT_LINES),
            Err(tried) => Err(not_found_message(&f.file, &tried)),
        };
        self.found = Some(found);
        self.scroll_pending = true;
    }

    /// Opens the file at the line in the user's editor (never waits).
    pub fn open_in_editor(&mut self) {
        let (Some(f), Some(Ok(x))) = (&self.frame, &self.found) else {
            return;
        };
        let template = self.editor_template.clone();
        let var = move |k: &str| {
            if k == "GOTRACEVIEW_EDITOR" && template.is_some() {
                return template.clone();
            }
            std::env::var(k).ok()
        };
        let argv = editor::editor_command(&x.path, f.line, &var);
        let l = EditorLaunch::start(argv);
        self.message = Some(Ok(format!("started: {}", l.command)));
        self.launch = Some(l);
    }

    fn poll_editor(&mut self, ctx: &egui::Context) {
        let Some(l) = &self.launch else { return };
        match l.poll() {
            Some(Ok(())) => {
                self.message = Some(Ok(format!("opened: {}", l.command)));
                self.launch = None;
            }
            Some(Err(e)) => {
                self.message = Some(Err(e));
                self.launch = None;
            }
            None => ctx.request_repaint_after(std::time::Duration::from_millis(200)),
        }
    }

    /// The panel (when a frame is chosen): header, lines, editor, source root.
    pub fn panel_ui(&mut self, ui: &mut Ui) {
        self.lookup();
        self.poll_editor(ui.ctx());
        let Some(f) = self.frame.clone() else { return };
        let mut close = false;
        ui.horizontal(|ui| {
            ui.strong("Source");
            ui.label(RichText::new(&f.func).monospace());
            ui.weak(format!("{}:{}", f.file, f.line));
            let found = matches!(self.found, Some(Ok(_)));
            if ui
                .add_enabled(found, egui::Button::new("Open in editor"))
                .on_hover_text("$GOTRACEVIEW_EDITOR (e.g. code -g {file}:{line}), else $VISUAL / $EDITOR in a terminal, else xdg-open")
                .clicked()
            {
                self.open_in_editor();
            }
            close = ui.small_button("x").on_hover_text("Close").clicked();
        });
        match &self.message {
            Some(Ok(m)) => {
                ui.weak(m);
            }
            Some(Err(e)) => {
                ui.colored_label(palette::ERROR, e);
            }
            None => {}
        }
        // The lines last: they take the height that is left.
        self.root_ui(ui);
        match &self.found {
            None => {
                ui.weak("looking for Go installations…");
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            Some(Ok(x)) => {
                ui.weak(x.path.display().to_string());
                let scroll = std::mem::take(&mut self.scroll_pending);
                excerpt_ui(ui, x, f.line, scroll);
            }
            Some(Err(e)) => {
                ui.colored_label(palette::WARNING, e);
            }
        }
        if close {
            self.frame = None;
        }
    }

    fn root_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("Source root")
                .on_hover_text("Where the trace's program's sources are (for -trimpath builds); kept for every trace in this directory");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.root_text)
                        .hint_text("/path/to/module")
                        .desired_width(360.0),
                )
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Set").clicked() || enter {
                let root = PathBuf::from(self.root_text.trim());
                if let Err(e) = self.roots.set(&self.trace_dir, root) {
                    self.message = Some(Err(format!("cannot keep the source root: {e}")));
                }
                self.found = None;
            }
        });
    }
}

/// "x.go: not found; tried A, B (and N more)" or, with nothing to try, how to fix it.
pub fn not_found_message(file: &str, tried: &[PathBuf]) -> String {
    if tried.is_empty() {
        return format!("{file}: not found (no Go installation or source root to look in; set a source root below)");
    }
    let shown: Vec<String> = tried
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    let more = tried.len().saturating_sub(3);
    format!(
        "{file}: not found; tried {}{}",
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// Numbered, coloured lines with `line` highlighted (and scrolled to when
/// `scroll`).
pub fn excerpt_ui(ui: &mut Ui, x: &Excerpt, line: u32, scroll: bool) {
    egui::ScrollArea::vertical()
        .id_salt("source-lines")
        .max_height(ui.available_height().max(120.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (k, text) in x.lines.iter().enumerate() {
                let n = x.first_line + k as u32;
                let job = highlight::line_job(ui, n, text, n == line);
                let r = ui.label(job);
                if n == line && scroll {
                    r.scroll_to_me(Some(egui::Align::Center));
                }
            }
        });
}

/// The file and line where `func` first appears in the trace's stacks.
pub fn func_location(trace: &Trace, func: StrId) -> Option<(String, u32)> {
    trace
        .stacks
        .frames
        .iter()
        .find(|f| f.func == func)
        .map(|f| (trace.str(f.file).to_string(), f.line))
}

/// For tooltips: the frame's file:line and, when the file is found without
/// a source root, its line (cached: tooltips repaint every frame).
pub fn tooltip_line_ui(ui: &mut Ui, trace: &Trace, func: StrId) {
    use std::sync::Mutex;
    /// (file, line) and the line's text, if found.
    type Line = ((String, u32), Option<String>);
    static CACHE: Mutex<Vec<Line>> = Mutex::new(Vec::new());
    let Some((file, line)) = func_location(trace, func) else {
        return;
    };
    ui.weak(format!("{file}:{line}"));
    let Some(env) = GoEnv::shared() else { return };
    let key = (file.clone(), line);
    let Ok(mut cache) = CACHE.lock() else { return };
    let text = match cache.iter().find(|e| e.0 == key) {
        Some(e) => e.1.clone(),
        None => {
            let text = resolve::resolve(&file, &trace.meta.version, env, None)
                .ok()
                .and_then(|p| read_excerpt(&p, line, 0).ok())
                .and_then(|x| x.lines.first().map(|l| l.trim().to_string()));
            if cache.len() >= 256 {
                cache.remove(0);
            }
            cache.push((key, text.clone()));
            text
        }
    };
    if let Some(t) = text {
        ui.label(RichText::new(t).monospace().color(palette::TEXT_DIM));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_hold_the_line_and_its_neighbours() {
        let dir = std::env::temp_dir().join(format!("gtv-excerpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.go");
        let text: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&p, text).unwrap();
        let x = read_excerpt(&p, 3, 5).unwrap();
        assert_eq!((x.first_line, x.lines.len()), (1, 8));
        assert_eq!(x.lines[2], "line 3");
        let x = read_excerpt(&p, 30, 2).unwrap();
        assert_eq!((x.first_line, x.lines.len()), (28, 3));
        assert!(read_excerpt(&p, 31, 2).unwrap_err().contains("no line 31"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
