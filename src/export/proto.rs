//! The Perfetto trace messages we write, declared by hand with prost from
//! Perfetto's published `.proto` files (`protos/perfetto/trace/trace.proto`,
//! `trace_packet.proto`, `track_event/track_descriptor.proto`,
//! `track_event.proto`, `debug_annotation.proto`, `counter_descriptor.proto`,
//! `process_descriptor.proto`, `interned_data/interned_data.proto`). Only
//! the fields we use; `oneof` members are plain optional fields (the same
//! bytes on the wire). Field numbers are Perfetto's.

use prost::Message;

/// `Trace`: the file is a sequence of `packet` fields (tag 1).
#[derive(Clone, PartialEq, Message)]
pub struct Trace {
    /// The packets.
    #[prost(message, repeated, tag = "1")]
    pub packet: Vec<TracePacket>,
}

/// `TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED`.
pub const SEQ_INCREMENTAL_STATE_CLEARED: u32 = 1;
/// `TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE`.
pub const SEQ_NEEDS_INCREMENTAL_STATE: u32 = 2;

/// `TracePacket`.
#[derive(Clone, PartialEq, Message)]
pub struct TracePacket {
    /// Timestamp in ns (the trace's own clock).
    #[prost(uint64, optional, tag = "8")]
    pub timestamp: Option<u64>,
    /// A slice, instant or counter value.
    #[prost(message, optional, tag = "11")]
    pub track_event: Option<TrackEvent>,
    /// A track.
    #[prost(message, optional, tag = "60")]
    pub track_descriptor: Option<TrackDescriptor>,
    /// The packet sequence (one writer: always 1).
    #[prost(uint32, optional, tag = "10")]
    pub trusted_packet_sequence_id: Option<u32>,
    /// Interned names and strings first used by this packet.
    #[prost(message, optional, tag = "12")]
    pub interned_data: Option<InternedData>,
    /// `SEQ_*` flags.
    #[prost(uint32, optional, tag = "13")]
    pub sequence_flags: Option<u32>,
}

/// `TrackDescriptor`.
#[derive(Clone, PartialEq, Message)]
pub struct TrackDescriptor {
    /// Unique track ID.
    #[prost(uint64, optional, tag = "1")]
    pub uuid: Option<u64>,
    /// Track name.
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
    /// Makes it a process track.
    #[prost(message, optional, tag = "3")]
    pub process: Option<ProcessDescriptor>,
    /// Parent track.
    #[prost(uint64, optional, tag = "5")]
    pub parent_uuid: Option<u64>,
    /// Makes it a counter track.
    #[prost(message, optional, tag = "8")]
    pub counter: Option<CounterDescriptor>,
}

/// `ProcessDescriptor`.
#[derive(Clone, PartialEq, Message)]
pub struct ProcessDescriptor {
    /// Process ID.
    #[prost(int32, optional, tag = "1")]
    pub pid: Option<i32>,
    /// Process name.
    #[prost(string, optional, tag = "6")]
    pub process_name: Option<String>,
}

/// `CounterDescriptor.Unit.UNIT_COUNT`.
pub const UNIT_COUNT: i32 = 2;
/// `CounterDescriptor.Unit.UNIT_SIZE_BYTES`.
pub const UNIT_SIZE_BYTES: i32 = 3;

/// `CounterDescriptor`.
#[derive(Clone, PartialEq, Message)]
pub struct CounterDescriptor {
    /// `Unit` of the values.
    #[prost(int32, optional, tag = "3")]
    pub unit: Option<i32>,
}

/// `TrackEvent.Type.TYPE_SLICE_BEGIN`.
pub const TYPE_SLICE_BEGIN: i32 = 1;
/// `TrackEvent.Type.TYPE_SLICE_END`.
pub const TYPE_SLICE_END: i32 = 2;
/// `TrackEvent.Type.TYPE_INSTANT`.
pub const TYPE_INSTANT: i32 = 3;
/// `TrackEvent.Type.TYPE_COUNTER`.
pub const TYPE_COUNTER: i32 = 4;

/// `TrackEvent`.
#[derive(Clone, PartialEq, Message)]
pub struct TrackEvent {
    /// Annotations (the stack, the goroutine…).
    #[prost(message, repeated, tag = "4")]
    pub debug_annotations: Vec<DebugAnnotation>,
    /// `Type`.
    #[prost(int32, optional, tag = "9")]
    pub r#type: Option<i32>,
    /// Interned name (`InternedData.event_names`).
    #[prost(uint64, optional, tag = "10")]
    pub name_iid: Option<u64>,
    /// The track.
    #[prost(uint64, optional, tag = "11")]
    pub track_uuid: Option<u64>,
    /// Name, not interned.
    #[prost(string, optional, tag = "23")]
    pub name: Option<String>,
    /// Value of a counter event.
    #[prost(double, optional, tag = "44")]
    pub double_counter_value: Option<f64>,
    /// Flows that begin (or pass) here.
    #[prost(fixed64, repeated, tag = "47")]
    pub flow_ids: Vec<u64>,
    /// Flows that end here.
    #[prost(fixed64, repeated, tag = "48")]
    pub terminating_flow_ids: Vec<u64>,
}

/// `DebugAnnotation`.
#[derive(Clone, PartialEq, Message)]
pub struct DebugAnnotation {
    /// Interned name (`InternedData.debug_annotation_names`).
    #[prost(uint64, optional, tag = "1")]
    pub name_iid: Option<u64>,
    /// An integer value.
    #[prost(int64, optional, tag = "4")]
    pub int_value: Option<i64>,
    /// A string value, not interned.
    #[prost(string, optional, tag = "6")]
    pub string_value: Option<String>,
    /// Name, not interned.
    #[prost(string, optional, tag = "10")]
    pub name: Option<String>,
    /// Interned string value (`InternedData.debug_annotation_string_values`).
    #[prost(uint64, optional, tag = "17")]
    pub string_value_iid: Option<u64>,
}

/// `InternedData` (the tables we use).
#[derive(Clone, PartialEq, Message)]
pub struct InternedData {
    /// Event names.
    #[prost(message, repeated, tag = "2")]
    pub event_names: Vec<EventName>,
    /// Debug annotation names.
    #[prost(message, repeated, tag = "3")]
    pub debug_annotation_names: Vec<EventName>,
    /// Debug annotation string values.
    #[prost(message, repeated, tag = "29")]
    pub debug_annotation_string_values: Vec<InternedString>,
}

/// `EventName` (and `DebugAnnotationName`, the same fields).
#[derive(Clone, PartialEq, Message)]
pub struct EventName {
    /// Interning ID (never 0).
    #[prost(uint64, optional, tag = "1")]
    pub iid: Option<u64>,
    /// The name.
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
}

/// `InternedString`.
#[derive(Clone, PartialEq, Message)]
pub struct InternedString {
    /// Interning ID (never 0).
    #[prost(uint64, optional, tag = "1")]
    pub iid: Option<u64>,
    /// The string (UTF-8 bytes).
    #[prost(bytes = "vec", optional, tag = "2")]
    pub str: Option<Vec<u8>>,
}
