//! Reading a big trace's generations again for an analysis: how far the
//! worker got (for the view's spinner) and whether the view still wants
//! it. A view holds its reading through a [`ReadingSlot`], which cancels
//! the reading when the view goes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

/// How far an analysis of a big trace has read its generations again
/// (shared by the worker computing it and the view showing its spinner),
/// and whether the view still wants it.
#[derive(Debug, Default)]
pub struct Rereading {
    done: AtomicUsize,
    of: AtomicUsize,
    /// Set when the view asked for something else meanwhile.
    pub cancel: AtomicBool,
}

impl Rereading {
    /// A fresh one for a computation about to start, cancelling the one
    /// `slot` had (its result would be dropped anyway).
    pub fn renew(slot: &mut Arc<Rereading>) -> Arc<Rereading> {
        slot.cancel.store(true, Relaxed);
        *slot = Arc::default();
        Arc::clone(slot)
    }

    /// Records `done` generations read of `of` (the callback the load
    /// layer's streamed analyses take).
    pub fn set(&self, done: usize, of: usize) {
        self.done.store(done, Relaxed);
        self.of.store(of, Relaxed);
    }

    /// "`what`", with how far the generations were read when they are.
    pub fn text(&self, what: &str) -> String {
        match self.of.load(Relaxed) {
            0 => what.to_string(),
            n => format!(
                "{what} (generation {} of {n} read again)",
                self.done.load(Relaxed)
            ),
        }
    }
}

/// The reading a view started last: renewed for each new computation
/// (cancelling the one before) and cancelled when the view is dropped (a
/// closed tab stops reading a big trace again for it).
#[derive(Debug, Default)]
pub struct ReadingSlot(Arc<Rereading>);

impl ReadingSlot {
    /// The current reading.
    pub fn current(&self) -> Arc<Rereading> {
        Arc::clone(&self.0)
    }

    /// A fresh reading for a computation about to start; the one before
    /// is cancelled.
    pub fn renew(&mut self) -> Arc<Rereading> {
        Rereading::renew(&mut self.0)
    }

    /// "`what`", with how far the current reading got.
    pub fn text(&self, what: &str) -> String {
        self.0.text(what)
    }
}

impl Drop for ReadingSlot {
    fn drop(&mut self) {
        self.0.cancel.store(true, Relaxed);
    }
}
