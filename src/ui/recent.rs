//! Recently opened traces, shown on the start screen and kept in
//! `$XDG_CONFIG_HOME/gotraceview/recent` (one absolute path or URL a
//! line); entries whose file is gone are marked so they can be removed.

use std::path::PathBuf;

/// Most entries kept.
pub const MAX_RECENT: usize = 12;

/// The recent-files list.
#[derive(Debug, Clone, Default)]
pub struct RecentFiles {
    /// File backing the list (None: in memory only, as in tests).
    pub path: Option<PathBuf>,
    /// Entries, most recent first.
    pub items: Vec<String>,
}

impl RecentFiles {
    /// The user's list (`GOTRACEVIEW_CONFIG_DIR` overrides the directory).
    pub fn load_default() -> RecentFiles {
        match super::dirs::user_config_dir() {
            Some(dir) => RecentFiles::load(dir.join("recent")),
            None => RecentFiles::default(),
        }
    }

    /// Reads the list at `path` (empty if missing).
    pub fn load(path: PathBuf) -> RecentFiles {
        let items = std::fs::read_to_string(&path)
            .map(|s| {
                s.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string)
                    .take(MAX_RECENT)
                    .collect()
            })
            .unwrap_or_default();
        RecentFiles {
            path: Some(path),
            items,
        }
    }

    /// Moves `entry` to the top and saves (errors are ignored: the list is a convenience).
    pub fn add(&mut self, entry: &str) {
        self.items.retain(|e| e != entry);
        self.items.insert(0, entry.to_string());
        self.items.truncate(MAX_RECENT);
        self.save();
    }

    /// Removes an entry (e.g. a file that no longer exists).
    pub fn remove(&mut self, entry: &str) {
        self.items.retain(|e| e != entry);
        self.save();
    }

    /// True for an entry that is a path to nothing (a URL never is).
    pub fn is_missing(entry: &str) -> bool {
        !super::fetch::is_url(entry) && !std::path::Path::new(entry).exists()
    }

    fn save(&self) {
        if let Some(p) = &self.path {
            if let Some(d) = p.parent() {
                let _ = std::fs::create_dir_all(d);
            }
            let _ = std::fs::write(p, self.items.join("\n") + "\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_most_recent_first_and_persists() {
        let dir = std::env::temp_dir().join(format!("gtv-recent-{}", std::process::id()));
        let path = dir.join("recent");
        let mut r = RecentFiles::load(path.clone());
        r.add("a.trace");
        r.add("b.trace");
        r.add("a.trace");
        assert_eq!(r.items, vec!["a.trace", "b.trace"]);
        assert_eq!(RecentFiles::load(path).items, vec!["a.trace", "b.trace"]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
