//! Results of the analyses cached by their inputs: computed once per key,
//! inline for small traces and on a named worker thread for big ones
//! (the view shows a spinner meanwhile). Never recomputed per frame.

use crate::ui::derived::TraceData;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// Traces with at least this many events compute their views on a worker thread.
pub const BIG_TRACE_EVENTS: u64 = 2_000_000;

/// Whether analyses of this trace go to a worker thread.
pub fn is_big(data: &TraceData) -> bool {
    data.whole().meta.events >= BIG_TRACE_EVENTS
}

/// What a cache has for the key asked.
pub enum Status<T> {
    /// The result.
    Ready(Arc<T>),
    /// Being computed on a worker thread.
    Pending,
    /// The computation failed (panicked); the message says so.
    Failed(String),
}

/// A value computed from a key, kept until the key changes.
pub struct Cached<K, T> {
    key: Option<K>,
    value: Option<Arc<T>>,
    failed: Option<String>,
    pending: Option<(K, mpsc::Receiver<T>)>,
}

impl<K, T> Default for Cached<K, T> {
    fn default() -> Self {
        Cached {
            key: None,
            value: None,
            failed: None,
            pending: None,
        }
    }
}

impl<K: PartialEq + Clone, T: Send + Sync + 'static> Cached<K, T> {
    /// The value for `key`: cached, computed now (`inline`), or started on
    /// a worker thread (then [`Status::Pending`] until it is done; the
    /// context is asked to repaint meanwhile).
    pub fn get(
        &mut self,
        key: &K,
        inline: bool,
        ctx: &egui::Context,
        compute: impl FnOnce() -> T + Send + 'static,
    ) -> Status<T> {
        if self.key.as_ref() == Some(key) {
            return match (&self.value, &self.failed) {
                (Some(v), _) => Status::Ready(Arc::clone(v)),
                (None, Some(e)) => Status::Failed(e.clone()),
                (None, None) => Status::Failed("no result".into()),
            };
        }
        if let Some((k, rx)) = &self.pending {
            if k == key {
                return match rx.try_recv() {
                    Ok(v) => self.store(key.clone(), Ok(v)),
                    Err(mpsc::TryRecvError::Empty) => {
                        ctx.request_repaint_after(Duration::from_millis(50));
                        Status::Pending
                    }
                    Err(mpsc::TryRecvError::Disconnected) => {
                        self.store(key.clone(), Err("the computation failed".into()))
                    }
                };
            }
        }
        if inline {
            return self.store(key.clone(), Ok(compute()));
        }
        let (tx, rx) = mpsc::channel();
        let ctx2 = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("view-analysis".into())
            .spawn(move || {
                let _ = tx.send(compute());
                ctx2.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.pending = Some((key.clone(), rx));
                ctx.request_repaint_after(Duration::from_millis(50));
                Status::Pending
            }
            Err(e) => self.store(key.clone(), Err(format!("cannot start a thread: {e}"))),
        }
    }

    /// Whether `key`'s value is computed or being computed (asking for it
    /// starts nothing).
    pub fn has(&self, key: &K) -> bool {
        self.key.as_ref() == Some(key) || self.pending.as_ref().is_some_and(|(k, _)| k == key)
    }

    /// The value computed last, if any.
    pub fn value(&self) -> Option<&Arc<T>> {
        self.value.as_ref()
    }

    fn store(&mut self, key: K, r: Result<T, String>) -> Status<T> {
        self.pending = None;
        self.key = Some(key);
        match r {
            Ok(v) => {
                let v = Arc::new(v);
                self.value = Some(Arc::clone(&v));
                self.failed = None;
                Status::Ready(v)
            }
            Err(e) => {
                self.value = None;
                self.failed = Some(e.clone());
                Status::Failed(e)
            }
        }
    }

    /// The last value computed, whatever its key.
    pub fn peek(&self) -> Option<Arc<T>> {
        self.value.clone()
    }

    /// True while a worker computes a value.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// The spinner and text shown while a view computes.
pub fn pending_ui(ui: &mut egui::Ui, what: &str) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(format!("Computing {what}…"));
    });
}

/// Shows a status that is not ready; returns the value when it is.
pub fn ready_or_ui<T>(ui: &mut egui::Ui, s: Status<T>, what: &str) -> Option<Arc<T>> {
    match s {
        Status::Ready(v) => Some(v),
        Status::Pending => {
            pending_ui(ui, what);
            None
        }
        Status::Failed(e) => {
            ui.colored_label(crate::ui::palette::ERROR, format!("{what}: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_per_key_and_again_when_it_changes() {
        let ctx = egui::Context::default();
        let mut c: Cached<u32, u32> = Cached::default();
        assert!(matches!(c.get(&1, true, &ctx, || 10), Status::Ready(v) if *v == 10));
        // Same key: the cached value, the closure is not run.
        assert!(
            matches!(c.get(&1, true, &ctx, || panic!("recomputed")), Status::Ready(v) if *v == 10)
        );
        assert!(matches!(c.get(&2, true, &ctx, || 20), Status::Ready(v) if *v == 20));
    }

    #[test]
    fn a_worker_thread_computes_big_ones_while_the_view_waits() {
        let ctx = egui::Context::default();
        let mut c: Cached<u32, u32> = Cached::default();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let s = c.get(&7, false, &ctx, move || {
            let _ = go_rx.recv();
            70
        });
        assert!(matches!(s, Status::Pending));
        assert!(c.is_pending());
        assert!(matches!(c.get(&7, false, &ctx, || 0), Status::Pending));
        go_tx.send(()).expect("worker waits");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match c.get(&7, false, &ctx, || 0) {
                Status::Ready(v) => {
                    assert_eq!(*v, 70);
                    break;
                }
                Status::Pending if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => panic!("worker did not answer"),
            }
        }
        assert!(!c.is_pending());
    }
}
