//! "Save as pprof…": asks for a path with the native save dialog on its
//! own thread (the window keeps painting), writes the bytes there, and
//! reports what happened.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Where "Save as pprof…" writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SaveTo {
    /// Ask with the native save dialog; where none can be shown, straight
    /// into the trace's folder (or the working directory).
    #[default]
    Dialog,
    /// Straight into this folder under the proposed name, without asking
    /// (tests, and anyone who knows where the file should go).
    Folder(PathBuf),
}

/// A save in progress.
pub struct SaveJob {
    rx: mpsc::Receiver<Result<Option<PathBuf>, String>>,
}

impl SaveJob {
    /// Writes `bytes` as `file_name` where `to` says: with [`SaveTo::Dialog`]
    /// the save dialog opens in `dir` (the trace's folder) proposing
    /// `file_name`; where no dialog can be shown, the file goes straight
    /// into `dir` (or the working directory) and the outcome says where.
    pub fn start(
        ctx: egui::Context,
        to: SaveTo,
        dir: Option<PathBuf>,
        file_name: String,
        bytes: Vec<u8>,
    ) -> SaveJob {
        let (tx, rx) = mpsc::channel();
        let tx2 = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("save-dialog".into())
            .spawn(move || {
                let dialog = crate::ui::dialog::dialog_tools_present();
                if let Some(folder) = straight_into(to, dir.as_deref(), dialog) {
                    let path = folder.join(&file_name);
                    let _ = tx.send(write_to(&path, &bytes).map(|()| Some(path)));
                    ctx.request_repaint();
                    return;
                }
                let mut dialog = rfd::AsyncFileDialog::new();
                if let Some(d) = &dir {
                    dialog = dialog.set_directory(d);
                }
                let picked = crate::ui::dialog::block_on(
                    dialog
                        .set_title("Save profile (gzipped pprof)")
                        .set_file_name(&file_name)
                        .add_filter("pprof profile", &["pb.gz", "gz"])
                        .save_file(),
                );
                let res = match picked {
                    Some(f) => {
                        let path = f.path().to_path_buf();
                        std::fs::write(&path, &bytes)
                            .map(|()| Some(path.clone()))
                            .map_err(|e| format!("cannot write {}: {e}", path.display()))
                    }
                    None => Ok(None),
                };
                let _ = tx.send(res);
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            let _ = tx2.send(Err(format!("cannot open the save dialog: {e}")));
        }
        SaveJob { rx }
    }

    /// The outcome, once the dialog closed: `Ok(None)` if nothing was saved.
    pub fn poll(&self) -> Option<Result<Option<PathBuf>, String>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err("the save dialog stopped unexpectedly".into()))
            }
        }
    }
}

/// The folder to write into without asking, or `None` to ask with the
/// dialog (`dialog`: one can be shown).
fn straight_into(to: SaveTo, trace_dir: Option<&Path>, dialog: bool) -> Option<PathBuf> {
    match to {
        SaveTo::Folder(f) => Some(f),
        SaveTo::Dialog if dialog => None,
        SaveTo::Dialog => Some(
            trace_dir
                .map(Path::to_path_buf)
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_default(),
        ),
    }
}

/// Writes `bytes` to `path` (the save button's work without a dialog; tests).
pub fn write_to(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_asks_only_where_a_dialog_can_open_and_no_folder_is_given() {
        let trace_dir = Path::new("/traces");
        let mine = PathBuf::from("/mine");
        assert_eq!(straight_into(SaveTo::Dialog, Some(trace_dir), true), None);
        assert_eq!(
            straight_into(SaveTo::Dialog, Some(trace_dir), false),
            Some(trace_dir.to_path_buf()),
            "no dialog: next to the trace"
        );
        assert_eq!(
            straight_into(SaveTo::Dialog, None, false),
            std::env::current_dir().ok(),
            "no dialog and no trace folder: the working directory"
        );
        for dialog in [true, false] {
            assert_eq!(
                straight_into(SaveTo::Folder(mine.clone()), Some(trace_dir), dialog),
                Some(mine.clone())
            );
        }
    }
}
