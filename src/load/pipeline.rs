//! The load pipeline: the caller's thread reads and orders events and
//! sends them, in chunks, to the threads that consume them: the model
//! builder, the goroutine analysis and the GC log. On two cores or more
//! than two they are laid out differently (see [`Layout`]). Each consumer
//! finishes its result as soon as the reader says the stream ended, so the
//! finishing work (sorting, indexing) also runs in parallel.

use crate::analysis::gclog::{GcLog, GcLogBuilder};
use crate::analysis::summary::{GoroutineAnalysis, Summarizer};
use crate::model::preview::PreviewBuilder;
use crate::model::{Loss, ModelBuilder, Trace};
use crate::trace::{EvTable, Event, EventType};
use std::cell::RefCell;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

/// Which thread runs what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Three threads: the reader, the model, and the goroutine analysis
    /// with the GC log (for three cores or more).
    ThreeThreads,
    /// Two threads, one a core: the reader also runs the goroutine
    /// analysis on each chunk it sends (while the chunk is in its cache),
    /// the model builder also keeps the GC log, so the two halves cost
    /// about the same. Three threads on two cores time-share one core
    /// (on the 250 MB churn trace the median load took 3.89 s against
    /// 3.65 s this way, 7 runs each).
    TwoThreads,
}

impl Layout {
    /// The layout for the cores this process may use.
    pub fn for_this_machine() -> Layout {
        match thread::available_parallelism() {
            Ok(n) if n.get() <= 2 => Layout::TwoThreads,
            _ => Layout::ThreeThreads,
        }
    }
}

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
    /// The goroutine analysis thread ([`Layout::ThreeThreads`]).
    to_summary: Option<SyncSender<Msg>>,
    /// The goroutine analysis run by the reader ([`Layout::TwoThreads`]).
    summary: Option<RefCell<Summarizer>>,
    free: Receiver<Vec<Event>>,
    free_tx: mpsc::Sender<Vec<Event>>,
}

impl Sink {
    /// Sends a chunk of events (all referring to `table`) to the consumers.
    pub fn send(&self, table: Arc<EvTable>, events: Vec<Event>) {
        let chunk = Arc::new(Chunk { table, events });
        // N.B. a consumer only hangs up by panicking; the panic is
        // reported when it is joined.
        let _ = self.to_model.send(Msg::Events(chunk.clone()));
        if let Some(to) = &self.to_summary {
            let _ = to.send(Msg::Events(chunk));
        } else if let Some(sum) = &self.summary {
            let mut sum = sum.borrow_mut();
            for ev in &chunk.events {
                sum.event(ev, &chunk.table);
            }
            release(chunk, &self.free_tx);
        }
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
/// the overview) and the analysis built as `layout` says. An error from
/// `read` is returned as is, the consumers' work dropped.
// N.B. over 80 lines: the channels, the two or three threads and their
// joining belong together (a scope); each thread's work is a function.
pub fn run<E>(
    layout: Layout,
    builder: ModelBuilder,
    summarizer: Summarizer,
    progress: Option<&super::Progress>,
    read: impl FnOnce(&Sink) -> Result<End, E>,
) -> Result<Output, E> {
    let (to_model, model_rx) = mpsc::sync_channel(QUEUE_CHUNKS);
    let (free_tx, free) = mpsc::channel();
    let three = layout == Layout::ThreeThreads;
    let (to_summary, summary_rx) = if three {
        let (tx, rx) = mpsc::sync_channel(QUEUE_CHUNKS);
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    let (summary_here, summary_there) = if three {
        (None, Some(summarizer))
    } else {
        (Some(RefCell::new(summarizer)), None)
    };
    let free_model = free_tx.clone();
    let free_summary = free_tx.clone();
    thread::scope(|s| {
        let model = thread::Builder::new()
            .name("model-builder".into())
            .spawn_scoped(s, move || {
                // The GC log rides with the model on two cores.
                build_model(builder, model_rx, !three, &free_model, progress)
            })
            .expect("spawn the model builder thread");
        let summary = match (summary_rx, summary_there) {
            (Some(rx), Some(sum)) => Some(
                thread::Builder::new()
                    .name("goroutine-summary".into())
                    .spawn_scoped(s, move || summarize(sum, rx, &free_summary))
                    .expect("spawn the goroutine summary thread"),
            ),
            _ => None,
        };
        let sink = Sink {
            to_model,
            to_summary,
            summary: summary_here,
            free,
            free_tx,
        };
        let res = read(&sink).map(Arc::new);
        if let Ok(end) = &res {
            let _ = sink.to_model.send(Msg::End(end.clone()));
            if let Some(to) = &sink.to_summary {
                let _ = to.send(Msg::End(end.clone()));
            }
        }
        let Sink {
            to_model,
            to_summary,
            summary: inline,
            ..
        } = sink;
        drop((to_model, to_summary));
        // On two cores the reader finishes the analysis while the model
        // thread finishes the model.
        let inline = match (&res, inline) {
            (Ok(_), Some(sum)) => Some(finish_summary(sum.into_inner())),
            _ => None,
        };
        let model = join(model);
        let summary = summary.map(join);
        res.map(|_| {
            let (trace, gc_inline) = model.expect("the model thread finished");
            let (summary, gc_log) = match (summary, inline, gc_inline) {
                (Some(Some((sum, gc))), _, _) => (sum, gc),
                (_, Some(sum), Some(gc)) => (sum, gc),
                _ => unreachable!("the analysis and the GC log were built"),
            };
            Output {
                trace,
                summary,
                gc_log,
            }
        })
    })
}

/// The model thread: builds the model (and the GC log, if `with_gc_log`)
/// from every chunk until the end; publishes a preview at each generation.
/// None if the reader stopped without an end (an error).
fn build_model(
    mut b: ModelBuilder,
    rx: Receiver<Msg>,
    with_gc_log: bool,
    free: &mpsc::Sender<Vec<Event>>,
    progress: Option<&super::Progress>,
) -> Option<(Trace, Option<GcLog>)> {
    let mut gc_log = with_gc_log.then(GcLogBuilder::default);
    let mut picture = progress.map(|p| PreviewBuilder::new(p.axis()));
    for msg in rx {
        match msg {
            Msg::Events(c) => {
                // One pass: each event is read from memory once.
                match &mut gc_log {
                    Some(g) => {
                        for ev in &c.events {
                            b.event(ev, &c.table);
                            g.event(ev, &c.table);
                        }
                    }
                    None => {
                        for ev in &c.events {
                            b.event(ev, &c.table);
                        }
                    }
                }
                // Each generation begins with a sync event: show the
                // window what the previous ones built.
                let boundary = c.events.iter().any(|e| e.typ == EventType::SYNC_EVENT);
                release(c, free);
                if let (true, Some(p), Some(pic)) = (boundary, progress, &mut picture) {
                    p.set_preview(b.preview(pic));
                }
            }
            Msg::End(end) => {
                if let Some(loss) = &end.loss {
                    b.set_loss(loss.clone());
                }
                let trace = b.finish(end.version.clone(), end.file_bytes, end.generations);
                return Some((trace, gc_log.map(GcLogBuilder::finish)));
            }
        }
    }
    None
}

/// The goroutine analysis thread ([`Layout::ThreeThreads`]): the analysis
/// and the GC log of every chunk until the end.
fn summarize(
    mut sum: Summarizer,
    rx: Receiver<Msg>,
    free: &mpsc::Sender<Vec<Event>>,
) -> Option<(GoroutineAnalysis, GcLog)> {
    let mut gc_log = GcLogBuilder::default();
    for msg in rx {
        match msg {
            Msg::Events(c) => {
                for ev in &c.events {
                    sum.event(ev, &c.table);
                    gc_log.event(ev, &c.table);
                }
                release(c, free);
            }
            Msg::End(_) => return Some((finish_summary(sum), gc_log.finish())),
        }
    }
    None
}

/// The goroutine analysis in the form the load keeps.
fn finish_summary(sum: Summarizer) -> GoroutineAnalysis {
    if sum.is_grouped() {
        GoroutineAnalysis::Groups(sum.finish_groups())
    } else {
        GoroutineAnalysis::Records(sum.finish_compact())
    }
}

/// Joins a consumer thread, passing its panic on.
fn join<T>(h: thread::ScopedJoinHandle<'_, T>) -> T {
    match h.join() {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    }
}
