//! How a trace is loaded: the memory its models may take, from the
//! command line (`--memory-budget`) or the machine.

use std::sync::OnceLock;

/// How a trace is loaded: the memory its models may take. A trace whose
/// whole model fits in half the budget gets it (every span of every
/// goroutine); a bigger one gets an overview (lanes folded into buckets)
/// and detail tiles, read from the file when the view needs them and kept
/// in the other half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Bytes the models of one trace may use.
    pub memory_budget: u64,
    /// Keep every goroutine's figures of the goroutine analysis (what
    /// `stats --json` prints) even for a big trace, which otherwise keeps
    /// only the table of groups.
    pub per_goroutine: bool,
    /// Which threads consume the events (`None`: what suits this
    /// machine's cores).
    pub layout: Option<super::Layout>,
    /// Fold the four blocking profiles of the whole trace while it loads
    /// ([`super::LoadedTrace::profiles`]: a comparison needs them, and a
    /// big trace would otherwise be read again).
    pub profiles: bool,
}

/// Bytes of whole model per byte of trace (measured: 4-7).
const MODEL_BYTES_PER_FILE_BYTE: u64 = 7;

impl Default for LoadOptions {
    /// An eighth of the machine's memory, between 512 MiB and 8 GiB.
    fn default() -> LoadOptions {
        let total = machine_memory_bytes().unwrap_or(8 << 30);
        LoadOptions {
            memory_budget: (total / 8).clamp(512 << 20, 8 << 30),
            per_goroutine: false,
            layout: None,
            profiles: false,
        }
    }
}

/// The options set for this process (`--memory-budget`).
static CONFIGURED: OnceLock<LoadOptions> = OnceLock::new();

impl LoadOptions {
    /// Sets the options [`LoadOptions::configured`] returns (once, at
    /// start-up; later calls are ignored).
    pub fn configure(o: LoadOptions) {
        let _ = CONFIGURED.set(o);
    }

    /// The options set with [`LoadOptions::configure`], else the default.
    pub fn configured() -> LoadOptions {
        CONFIGURED.get().copied().unwrap_or_default()
    }

    /// Parses a size: bytes, or with a suffix K, M, G (powers of 1024;
    /// a trailing B or iB is allowed), e.g. `512M`, `4G`, `1.5GiB`.
    pub fn parse_size(s: &str) -> Option<u64> {
        let t = s.trim().to_ascii_uppercase();
        let t = t
            .strip_suffix("IB")
            .or_else(|| t.strip_suffix('B'))
            .unwrap_or(&t);
        let (num, mul) = match t.chars().last()? {
            'K' => (&t[..t.len() - 1], 1u64 << 10),
            'M' => (&t[..t.len() - 1], 1 << 20),
            'G' => (&t[..t.len() - 1], 1 << 30),
            'T' => (&t[..t.len() - 1], 1 << 40),
            _ => (t, 1),
        };
        let v: f64 = num.trim().parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some((v * mul as f64) as u64)
    }

    /// Always the whole model, whatever the size (the exact analyses of
    /// the command line).
    pub fn whole() -> LoadOptions {
        LoadOptions {
            memory_budget: u64::MAX,
            per_goroutine: true,
            layout: None,
            profiles: false,
        }
    }

    /// The default options with a memory budget of `bytes`.
    pub fn with_budget(bytes: u64) -> LoadOptions {
        LoadOptions {
            memory_budget: bytes,
            per_goroutine: false,
            layout: None,
            profiles: false,
        }
    }

    /// True if a trace of `file_bytes` gets its whole model.
    pub fn whole_model_fits(&self, file_bytes: u64) -> bool {
        file_bytes.saturating_mul(MODEL_BYTES_PER_FILE_BYTE) <= self.memory_budget / 2
    }

    /// Bytes of detail tiles kept.
    pub fn tile_budget(&self) -> u64 {
        self.memory_budget / 2
    }
}

/// The machine's memory (`MemTotal` of /proc/meminfo).
fn machine_memory_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(LoadOptions::parse_size("512M"), Some(512 << 20));
        assert_eq!(LoadOptions::parse_size("4g"), Some(4 << 30));
        assert_eq!(LoadOptions::parse_size("1.5GiB"), Some(3 << 29));
        assert_eq!(LoadOptions::parse_size("1000"), Some(1000));
        assert_eq!(LoadOptions::parse_size("2KB"), Some(2048));
        assert_eq!(LoadOptions::parse_size("lots"), None);
        assert_eq!(LoadOptions::parse_size("-1G"), None);
    }
}
