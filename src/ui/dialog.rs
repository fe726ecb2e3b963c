//! Ctrl+O: the native file dialog (rfd's `AsyncFileDialog`, through the
//! XDG desktop portal or zenity) on its own thread, so the window keeps
//! painting. When neither is available rfd answers "nothing picked" at
//! once; we tell the user how else to open a trace.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// Result of a file dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Files chosen.
    Files(Vec<PathBuf>),
    /// The user closed the dialog.
    Cancelled,
    /// No dialog could be shown.
    Unavailable(String),
}

/// An open file dialog.
pub struct FileDialog {
    rx: mpsc::Receiver<Picked>,
}

struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on this thread.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
}

/// The message shown when no dialog can be opened.
pub const NO_DIALOG: &str = "No file dialog is available here (no XDG desktop portal and no zenity). \
Drop a trace onto the window, pass it on the command line, or type its path or URL in the box on the start screen.";

/// True when a file dialog can be shown (zenity, or a D-Bus session for the portal).
pub fn dialog_tools_present() -> bool {
    let zenity = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("zenity").is_file()));
    zenity || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

impl FileDialog {
    /// Opens the dialog on a new thread.
    pub fn open(ctx: egui::Context) -> FileDialog {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let t0 = Instant::now();
                let picked = block_on(
                    rfd::AsyncFileDialog::new()
                        .set_title("Open Go execution trace")
                        .add_filter("Go trace", &["trace", "out", "bin"])
                        .add_filter("All files", &["*"])
                        .pick_files(),
                );
                let res = match picked {
                    Some(files) => {
                        Picked::Files(files.iter().map(|f| f.path().to_path_buf()).collect())
                    }
                    None if t0.elapsed() < Duration::from_millis(400)
                        && !dialog_tools_present() =>
                    {
                        Picked::Unavailable(NO_DIALOG.into())
                    }
                    None => Picked::Cancelled,
                };
                let _ = tx.send(res);
                ctx.request_repaint();
            });
        if spawned.is_err() {
            let (tx2, rx2) = mpsc::channel();
            let _ = tx2.send(Picked::Unavailable(NO_DIALOG.into()));
            return FileDialog { rx: rx2 };
        }
        FileDialog { rx }
    }

    /// The answer, once the dialog closed.
    pub fn poll(&self) -> Option<Picked> {
        match self.rx.try_recv() {
            Ok(p) => Some(p),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Picked::Unavailable(NO_DIALOG.into())),
        }
    }
}
