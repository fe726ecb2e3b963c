//! Parse errors: what was wrong, and where.

use std::fmt;

/// Why a trace could not be read (or read completely).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// What was wrong, in Go's words where Go has words for it.
    pub message: String,
    /// Generation being read, when known.
    pub generation: Option<u64>,
    /// Byte offset in the file, when known.
    pub offset: Option<u64>,
    /// Multi-line diagnostics (parser state), not part of the one-line message.
    pub detail: Option<String>,
}

impl TraceError {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> TraceError {
        TraceError {
            message: message.into(),
            generation: None,
            offset: None,
            detail: None,
        }
    }

    /// Attaches multi-line diagnostics.
    #[must_use]
    pub fn with_detail(mut self, detail: String) -> TraceError {
        self.detail = Some(detail);
        self
    }

    /// Adds the generation number, unless one is already set.
    #[must_use]
    pub fn in_generation(mut self, generation: u64) -> TraceError {
        self.generation.get_or_insert(generation);
        self
    }

    /// Adds the file offset, unless one is already set.
    #[must_use]
    pub fn at_offset(mut self, offset: u64) -> TraceError {
        self.offset.get_or_insert(offset);
        self
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.generation, self.offset) {
            (Some(g), Some(o)) => write!(f, " (generation {g}, offset {o})"),
            (Some(g), None) => write!(f, " (generation {g})"),
            (None, Some(o)) => write!(f, " (offset {o})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for TraceError {}

/// Shorthand for results of the trace layer.
pub type Result<T> = std::result::Result<T, TraceError>;

/// Builds a [`TraceError`] from a format string.
macro_rules! trace_err {
    ($($arg:tt)*) => {
        $crate::trace::error::TraceError::new(format!($($arg)*))
    };
}
pub(crate) use trace_err;
