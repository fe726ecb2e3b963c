//! A blocking profile's difference as a pprof profile: B minus A, one
//! sample per stack (matched by function, file and line, not by PC, so two
//! builds match), negative where the waiting shrank. `go tool pprof` reads
//! it as it reads `-diff_base A B`: the totals and each function's flat
//! and cumulative time are B's minus A's.

use super::profiles::{FrameKey, ProfileFigures};
use crate::analysis::pprof::{Function, Line, Location, PprofProfile, Sample, Strings};
use std::collections::BTreeMap;

/// B's profile minus A's (same kind), as pprof.
pub fn diff_pprof(a: &ProfileFigures, b: &ProfileFigures) -> PprofProfile {
    // (waits, delay) of each stack, B minus A.
    let mut by: BTreeMap<&[FrameKey], (i64, i64)> = BTreeMap::new();
    for (sign, p) in [(-1i64, a), (1, b)] {
        for s in &p.stacks {
            let e = by.entry(&s.frames).or_default();
            e.0 += sign * s.count as i64;
            e.1 = e.1.saturating_add(sign.saturating_mul(s.delay_ns));
        }
    }
    let mut strings = Strings::new();
    let mut p = crate::analysis::pprof::blocking_profile(&mut strings);
    let mut functions: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut locations: BTreeMap<&FrameKey, u64> = BTreeMap::new();
    for (frames, (count, delay)) in by {
        if count == 0 && delay == 0 {
            continue;
        }
        let mut ids = Vec::with_capacity(frames.len());
        for f in frames {
            let loc = match locations.get(f) {
                Some(&id) => id,
                None => {
                    let fid = *functions
                        .entry((f.func.as_str(), f.file.as_str()))
                        .or_insert_with(|| {
                            let id = p.function.len() as u64 + 1;
                            let name = strings.id(&f.func);
                            let filename = strings.id(&f.file);
                            p.function.push(Function {
                                id,
                                name,
                                system_name: name,
                                filename,
                            });
                            id
                        });
                    let id = p.location.len() as u64 + 1;
                    p.location.push(Location {
                        id,
                        address: 0,
                        line: vec![Line {
                            function_id: fid,
                            line: i64::from(f.line),
                        }],
                    });
                    locations.insert(f, id);
                    id
                }
            };
            ids.push(loc);
        }
        p.sample.push(Sample {
            location_id: ids,
            value: vec![count, delay],
        });
    }
    p.string_table = strings.into_table();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::profiles::StackFigure;
    use crate::analysis::profiles::ProfileKind;

    fn frame(func: &str, line: u32) -> FrameKey {
        FrameKey {
            func: func.into(),
            file: "main.go".into(),
            line,
        }
    }

    fn profile(stacks: &[(&[FrameKey], u64, i64)]) -> ProfileFigures {
        ProfileFigures {
            kind: ProfileKind::Sync,
            stacks: stacks
                .iter()
                .map(|(f, count, delay_ns)| StackFigure {
                    frames: f.to_vec(),
                    count: *count,
                    delay_ns: *delay_ns,
                })
                .collect(),
        }
    }

    #[test]
    fn samples_are_b_minus_a_by_stack() {
        let lock = [frame("sync.(*Mutex).Lock", 10), frame("main.update", 20)];
        let recv = [frame("runtime.chanrecv1", 5), frame("main.wait", 30)];
        let a = profile(&[(&lock, 10, 1_000), (&recv, 4, 500)]);
        let b = profile(&[(&lock, 10, 4_000), (&recv, 2, 100)]);
        let p = diff_pprof(&a, &b);
        let mut values: Vec<Vec<i64>> = p.sample.iter().map(|s| s.value.clone()).collect();
        values.sort();
        assert_eq!(values, vec![vec![-2, -400], vec![0, 3_000]]);
        assert_eq!(p.location.len(), 4);
    }

    #[test]
    fn a_profile_minus_itself_has_no_sample() {
        let lock = [frame("sync.(*Mutex).Lock", 10), frame("main.update", 20)];
        let a = profile(&[(&lock, 10, 1_000)]);
        assert!(diff_pprof(&a, &a).sample.is_empty());
    }
}
