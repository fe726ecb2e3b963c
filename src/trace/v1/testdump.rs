//! A one-line textual form of an event, identical to what the Go oracle
//! `testdata/gen/tools/v1dump` prints from Go's own parser, so that event
//! streams can be compared line for line. The format is documented there.
//!
//! (`trace::dump` prints Go's own multi-line `Event.String()` instead, for
//! exact digests; this form lets `tests::compare` treat windows of events
//! with equal timestamps as sets.)

use crate::trace::event::{EventKind, RangeScope, Resource};
use crate::trace::spec::EventType;
use crate::trace::table::EvTable;
use crate::trace::Event;
use std::fmt::Write;

/// Escapes a string the way the Go dumper does (`\` and newlines only).
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\\', '\n']) {
        s.replace('\\', "\\\\").replace('\n', "\\n").into()
    } else {
        s.into()
    }
}

/// `[0x<pc> <func> <file>:<line>; ...]` for a stack ID.
fn stack(out: &mut String, t: &EvTable, id: u64) {
    out.push('[');
    for (i, pc) in t.stack(id).iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        // Go reads an unknown PC as the zero frame.
        let f = t.pcs.get(pc).copied().unwrap_or_default();
        let _ = write!(
            out,
            "0x{:x} {} {}:{}",
            f.pc,
            esc(t.string(f.func)),
            esc(t.string(f.file)),
            f.line
        );
    }
    out.push(']');
}

fn scope(s: RangeScope) -> String {
    match s {
        RangeScope::None => "None".to_string(),
        RangeScope::Goroutine(g) => format!("Goroutine({g})"),
        RangeScope::Proc(p) => format!("Proc({p})"),
    }
}

/// The dump line of `ev`, whose strings and stacks are in `t`.
///
/// N.B. For a sync event Go only prints a clock snapshot when the event
/// carries a table; pass a table without one where Go's event has none
/// (the final sync event).
pub fn dump_line(ev: &Event, t: &EvTable) -> String {
    let kind = ev.kind();
    let mut s = format!(
        "{} t={} g={} p={} m={}",
        kind.name(),
        ev.time,
        ev.ctx.g,
        ev.ctx.p,
        ev.ctx.m
    );
    if ev.typ == EventType::CPU_SAMPLE || (ev.typ != EventType::SYNC_EVENT && ev.stack_id() != 0) {
        s.push_str(" stack=");
        stack(&mut s, t, ev.stack_id());
    }
    let a = &ev.args;
    match kind {
        EventKind::Sync => sync(&mut s, a[0], t),
        EventKind::Metric => {
            let (name, value) = ev.metric();
            let _ = write!(s, " name={name} value={value}");
        }
        EventKind::Label => {
            let _ = write!(
                s,
                " label={} resource=Goroutine({})",
                esc(ev.label(t)),
                ev.ctx.g
            );
        }
        EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
            let r = ev.range(t);
            let _ = write!(s, " name={} scope={}", esc(&r.name), scope(r.scope));
            if ev.typ == EventType::GC_SWEEP_END {
                let _ = write!(s, " attrs=[bytes swept={},bytes reclaimed={}]", a[0], a[1]);
            }
        }
        EventKind::TaskBegin | EventKind::TaskEnd => {
            let k = ev.task(t);
            let _ = write!(s, " task={} parent={} type={}", k.id, k.parent, esc(k.name));
        }
        EventKind::RegionBegin | EventKind::RegionEnd => {
            let (task, typ) = ev.region(t);
            let _ = write!(s, " task={task} type={}", esc(typ));
        }
        EventKind::Log => {
            let (task, cat, msg) = ev.log(t);
            let _ = write!(s, " task={task} category={} message={}", esc(cat), esc(msg));
        }
        EventKind::StateTransition => transition(&mut s, ev, t),
        EventKind::Experimental => experimental(&mut s, ev, t),
        EventKind::StackSample | EventKind::Bad => {}
    }
    s
}

/// A sync event's number, and its clock snapshot when the table has one.
fn sync(s: &mut String, n: u64, t: &EvTable) {
    let _ = write!(s, " n={n}");
    let c = &t.sync;
    if c.has_clock_snapshot {
        let wall = (c.snap_wall_sec as i64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(c.snap_wall_nsec as i64);
        let _ = write!(
            s,
            " snapshot={}/{}/{}",
            c.mul(c.snap_time),
            c.snap_mono,
            wall
        );
    }
}

/// A state transition: whose, from and to, why, and the transition's stack.
fn transition(s: &mut String, ev: &Event, t: &EvTable) {
    let st = ev.state_transition(t);
    match st.resource {
        Resource::Goroutine(g) => {
            let _ = write!(
                s,
                " resource=Goroutine({g}) {}->{}",
                st.go_from.name(),
                st.go_to.name()
            );
        }
        Resource::Proc(p) => {
            let _ = write!(
                s,
                " resource=Proc({p}) {}->{}",
                st.proc_from.name(),
                st.proc_to.name()
            );
        }
    }
    let _ = write!(s, " reason={}", esc(st.reason));
    // Go gives creations a stack handle even for stack ID 0.
    let creation = matches!(ev.typ, EventType::GO_CREATE | EventType::GO_CREATE_BLOCKED);
    if creation || st.stack != 0 {
        s.push_str(" tstack=");
        stack(s, t, st.stack);
    }
}

/// An experimental event: its name and arguments, by the spec.
fn experimental(s: &mut String, ev: &Event, t: &EvTable) {
    let spec = ev.typ.spec();
    let _ = write!(s, " name={} args=[", spec.map_or("", |x| x.name));
    let names = spec.map_or(&[][..], |x| x.args.get(1..).unwrap_or(&[]));
    for (i, (name, v)) in names.iter().zip(&ev.args).enumerate() {
        if i > 0 {
            s.push(',');
        }
        if name.ends_with("string") {
            let _ = write!(s, "{name}={}", esc(t.string(*v)));
        } else {
            let _ = write!(s, "{name}={v}");
        }
    }
    s.push(']');
}
