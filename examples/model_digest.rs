//! Prints a digest of everything a load produces (the model through its
//! public API, with interned IDs resolved to their strings and frames, and
//! the goroutine summary), one line per section, so that a change of
//! representation can be checked to keep the content exactly the same.
//!
//! Usage: model_digest FILE...

use gotraceview::load::{load_path_with, LoadOptions, Progress};
use gotraceview::model::{GIdx, StackId, Trace};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

/// A goroutine as the model held it before "none" was an `Option`: its
/// index, or `u32::MAX`.
fn old(g: Option<GIdx>) -> String {
    g.map_or(u32::MAX.to_string(), |g| g.to_string())
}

struct Section {
    name: &'static str,
    h: Sha256,
    n: u64,
}

impl Section {
    fn new(name: &'static str) -> Section {
        Section {
            name,
            h: Sha256::new(),
            n: 0,
        }
    }
    fn line(&mut self, s: &str) {
        self.h.update(s.as_bytes());
        self.h.update(b"\n");
        self.n += 1;
    }
    fn done(self) -> String {
        let hex: String = self
            .h
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}={}:{}", self.name, self.n, hex)
    }
}

fn stack(t: &Trace, id: StackId) -> String {
    let mut s = String::new();
    for f in t.stacks.frames_of(id) {
        let _ = write!(
            s,
            "{:x} {} {}:{};",
            f.pc,
            t.str(f.func),
            t.str(f.file),
            f.line
        );
    }
    s
}

fn main() {
    for path in std::env::args().skip(1) {
        // The whole model (every span) and every goroutine's figures.
        let l = match load_path_with(
            path.as_ref(),
            LoadOptions::whole(),
            &Progress::default(),
            &AtomicBool::new(false),
        ) {
            Ok(l) => l,
            Err(e) => {
                println!("{path}: ERROR {e}");
                continue;
            }
        };
        let t = &l.trace;
        let mut out = Vec::new();

        let mut s = Section::new("meta");
        let m = &t.meta;
        s.line(&format!(
            "{} {} {} {} {} {} {:?}",
            m.version,
            m.file_bytes,
            m.events,
            m.generations,
            m.start,
            m.end,
            m.loss.as_ref().map(|l| (&l.message, l.bytes_lost))
        ));
        out.push(s.done());

        let g = &t.goroutines;
        let mut s = Section::new("goroutines");
        let mut sp = Section::new("spans");
        for i in g.indexes() {
            s.line(&format!(
                "{} {} {} {} [{}] [{}] {} {} {}",
                g.id(i),
                t.str(g.name(i)),
                g.created(i),
                old(g.creator[i.ix()]),
                stack(t, g.create_stack(i)),
                stack(t, g.start_stack(i)),
                g.ended(i),
                t.str(g.label(i)),
                g.group(i).unwrap_or(u32::MAX)
            ));
            assert_eq!(g.find(g.id(i)), Some(i));
            let lane = &t.lane(i);
            sp.line(&format!("lane {} {} {}", i, lane.len, lane.end));
            for k in lane.indexes() {
                let x = t.spans.span(lane, k);
                sp.line(&format!(
                    "{} {} {:?} {} [{}]",
                    x.start,
                    x.end,
                    x.state,
                    t.reason(x.reason),
                    stack(t, x.stack)
                ));
            }
        }
        out.push(s.done());
        out.push(sp.done());

        let mut s = Section::new("groups");
        for gr in t.groups.iter() {
            let members: Vec<usize> = gr.members.iter().map(|g| g.ix()).collect();
            s.line(&format!("{} {members:?}", t.str(gr.name)));
        }
        out.push(s.done());

        let mut s = Section::new("flows");
        for i in g.indexes() {
            for f in t.flows_into(i) {
                s.line(&format!(
                    "in {i} {:?} {} {} {} {} {} [{}]",
                    f.kind,
                    old(f.from),
                    f.from_time,
                    f.to,
                    f.to_time,
                    t.reason(f.reason),
                    stack(t, f.stack)
                ));
            }
            for f in t.flows_from(i) {
                s.line(&format!(
                    "out {i} {:?} {} {} {} {}",
                    f.kind,
                    old(f.from),
                    f.from_time,
                    f.to,
                    f.to_time
                ));
            }
        }
        out.push(s.done());

        let mut s = Section::new("regions");
        for i in g.indexes() {
            for r in t.regions_of(i) {
                s.line(&format!(
                    "{} {} {} {} {} {} {} {} [{}]",
                    r.g,
                    r.task,
                    t.str(r.name),
                    r.start,
                    r.end,
                    r.depth,
                    r.has_start,
                    r.has_end,
                    stack(t, r.start_stack)
                ));
            }
            for w in t.gc_work_of(i) {
                s.line(&format!("gcw {} {} {} {:?}", w.g, w.start, w.end, w.kind));
            }
        }
        out.push(s.done());

        let mut s = Section::new("machines");
        for (what, lanes) in [
            (
                "P",
                t.procs
                    .iter()
                    .map(|p| (p.id.0, &p.intervals))
                    .collect::<Vec<_>>(),
            ),
            (
                "M",
                t.threads
                    .iter()
                    .map(|p| (p.id.0, &p.intervals))
                    .collect::<Vec<_>>(),
            ),
        ] {
            for (id, iv) in lanes {
                s.line(&format!("{what}{id} {} {}", iv.len(), iv.max_len));
                for k in 0..iv.len() {
                    s.line(&format!(
                        "{} {} {} {}",
                        iv.start(k),
                        iv.end(k),
                        old(iv.g(k)),
                        iv.kind(k) as u8
                    ));
                }
                let r = iv.visible(m.start + m.end / 3, m.end);
                s.line(&format!("vis {r:?}"));
            }
        }
        out.push(s.done());

        let mut s = Section::new("ranges");
        for r in t.gc.iter().chain(&t.stw) {
            s.line(&format!(
                "{} {} {} {}",
                r.start,
                r.end,
                t.str(r.reason),
                old(r.g)
            ));
        }
        for k in &t.tasks {
            s.line(&format!(
                "task {} {} {} {:?} {:?} {} {} [{}]",
                k.id,
                t.str(k.name),
                // As the model held them before they were Options.
                k.parent.map_or(u64::MAX, |p| p.0),
                k.start,
                k.end,
                old(k.start_g),
                old(k.end_g),
                stack(t, k.start_stack)
            ));
        }
        for lg in &t.logs {
            s.line(&format!(
                "log {} {} {} {} {} [{}]",
                lg.time,
                old(lg.g),
                lg.task,
                t.str(lg.category),
                t.str(lg.message),
                stack(t, lg.stack)
            ));
        }
        out.push(s.done());

        let mut s = Section::new("counters");
        for cs in t.counters.all() {
            s.line(&format!("{} {} {}", cs.name, cs.bucket_ns, cs.len()));
            for k in 0..cs.len() {
                s.line(&format!(
                    "{} {} {} {}",
                    cs.time[k], cs.min[k], cs.max[k], cs.last[k]
                ));
            }
        }
        out.push(s.done());

        let mut s = Section::new("cpu");
        for c in &t.cpu_samples {
            s.line(&format!(
                "{} {} {} {} [{}]",
                c.time,
                old(c.g),
                c.p,
                c.m,
                stack(t, c.stack)
            ));
        }
        out.push(s.done());

        let sum = l.summary().expect("every goroutine's figures");
        let mut s = Section::new("summary");
        let stats = |st: &gotraceview::analysis::summary::ExecStats| {
            let mut b: Vec<_> = st
                .block_ns
                .iter()
                .map(|&(k, v)| (sum.name(k).to_string(), v))
                .collect();
            b.sort();
            let mut r: Vec<_> = st
                .range_ns
                .iter()
                .map(|&(k, v)| (sum.name(k).to_string(), v))
                .collect();
            r.sort();
            format!(
                "{} {} {} {} {} {:?} {:?}",
                st.exec_ns, st.sched_wait_ns, st.syscall_ns, st.syscall_block_ns, st.total_ns, b, r
            )
        };
        for gs in &sum.goroutines {
            s.line(&format!(
                "{} {} {:x} {} {} {} {:?} {}",
                gs.id,
                gs.name,
                gs.pc,
                gs.creation,
                gs.start,
                gs.end,
                gs.regions,
                stats(&gs.stats)
            ));
        }
        for r in &sum.regions {
            s.line(&format!(
                "region {} {} {} {:?} {:?} {}",
                r.task,
                r.name,
                r.goroutine,
                r.start,
                r.end,
                stats(&r.stats)
            ));
        }
        for k in &sum.tasks {
            s.line(&format!(
                "task {} {} {:?} {:?} {:?} {:?} {} {} {} {:?} {:?}",
                k.id,
                k.name,
                k.parent,
                k.children,
                k.start,
                k.end,
                k.start_g,
                k.end_g,
                k.logs,
                k.regions,
                k.goroutines
            ));
        }
        out.push(s.done());

        let mut s = Section::new("gclog");
        for e in &l.gc_log.entries {
            s.line(&format!("{e:?}"));
        }
        s.line(&format!("{:?}", l.gc_log.last_time));
        out.push(s.done());

        println!("{path}: {}", out.join(" "));
    }
}
