//! Where the viewer keeps things: the config directory (recent files,
//! bookmarks, source roots) and the captures folder in the data directory.
//! Tests pass their own temporary directories; only the window uses the
//! user's.

use std::path::PathBuf;

/// The user's config directory: `$GOTRACEVIEW_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/gotraceview`, else `~/.config/gotraceview`.
pub fn user_config_dir() -> Option<PathBuf> {
    std::env::var_os("GOTRACEVIEW_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("gotraceview"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("gotraceview"))
        })
}

/// The user's data directory: `$GOTRACEVIEW_DATA_DIR`, else
/// `$XDG_DATA_HOME/gotraceview`, else `~/.local/share/gotraceview`.
pub fn user_data_dir() -> Option<PathBuf> {
    std::env::var_os("GOTRACEVIEW_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("gotraceview")))
        .or_else(|| {
            std::env::var_os("HOME").map(|h| {
                PathBuf::from(h)
                    .join(".local")
                    .join("share")
                    .join("gotraceview")
            })
        })
}

/// The directories an app instance uses.
#[derive(Debug, Clone)]
pub struct AppDirs {
    /// Config directory (None: nothing is kept across runs).
    pub config: Option<PathBuf>,
    /// Where captures and downloaded URLs are written.
    pub captures: PathBuf,
}

impl AppDirs {
    /// The user's directories (the window).
    pub fn user() -> AppDirs {
        AppDirs {
            config: user_config_dir(),
            captures: user_data_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("captures"),
        }
    }

    /// Nothing kept; downloads in a per-process temporary folder (tests, bench).
    pub fn ephemeral() -> AppDirs {
        AppDirs {
            config: None,
            captures: std::env::temp_dir()
                .join(format!("gotraceview-captures-{}", std::process::id())),
        }
    }

    /// Both under `dir` (tests: `dir/config`, `dir/captures`).
    pub fn under(dir: &std::path::Path) -> AppDirs {
        AppDirs {
            config: Some(dir.join("config")),
            captures: dir.join("captures"),
        }
    }
}
