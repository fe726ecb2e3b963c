//! Streaming Perfetto packets to a writer: each `TracePacket` is encoded
//! on its own and written as one `Trace.packet` field, so the output never
//! sits in memory. Names and stacks are interned on the one packet
//! sequence we write (each sent once, in the packet that first uses it).

use super::proto::{
    DebugAnnotation, EventName, InternedData, InternedString, TracePacket, TrackDescriptor,
    TrackEvent, SEQ_INCREMENTAL_STATE_CLEARED, SEQ_NEEDS_INCREMENTAL_STATE,
};
use crate::model::{StackId, Trace};
use crate::trace::Time;
use prost::Message;
use rustc_hash::FxHashMap;
use std::io::{self, Write};

/// Our one packet sequence.
const SEQUENCE_ID: u32 = 1;

/// The debug annotations of an event.
pub type Args = Vec<DebugAnnotation>;

/// Debug annotation names we use, interned with iids 1, 2, ….
pub const ANNOTATIONS: [&str; 5] = ["stack", "goroutine", "function", "message", "category"];

/// A debug annotation name (an index into [`ANNOTATIONS`], iid = index + 1).
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    /// The stack where the span began.
    Stack = 0,
    /// Goroutine ID.
    Goroutine = 1,
    /// Start function.
    Function = 2,
    /// Log message.
    Message = 3,
    /// Log category.
    Category = 4,
}

/// Counts of what was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExportStats {
    /// Packets written.
    pub packets: u64,
    /// Track descriptors.
    pub tracks: u64,
    /// Slices (begin/end pairs).
    pub slices: u64,
    /// Instants.
    pub instants: u64,
    /// Flows (each with a source and a terminating event).
    pub flows: u64,
    /// Counter values.
    pub counter_values: u64,
    /// Bytes written.
    pub bytes: u64,
}

impl ExportStats {
    /// Adds the counts of another part of the same export.
    pub fn add(&mut self, o: &ExportStats) {
        self.packets += o.packets;
        self.tracks += o.tracks;
        self.slices += o.slices;
        self.instants += o.instants;
        self.flows += o.flows;
        self.counter_values += o.counter_values;
        self.bytes += o.bytes;
    }
}

/// Writes packets, interning names and stacks.
pub struct PacketWriter<'t, W: Write> {
    out: W,
    trace: &'t Trace,
    buf: Vec<u8>,
    started: bool,
    names: FxHashMap<String, u64>,
    /// Bit set of the stacks sent (iid = stack ID + 1).
    stacks_sent: Vec<u64>,
    pending: InternedData,
    /// What was written so far.
    pub stats: ExportStats,
}

impl<'t, W: Write> PacketWriter<'t, W> {
    /// A writer of the packets of `trace` to `out`.
    pub fn new(out: W, trace: &'t Trace) -> PacketWriter<'t, W> {
        let pending = InternedData {
            debug_annotation_names: ANNOTATIONS
                .iter()
                .enumerate()
                .map(|(i, n)| EventName {
                    iid: Some(i as u64 + 1),
                    name: Some((*n).to_string()),
                })
                .collect(),
            ..Default::default()
        };
        PacketWriter {
            out,
            trace,
            buf: Vec::with_capacity(1 << 12),
            started: false,
            names: FxHashMap::default(),
            stacks_sent: Vec::new(),
            pending,
            stats: ExportStats::default(),
        }
    }

    /// The interning ID of an event name (sent with the next packet if new).
    pub fn name_iid(&mut self, name: &str) -> u64 {
        if let Some(&iid) = self.names.get(name) {
            return iid;
        }
        let iid = self.names.len() as u64 + 1;
        self.names.insert(name.to_string(), iid);
        self.pending.event_names.push(EventName {
            iid: Some(iid),
            name: Some(name.to_string()),
        });
        iid
    }

    /// The interning ID of a stack as text (sent with the next packet if new).
    fn stack_iid(&mut self, stack: StackId) -> u64 {
        let (word, bit) = (stack as usize / 64, stack % 64);
        if self.stacks_sent.len() <= word {
            self.stacks_sent.resize(word + 1, 0);
        }
        if self.stacks_sent[word] & (1 << bit) == 0 {
            self.stacks_sent[word] |= 1 << bit;
            self.pending
                .debug_annotation_string_values
                .push(InternedString {
                    iid: Some(u64::from(stack) + 1),
                    str: Some(stack_text(self.trace, stack).into_bytes()),
                });
        }
        u64::from(stack) + 1
    }

    /// A `stack` annotation (none for stack 0).
    pub fn stack_arg(&mut self, stack: StackId) -> Option<DebugAnnotation> {
        (stack != 0).then(|| DebugAnnotation {
            name_iid: Some(Arg::Stack as u64 + 1),
            string_value_iid: Some(self.stack_iid(stack)),
            ..Default::default()
        })
    }

    /// An integer annotation.
    pub fn int_arg(arg: Arg, v: i64) -> DebugAnnotation {
        DebugAnnotation {
            name_iid: Some(arg as u64 + 1),
            int_value: Some(v),
            ..Default::default()
        }
    }

    /// A string annotation (not interned).
    pub fn str_arg(arg: Arg, v: &str) -> DebugAnnotation {
        DebugAnnotation {
            name_iid: Some(arg as u64 + 1),
            string_value: Some(v.to_string()),
            ..Default::default()
        }
    }

    /// Writes a track descriptor.
    pub fn track(&mut self, d: TrackDescriptor) -> io::Result<()> {
        self.stats.tracks += 1;
        self.write(TracePacket {
            track_descriptor: Some(d),
            ..Default::default()
        })
    }

    /// Writes a track event at time `t` (negative times are written as 0).
    pub fn event(&mut self, t: Time, e: TrackEvent) -> io::Result<()> {
        self.write(TracePacket {
            timestamp: Some(t.max(0) as u64),
            track_event: Some(e),
            ..Default::default()
        })
    }

    fn write(&mut self, mut p: TracePacket) -> io::Result<()> {
        p.trusted_packet_sequence_id = Some(SEQUENCE_ID);
        // Only packets that use interned names or stacks need the sequence's
        // state (slice ends and counter values do not: 2 bytes saved each).
        let interning = p.track_event.as_ref().is_some_and(|e| {
            e.name_iid.is_some() || e.debug_annotations.iter().any(|a| a.name_iid.is_some())
        });
        p.sequence_flags = if !self.started {
            Some(SEQ_INCREMENTAL_STATE_CLEARED | SEQ_NEEDS_INCREMENTAL_STATE)
        } else if interning {
            Some(SEQ_NEEDS_INCREMENTAL_STATE)
        } else {
            None
        };
        self.started = true;
        let d = &self.pending;
        if !(d.event_names.is_empty()
            && d.debug_annotation_names.is_empty()
            && d.debug_annotation_string_values.is_empty())
        {
            p.interned_data = Some(std::mem::take(&mut self.pending));
        }
        self.buf.clear();
        // `Trace.packet`, field 1, length-delimited.
        self.buf.push(0x0a);
        prost::encoding::encode_varint(p.encoded_len() as u64, &mut self.buf);
        p.encode(&mut self.buf)
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.out.write_all(&self.buf)?;
        self.stats.packets += 1;
        self.stats.bytes += self.buf.len() as u64;
        Ok(())
    }

    /// Flushes and returns the counts.
    pub fn finish(mut self) -> io::Result<ExportStats> {
        self.out.flush()?;
        Ok(self.stats)
    }
}

/// A stack as text, innermost frame first: `function file:line` a line.
pub fn stack_text(trace: &Trace, stack: StackId) -> String {
    let mut s = String::new();
    for f in trace.stacks.frames_of(stack) {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(trace.str(f.func));
        s.push(' ');
        s.push_str(trace.str(f.file));
        s.push(':');
        s.push_str(&f.line.to_string());
    }
    s
}
