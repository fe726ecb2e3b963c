//! The load pipeline: the caller's thread reads and orders events and
//! sends them, in chunks, to two named threads, one building the model and
//! one computing the goroutine analysis and the GC log. Each consumer
//! finishes its result as soon as the reader says the stream ended, so the
//! finishing work (sorting, indexing) also runs in parallel.

use crate::analysis::gclog::{GcLog, GcLogBuilder};
use crate::analysis::summary::{GoroutineAnalysis, Summarizer};
use crate::model::{Loss, ModelBuilder, Trace};
use crate::trace::{EvTable, Event, EventType};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

/// Chunks in flight per consumer before the reader waits.
const QUEUE_CHUNKS: usize = 4;

/// A run of ordered events of one generation, with its tables.
struct Chunk {
    table: Arc<EvTable>,
    events: Vec<Event>,
}

/// What the reader sends to the consumers.
enum Msg {
    Events(Arc<Chunk>),
    End(Arc<End>),
}

/// How the stream ended: what the model needs to finish.
pub struct End {
    /// Format version, "1.26" style.
    pub version: String,
    /// Size of the file.
    pub file_bytes: u64,
    /// Generations read.
    pub generations: u64,
    /// What was lost, if reading stopped early.
    pub loss: Option<Loss>,
}

/// What the consumers made.
pub struct Output {
    /// The model.
    pub trace: Trace,
    /// The goroutine analysis.
    pub summary: GoroutineAnalysis,
    /// What minimum mutator utilization needs.
    pub gc_log: GcLog,
}

/// The reader's side of the pipeline.
pub struct Sink {
    to_model: SyncSender<Msg>,
    to_summary: SyncSender<Msg>,
    free: Receiver<Vec<Event>>,
}

impl Sink {
    /// Sends a chunk of events (all referring to `table`) to both consumers.
    pub fn send(&self, table: Arc<EvTable>, events: Vec<Event>) {
        let chunk = Arc::new(Chunk { table, events });
        // N.B. a consumer only hangs up by panicking; the panic is
        // reported when it is joined.
        let _ = self.to_model.send(Msg::Events(chunk.clone()));
        let _ = self.to_summary.send(Msg::Events(chunk));
    }

    /// Replaces `buf` by an empty buffer, reusing one the consumers are
    /// done with when there is one.
    pub fn recycle(&self, buf: &mut Vec<Event>) {
        if let Ok(mut b) = self.free.try_recv() {
            b.clear();
            *buf = b;
        } else {
            buf.clear();
        }
    }
}

/// Hands a chunk's buffer back to the reader when its last user is done.
fn release(chunk: Arc<Chunk>, free: &mpsc::Sender<Vec<Event>>) {
    if let Some(c) = Arc::into_inner(chunk) {
        let _ = free.send(c.events);
    }
}

/// Runs `read` (which feeds the sink and says how the stream ended) on the
/// calling thread with the model (built by `builder`: the whole model or
/// the overview) and the analysis built on two others. An error from
/// `read` is returned as is, the consumers' work dropped.
pub fn run<E>(
    builder: ModelBuilder,
    summarizer: Summarizer,
    progress: Option<&super::Progress>,
    read: impl FnOnce(&Sink) -> Result<End, E>,
) -> Result<Output, E> {
    let (to_model, model_rx) = mpsc::sync_channel(QUEUE_CHUNKS);
    let (to_summary, summary_rx) = mpsc::sync_channel(QUEUE_CHUNKS);
    let (free_tx, free) = mpsc::channel();
    let free_tx2 = free_tx.clone();
    thread::scope(|s| {
        let model = thread::Builder::new()
            .name("model-builder".into())
            .spawn_scoped(s, move || {
                let mut b = builder;
                for msg in model_rx {
                    match msg {
                        Msg::Events(c) => {
                            for ev in &c.events {
                                b.event(ev, &c.table);
                            }
                            // Each generation begins with a sync event: show
                            // the window what the previous ones built.
                            let boundary = c.events.iter().any(|e| e.typ == EventType::SYNC_EVENT);
                            release(c, &free_tx);
                            if let (true, Some(p)) = (boundary, progress) {
                                p.set_preview(b.preview());
                            }
                        }
                        Msg::End(end) => {
                            if let Some(loss) = &end.loss {
                                b.set_loss(loss.clone());
                            }
                            return Some(b.finish(
                                end.version.clone(),
                                end.file_bytes,
                                end.generations,
                            ));
                        }
                    }
                }
                None
            })
            .expect("spawn the model builder thread");
        let summary = thread::Builder::new()
            .name("goroutine-summary".into())
            .spawn_scoped(s, move || {
                let mut sum = summarizer;
                let mut gc_log = GcLogBuilder::default();
                for msg in summary_rx {
                    match msg {
                        Msg::Events(c) => {
                            for ev in &c.events {
                                sum.event(ev, &c.table);
                                gc_log.event(ev, &c.table);
                            }
                            release(c, &free_tx2);
                        }
                        Msg::End(_) => {
                            let analysis = if sum.is_grouped() {
                                GoroutineAnalysis::Groups(sum.finish_groups())
                            } else {
                                GoroutineAnalysis::Records(sum.finish_compact())
                            };
                            return Some((analysis, gc_log.finish()));
                        }
                    }
                }
                None
            })
            .expect("spawn the goroutine summary thread");
        let sink = Sink {
            to_model,
            to_summary,
            free,
        };
        let res = read(&sink).map(Arc::new);
        if let Ok(end) = &res {
            let _ = sink.to_model.send(Msg::End(end.clone()));
            let _ = sink.to_summary.send(Msg::End(end.clone()));
        }
        drop(sink);
        let trace = join(model);
        let summary = join(summary);
        res.map(|_| {
            let (summary, gc_log) = summary.expect("the summary thread finished");
            Output {
                trace: trace.expect("the model thread finished"),
                summary,
                gc_log,
            }
        })
    })
}

/// Joins a consumer thread, passing its panic on.
fn join<T>(h: thread::ScopedJoinHandle<'_, T>) -> T {
    match h.join() {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    }
}
