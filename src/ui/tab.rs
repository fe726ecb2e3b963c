//! The views of a trace (the timeline and the analyses beside it): their
//! titles, command-line names and keys.

/// The views of a trace: the timeline and the analyses beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTab {
    /// The timeline.
    Timeline,
    /// Goroutine analysis.
    Goroutines,
    /// Blocking profiles.
    Profiles,
    /// Minimum mutator utilization.
    Mmu,
    /// Tasks, regions and logs.
    Tasks,
    /// CPU samples.
    Cpu,
    /// Findings: leaks, latency, pauses, syscalls, contention.
    Findings,
    /// This trace compared with another.
    Compare,
}

impl ViewTab {
    /// All views, in tab order (keys 1 to 8).
    pub const ALL: [ViewTab; 8] = [
        ViewTab::Timeline,
        ViewTab::Goroutines,
        ViewTab::Profiles,
        ViewTab::Mmu,
        ViewTab::Tasks,
        ViewTab::Cpu,
        ViewTab::Findings,
        ViewTab::Compare,
    ];

    /// Tab title.
    pub fn title(self) -> &'static str {
        match self {
            ViewTab::Timeline => "Timeline",
            ViewTab::Goroutines => "Goroutines",
            ViewTab::Profiles => "Profiles",
            ViewTab::Mmu => "MMU",
            ViewTab::Tasks => "Tasks & regions",
            ViewTab::Cpu => "CPU",
            ViewTab::Findings => "Findings",
            ViewTab::Compare => "Compare",
        }
    }

    /// The name on the command line (`--tab NAME`).
    pub fn cli_name(self) -> &'static str {
        match self {
            ViewTab::Timeline => "timeline",
            ViewTab::Goroutines => "goroutines",
            ViewTab::Profiles => "profiles",
            ViewTab::Mmu => "mmu",
            ViewTab::Tasks => "tasks",
            ViewTab::Cpu => "cpu",
            ViewTab::Findings => "findings",
            ViewTab::Compare => "compare",
        }
    }

    /// Parses a `--tab` name (case-insensitive; "regions" is "tasks").
    pub fn parse(s: &str) -> Option<ViewTab> {
        let s = s.trim().to_ascii_lowercase();
        if s == "regions" {
            return Some(ViewTab::Tasks);
        }
        ViewTab::ALL.into_iter().find(|t| t.cli_name() == s)
    }

    /// The key that opens it (1 to 8).
    pub fn key(self) -> egui::Key {
        const KEYS: [egui::Key; 8] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
        ];
        let i = ViewTab::ALL.iter().position(|&t| t == self).unwrap_or(0);
        KEYS[i]
    }
}
