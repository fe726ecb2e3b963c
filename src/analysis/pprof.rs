//! Writing profiles in pprof's format (profile.proto, gzipped) so that
//! `go tool pprof` reads them: the same sample types as `go tool trace
//! -pprof=TYPE` (contentions/count, delay/nanoseconds).

use super::profiles::Profile;
use crate::model::Trace;
use prost::Message;
use rustc_hash::FxHashMap;
use std::io::Write;

/// pprof `Profile` message (only the fields we write).
#[derive(Clone, PartialEq, Message)]
pub struct PprofProfile {
    /// Sample types.
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    /// Samples.
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<Sample>,
    /// Locations.
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    /// Functions.
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    /// Strings; entry 0 is "".
    #[prost(string, repeated, tag = "6")]
    pub string_table: Vec<String>,
    /// Period type.
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    /// Period.
    #[prost(int64, tag = "12")]
    pub period: i64,
}

/// pprof `ValueType`.
#[derive(Clone, PartialEq, Message)]
pub struct ValueType {
    /// Type string index.
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    /// Unit string index.
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

/// pprof `Sample`.
#[derive(Clone, PartialEq, Message)]
pub struct Sample {
    /// Location IDs, leaf first.
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    /// Values, one per sample type.
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
}

/// pprof `Location`.
#[derive(Clone, PartialEq, Message)]
pub struct Location {
    /// ID (1-based).
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Address.
    #[prost(uint64, tag = "3")]
    pub address: u64,
    /// Source lines.
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<Line>,
}

/// pprof `Line`.
#[derive(Clone, PartialEq, Message)]
pub struct Line {
    /// Function ID.
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    /// Line number.
    #[prost(int64, tag = "2")]
    pub line: i64,
}

/// pprof `Function`.
#[derive(Clone, PartialEq, Message)]
pub struct Function {
    /// ID (1-based).
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Name string index.
    #[prost(int64, tag = "2")]
    pub name: i64,
    /// System name string index.
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    /// File name string index.
    #[prost(int64, tag = "4")]
    pub filename: i64,
}

/// The string table of a profile being built: each string once, "" first.
pub(crate) struct Strings {
    table: Vec<String>,
    index: FxHashMap<String, i64>,
}

impl Strings {
    /// A table holding only "" (index 0, as pprof requires).
    pub(crate) fn new() -> Strings {
        Strings {
            table: vec![String::new()],
            index: FxHashMap::from_iter([(String::new(), 0)]),
        }
    }

    /// The table, for `PprofProfile::string_table`.
    pub(crate) fn into_table(self) -> Vec<String> {
        self.table
    }

    /// The index of `s`, added if new.
    pub(crate) fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// An empty blocking profile as Go writes one: contentions (count) and
/// delay (nanoseconds) a sample, one trace a period.
pub(crate) fn blocking_profile(strings: &mut Strings) -> PprofProfile {
    PprofProfile {
        sample_type: vec![
            ValueType {
                r#type: strings.id("contentions"),
                unit: strings.id("count"),
            },
            ValueType {
                r#type: strings.id("delay"),
                unit: strings.id("nanoseconds"),
            },
        ],
        period_type: Some(ValueType {
            r#type: strings.id("trace"),
            unit: strings.id("count"),
        }),
        period: 1,
        ..PprofProfile::default()
    }
}

/// Builds the pprof message of a blocking profile.
pub fn to_pprof(trace: &Trace, profile: &Profile) -> PprofProfile {
    let mut strings = Strings::new();
    let mut p = blocking_profile(&mut strings);
    let mut locs: FxHashMap<u64, u64> = FxHashMap::default();
    let mut funcs: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    for rec in &profile.records {
        let mut ids = Vec::new();
        for f in trace.stacks.frames_of(rec.stack) {
            let loc = match locs.get(&f.pc) {
                Some(&l) => l,
                None => {
                    let fid = match funcs.get(&(f.file, f.func)) {
                        Some(&id) => id,
                        None => {
                            let id = p.function.len() as u64 + 1;
                            let name = strings.id(trace.str(f.func));
                            let filename = strings.id(trace.str(f.file));
                            p.function.push(Function {
                                id,
                                name,
                                system_name: name,
                                filename,
                            });
                            funcs.insert((f.file, f.func), id);
                            id
                        }
                    };
                    let id = p.location.len() as u64 + 1;
                    p.location.push(Location {
                        id,
                        address: f.pc,
                        line: vec![Line {
                            function_id: fid,
                            line: i64::from(f.line),
                        }],
                    });
                    locs.insert(f.pc, id);
                    id
                }
            };
            ids.push(loc);
        }
        p.sample.push(Sample {
            location_id: ids,
            value: vec![rec.count as i64, rec.delay_ns],
        });
    }
    p.string_table = strings.into_table();
    p
}

/// Encodes a profile as gzipped protobuf, as `go tool pprof` expects.
pub fn encode_gzipped(p: &PprofProfile) -> Vec<u8> {
    let raw = p.encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(&raw);
    gz.finish().unwrap_or_default()
}

/// Decodes a (gzipped or plain) pprof profile.
pub fn decode(data: &[u8]) -> Result<PprofProfile, String> {
    let raw = if data.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(data), &mut out)
            .map_err(|e| e.to_string())?;
        out
    } else {
        data.to_vec()
    };
    PprofProfile::decode(raw.as_slice()).map_err(|e| e.to_string())
}
