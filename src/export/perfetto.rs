//! A trace model as a Perfetto trace: a process track for the trace; under
//! it the GC and STW tracks, one counter track per counter series, a track
//! per P and per thread (which goroutine ran), and the goroutines grouped
//! under their start function, each with its state slices (the stack where
//! the state began as a debug annotation), instants for its logs and for the
//! goroutines it created or unblocked (flows to where they next ran), and
//! a child track of its user regions. Written track by track, in time
//! order within a track, streaming: memory beyond the model is one
//! goroutine's flows and a log index.

use super::proto::{
    CounterDescriptor, ProcessDescriptor, TrackDescriptor, TrackEvent, TYPE_COUNTER,
    TYPE_SLICE_BEGIN, TYPE_SLICE_END, UNIT_COUNT, UNIT_SIZE_BYTES,
};
use super::writer::{Arg, ExportStats, PacketWriter};
use crate::format;
use crate::model::{CounterSeries, Flow, FlowKind, GoLaneState, IntervalKind, IntervalLane, Trace};
use crate::trace::Time;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Name of the process track (the trace's file name).
    pub name: String,
    /// Only what happened at or after this time (ns, the trace's clock).
    pub from_ns: Option<Time>,
    /// Only what happened before this time.
    pub to_ns: Option<Time>,
    /// Which tracks to write (a big trace is written in parts).
    pub parts: Parts,
}

/// Which tracks an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Parts {
    /// Everything.
    #[default]
    All,
    /// GC, STW and the counters (from a big trace's overview).
    Runtime,
    /// Procs, threads and goroutines (from a detail tile).
    Lanes,
}

/// Kinds of track, the low 4 bits of a track's uuid (the rest is an index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TrackKind {
    /// The trace (a process track).
    Root = 1,
    /// A heading: runtime, procs, threads, goroutines.
    Section = 2,
    /// A P.
    Proc = 3,
    /// A thread.
    Thread = 4,
    /// A group of goroutines with one start function.
    Group = 5,
    /// A goroutine.
    Goroutine = 6,
    /// A goroutine's user regions.
    Regions = 7,
    /// A counter.
    Counter = 8,
    /// GC mark phases.
    Gc = 9,
    /// Stop-the-world pauses.
    Stw = 10,
}

/// The uuid of track `index` of a kind: the kind in the low 4 bits, so
/// that uuids stay short varints (every event names its track).
pub fn uuid(kind: TrackKind, index: u64) -> u64 {
    index << 4 | kind as u64
}

/// The kind of a track uuid.
pub fn kind_of(uuid: u64) -> u8 {
    (uuid & 0xf) as u8
}

/// The sections, in order, with their names.
const SECTIONS: [&str; 4] = ["Runtime", "Procs", "Threads", "Goroutines"];

/// The flow ID of a flow (the same from either end; never 0).
pub fn flow_id(f: &Flow) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in [
        // The runtime as `NO_G` was: flows from it are not exported.
        f.from.map_or(u64::from(u32::MAX), u64::from),
        f.from_time as u64,
        u64::from(f.to),
        f.to_time as u64,
        f.kind as u64,
    ] {
        h = (h ^ v).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    }
    h.max(1)
}

/// The flows the export draws: creations and unblocks by a goroutine.
pub fn exported_flow(f: &Flow) -> bool {
    f.from.is_some() && matches!(f.kind, FlowKind::Create | FlowKind::Unblock)
}

/// The name of a state slice: the state, and for waits the reason.
pub fn state_name(trace: &Trace, state: GoLaneState, reason: u16) -> String {
    let r = trace.reason(reason);
    if r.is_empty() {
        state.name().to_string()
    } else {
        format!("{}: {r}", state.name())
    }
}

/// Writes `trace` to `out` as a Perfetto trace. `cancel` stops it between
/// tracks (the result is then an error).
pub fn export_perfetto<W: Write>(
    trace: &Trace,
    opts: &ExportOptions,
    out: W,
    cancel: &AtomicBool,
) -> io::Result<ExportStats> {
    let w0 = opts
        .from_ns
        .unwrap_or(trace.meta.start)
        .max(trace.meta.start);
    let w1 = opts.to_ns.unwrap_or(trace.meta.end).min(trace.meta.end);
    if w1 < w0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the range {w0}..{w1} is empty or outside the trace"),
        ));
    }
    let mut e = Exporter {
        w: PacketWriter::new(out, trace),
        t: trace,
        w0,
        w1,
        cancel,
    };
    e.sections(&opts.name)?;
    if opts.parts != Parts::Lanes {
        e.runtime()?;
        e.counters()?;
    }
    if opts.parts != Parts::Runtime {
        e.lanes(TrackKind::Proc)?;
        e.lanes(TrackKind::Thread)?;
        e.goroutines()?;
    }
    e.w.finish()
}

/// The state of one export (the goroutine tracks are in `goroutines.rs`).
pub(super) struct Exporter<'a, W: Write> {
    pub(super) w: PacketWriter<'a, W>,
    pub(super) t: &'a Trace,
    pub(super) w0: Time,
    pub(super) w1: Time,
    cancel: &'a AtomicBool,
}

/// A plain track named `name` under `parent`.
pub(super) fn named(uuid: u64, parent: u64, name: String) -> TrackDescriptor {
    TrackDescriptor {
        uuid: Some(uuid),
        parent_uuid: Some(parent),
        name: Some(name),
        ..Default::default()
    }
}

impl<W: Write> Exporter<'_, W> {
    pub(super) fn check_cancel(&self) -> io::Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "export cancelled",
            ));
        }
        Ok(())
    }

    /// Clips `[a, b)` to the window; None if it misses it.
    pub(super) fn clip(&self, a: Time, b: Time) -> Option<(Time, Time)> {
        let (ca, cb) = (a.max(self.w0), b.min(self.w1));
        (ca < cb || (a == b && a >= self.w0 && a <= self.w1)).then_some((ca, cb))
    }

    fn sections(&mut self, name: &str) -> io::Result<()> {
        let root = uuid(TrackKind::Root, 0);
        self.w.track(TrackDescriptor {
            uuid: Some(root),
            name: Some(name.to_string()),
            process: Some(ProcessDescriptor {
                pid: Some(1),
                process_name: Some(name.to_string()),
            }),
            ..Default::default()
        })?;
        for (i, s) in SECTIONS.iter().enumerate() {
            self.w.track(named(
                uuid(TrackKind::Section, i as u64),
                root,
                (*s).to_string(),
            ))?;
        }
        Ok(())
    }

    /// Begins a slice on a track; `e` carries its name, annotations and
    /// ending flows.
    pub(super) fn begin(&mut self, track: u64, at: Time, e: TrackEvent) -> io::Result<()> {
        let e = TrackEvent {
            r#type: Some(TYPE_SLICE_BEGIN),
            track_uuid: Some(track),
            ..e
        };
        self.w.event(at, e)
    }

    /// Ends the innermost open slice of a track (and counts it).
    pub(super) fn end(&mut self, track: u64, at: Time) -> io::Result<()> {
        self.w.stats.slices += 1;
        let e = TrackEvent {
            r#type: Some(TYPE_SLICE_END),
            track_uuid: Some(track),
            ..Default::default()
        };
        self.w.event(at, e)
    }

    /// A slice with an interned name and no annotations.
    fn slice(&mut self, track: u64, (a, b): (Time, Time), name_iid: u64) -> io::Result<()> {
        let e = TrackEvent {
            name_iid: Some(name_iid),
            ..Default::default()
        };
        self.begin(track, a, e)?;
        self.end(track, b)
    }

    fn runtime(&mut self) -> io::Result<()> {
        let parent = uuid(TrackKind::Section, 0);
        let (gc, stw) = (uuid(TrackKind::Gc, 0), uuid(TrackKind::Stw, 0));
        self.w.track(named(gc, parent, "GC".into()))?;
        self.w.track(named(stw, parent, "STW".into()))?;
        let gc_name = self.w.name_iid("GC");
        for r in &self.t.gc {
            if let Some(ab) = self.clip(r.start, r.end) {
                self.slice(gc, ab, gc_name)?;
            }
        }
        for r in &self.t.stw {
            if let Some(ab) = self.clip(r.start, r.end) {
                let reason = self.t.str(r.reason);
                let name = self.w.name_iid(&if reason.is_empty() {
                    "STW".to_string()
                } else {
                    format!("STW: {reason}")
                });
                self.slice(stw, ab, name)?;
            }
        }
        Ok(())
    }

    fn counters(&mut self) -> io::Result<()> {
        let parent = uuid(TrackKind::Section, 0);
        for (i, s) in self.t.counters.all().into_iter().enumerate() {
            if s.is_empty() {
                continue;
            }
            let id = uuid(TrackKind::Counter, i as u64);
            let unit = if s.name.starts_with("heap") {
                UNIT_SIZE_BYTES
            } else {
                UNIT_COUNT
            };
            self.w.track(TrackDescriptor {
                counter: Some(CounterDescriptor { unit: Some(unit) }),
                ..named(id, parent, s.name.to_string())
            })?;
            self.counter_values(id, s)?;
        }
        Ok(())
    }

    /// The value at the window's start, then each change within it.
    fn counter_values(&mut self, track: u64, s: &CounterSeries) -> io::Result<()> {
        let r = s.visible(self.w0, self.w1);
        for i in r {
            let t = s.time[i].max(self.w0);
            self.w.event(
                t,
                TrackEvent {
                    r#type: Some(TYPE_COUNTER),
                    track_uuid: Some(track),
                    double_counter_value: Some(s.last[i]),
                    ..Default::default()
                },
            )?;
            self.w.stats.counter_values += 1;
        }
        Ok(())
    }

    fn lanes(&mut self, kind: TrackKind) -> io::Result<()> {
        let (section, prefix, count) = match kind {
            TrackKind::Proc => (1, "P", self.t.procs.len()),
            _ => (2, "M", self.t.threads.len()),
        };
        for i in 0..count {
            self.check_cancel()?;
            let (id, lane) = match kind {
                TrackKind::Proc => (self.t.procs[i].id.0, &self.t.procs[i].intervals),
                _ => (self.t.threads[i].id.0, &self.t.threads[i].intervals),
            };
            let track = uuid(kind, i as u64);
            self.w.track(named(
                track,
                uuid(TrackKind::Section, section),
                format!("{prefix}{id}"),
            ))?;
            self.intervals(track, lane)?;
        }
        Ok(())
    }

    /// The intervals of a P or thread: "G123" running, "syscall G123".
    fn intervals(&mut self, track: u64, lane: &IntervalLane) -> io::Result<()> {
        for i in lane.visible(self.w0, self.w1) {
            let Some((a, b)) = self.clip(lane.start(i), lane.end(i)) else {
                continue;
            };
            let g = lane.g(i);
            let gid = g.and_then(|g| self.t.goroutines.try_id(g)).map(|id| id.0);
            let name = match (lane.kind(i), gid) {
                (IntervalKind::Syscall, Some(_)) => format!("syscall {}", format::goroutine(gid)),
                (IntervalKind::Syscall, None) => "syscall".to_string(),
                (_, Some(_)) => format::goroutine(gid),
                (_, None) => "running".to_string(),
            };
            let mut args = Vec::new();
            if let (Some(id), Some(g)) = (gid, g) {
                args.push(PacketWriter::<W>::int_arg(Arg::Goroutine, id));
                let f = self.t.str(self.t.goroutines.name(g));
                if !f.is_empty() {
                    args.push(PacketWriter::<W>::str_arg(Arg::Function, f));
                }
            }
            let e = TrackEvent {
                name: Some(name),
                debug_annotations: args,
                ..Default::default()
            };
            self.begin(track, a, e)?;
            self.end(track, b)?;
        }
        Ok(())
    }
}
