//! The desktop viewer (eframe/egui): app and tabs, background loading,
//! start screen, timeline, details, find, range statistics, help, and the
//! headless frame benchmark. Reads the model; never parses bytes.

// A panic in the window loses the user's place: handle the `None`.
#![warn(clippy::unwrap_used)]

pub mod app;
pub mod bench;
pub mod bookmarks;
pub mod capture;
pub mod chip;
pub mod derived;
pub mod detail;
pub mod details;
pub mod dialog;
pub mod dirs;
pub mod export;
pub mod fetch;
pub mod find;
pub mod help;
pub mod history;
pub mod live;
pub mod loader;
pub mod nav;
pub mod palette;
pub mod place;
pub mod preview;
pub mod range_stats;
pub mod recent;
pub mod reload;
pub mod rereading;
pub mod source;
pub mod start;
pub mod tab;
pub mod ticks;
pub mod timeline;
pub mod timemap;
pub mod view;
pub mod views;
pub mod watch;
pub mod why;

#[cfg(test)]
mod tests;

pub use app::GoTraceApp;

/// The window icon: lanes of coloured spans on a dark tile.
pub fn icon() -> egui::IconData {
    let (w, h) = (64u32, 64u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    let lanes: [(u32, u32, u32, [u8; 3]); 4] = [
        (14, 6, 40, [86, 180, 92]),
        (26, 20, 58, [222, 178, 60]),
        (38, 10, 30, [72, 138, 224]),
        (50, 28, 54, [232, 124, 44]),
    ];
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let corner = !(4..=59).contains(&x) && !(4..=59).contains(&y);
            let mut c = [30u8, 34, 42, if corner { 0 } else { 255 }];
            for &(ly, x0, x1, col) in &lanes {
                if y >= ly - 4 && y < ly + 4 && x >= x0 && x < x1 {
                    c = [col[0], col[1], col[2], 255];
                }
            }
            rgba[i..i + 4].copy_from_slice(&c);
        }
    }
    egui::IconData {
        rgba,
        width: w,
        height: h,
    }
}

/// Opens the window on `files` (paths or URLs), showing view `tab`
/// ("goroutines", "mmu"…) once loaded; returns the exit code.
pub fn run(files: Vec<String>, tab: Option<String>) -> i32 {
    let tab = tab.as_deref().and_then(tab::ViewTab::parse);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("gotraceview")
            .with_app_id("gotraceview")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true)
            .with_icon(icon()),
        ..Default::default()
    };
    let res = eframe::run_native(
        "gotraceview",
        options,
        Box::new(move |_cc| {
            let mut app = GoTraceApp::with_dirs(
                &files,
                recent::RecentFiles::load_default(),
                dirs::AppDirs::user(),
            );
            app.initial_tab = tab;
            Ok(Box::new(app))
        }),
    );
    match res {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("gotraceview: cannot open the window: {e}");
            1
        }
    }
}
