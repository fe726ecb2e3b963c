//! "Save as pprof…": asks for a path with the native save dialog on its
//! own thread (the window keeps painting), writes the bytes there, and
//! reports what happened.

use std::path::PathBuf;
use std::sync::mpsc;

/// A save in progress.
pub struct SaveJob {
    rx: mpsc::Receiver<Result<Option<PathBuf>, String>>,
}

impl SaveJob {
    /// Opens the save dialog in `dir` (the trace's folder) proposing
    /// `file_name`, then writes `bytes`. Where no dialog can be shown, saves
    /// straight into `dir` (or the working directory) and says where.
    pub fn start(
        ctx: egui::Context,
        dir: Option<PathBuf>,
        file_name: String,
        bytes: Vec<u8>,
    ) -> SaveJob {
        let (tx, rx) = mpsc::channel();
        let tx2 = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("save-dialog".into())
            .spawn(move || {
                if !crate::ui::dialog::dialog_tools_present() {
                    // No dialog here: save next to the trace.
                    let dir = dir
                        .clone()
                        .or_else(|| std::env::current_dir().ok())
                        .unwrap_or_default();
                    let path = dir.join(&file_name);
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

/// Writes `bytes` to `path` (the save button's work without a dialog; tests).
pub fn write_to(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
