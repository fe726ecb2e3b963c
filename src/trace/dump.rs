//! Events as text, in exactly the format of Go's `trace.Event.String()`
//! (what `go tool trace -d=parsed` prints), so our stream can be diffed
//! against Go's line for line.

use super::event::{Event, EventKind, RangeScope, Resource};
use super::spec::EventType;
use super::table::EvTable;
use std::fmt::Write;

/// Formats one event as Go does.
pub fn event_string(ev: &Event, t: &EvTable) -> String {
    let mut sb = String::with_capacity(128);
    let kind = ev.kind();
    let _ = write!(
        sb,
        "M={} P={} G={} {} Time={}",
        ev.ctx.m.0,
        ev.ctx.p.0,
        ev.ctx.g.0,
        kind.name(),
        ev.time
    );
    match kind {
        EventKind::Metric => {
            let (name, v) = ev.metric();
            let _ = write!(sb, " Name={} Value=Value{{Uint64({v})}}", go_quote(name));
        }
        EventKind::Label => {
            let _ = write!(
                sb,
                " Label={} Resource=Goroutine({})",
                go_quote(ev.label(t)),
                ev.ctx.g.0
            );
        }
        EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
            write_range(&mut sb, ev, t);
        }
        EventKind::TaskBegin | EventKind::TaskEnd => {
            let task = ev.task(t);
            let _ = write!(
                sb,
                " ID={} Parent={} Type={}",
                task.id.0,
                task.parent.0,
                go_quote(task.name)
            );
        }
        EventKind::RegionBegin | EventKind::RegionEnd => {
            let (task, typ) = ev.region(t);
            let _ = write!(sb, " Task={} Type={}", task.0, go_quote(typ));
        }
        EventKind::Log => {
            let (task, cat, msg) = ev.log(t);
            let _ = write!(
                sb,
                " Task={} Category={} Message={}",
                task.0,
                go_quote(cat),
                go_quote(msg)
            );
        }
        EventKind::StateTransition => write_transition(&mut sb, ev, t),
        EventKind::Experimental => write_experimental(&mut sb, ev, t),
        EventKind::Sync => write_sync(&mut sb, ev, t),
        EventKind::Bad | EventKind::StackSample => {}
    }
    let stk = ev.stack_id();
    if stk != 0 {
        sb.push_str("\nStack=\n");
        print_stack(&mut sb, t, stk);
    }
    sb
}

/// A range's name and scope, and the attributes of its end.
fn write_range(sb: &mut String, ev: &Event, t: &EvTable) {
    let r = ev.range(t);
    let scope = match r.scope {
        RangeScope::None => "None".to_string(),
        RangeScope::Goroutine(g) => format!("Goroutine({})", g.0),
        RangeScope::Proc(p) => format!("Proc({})", p.0),
    };
    let _ = write!(sb, " Name={} Scope={scope}", go_quote(&r.name));
    if ev.kind() == EventKind::RangeEnd {
        sb.push_str(" Attributes=[");
        if ev.typ == EventType::GC_SWEEP_END {
            let _ = write!(
                sb,
                "\"bytes swept\"=Value{{Uint64({})}} \"bytes reclaimed\"=Value{{Uint64({})}}",
                ev.args[0], ev.args[1]
            );
        }
        sb.push(']');
    }
}

/// A state transition: whose, from and to, why, and the transition's stack.
fn write_transition(sb: &mut String, ev: &Event, t: &EvTable) {
    let st = ev.state_transition(t);
    match st.resource {
        Resource::Goroutine(g) => {
            let _ = write!(
                sb,
                " GoID={} {}->{}",
                g.0,
                st.go_from.name(),
                st.go_to.name()
            );
        }
        Resource::Proc(p) => {
            let _ = write!(
                sb,
                " ProcID={} {}->{}",
                p.0,
                st.proc_from.name(),
                st.proc_to.name()
            );
        }
    }
    let _ = write!(sb, " Reason={}", go_quote(st.reason));
    // N.B. Go compares a creation's stack handle, not its ID, with
    // NoStack, so creations always print the section, even empty.
    let is_create = ev.typ == EventType::GO_CREATE || ev.typ == EventType::GO_CREATE_BLOCKED;
    if st.stack != 0 || is_create {
        sb.push_str("\nTransitionStack=\n");
        print_stack(sb, t, st.stack);
    }
}

/// An experimental event: its name and arguments, by the spec.
fn write_experimental(sb: &mut String, ev: &Event, t: &EvTable) {
    let Some(spec) = ev.typ.spec() else {
        return;
    };
    let _ = write!(sb, " Name={} Args=[", spec.name);
    for (i, a) in spec.args.iter().skip(1).enumerate() {
        if i != 0 {
            sb.push_str(", ");
        }
        if a.ends_with("string") {
            let _ = write!(sb, "{a}={}", t.string(ev.args[i]));
        } else {
            let _ = write!(sb, "{a}=Value{{Uint64({})}}", ev.args[i]);
        }
    }
    sb.push(']');
}

/// A sync event: its number, and the clock snapshot when there is one.
fn write_sync(sb: &mut String, ev: &Event, t: &EvTable) {
    let _ = write!(sb, " N={}", ev.args[0]);
    if t.sync.has_clock_snapshot && ev.args[1] == 0 {
        let s = &t.sync;
        let _ = write!(
            sb,
            " Trace={} Mono={} Wall={}",
            s.mul(s.snap_time),
            s.snap_mono,
            rfc3339_nano_utc(s.snap_wall_sec as i64, s.snap_wall_nsec as i64)
        );
    }
}

fn print_stack(sb: &mut String, t: &EvTable, stack: u64) {
    for &pc in t.stack(stack) {
        let f = t.frame(pc);
        let _ = writeln!(sb, "\t{} @ 0x{:x}", t.string(f.func), f.pc);
        let _ = writeln!(sb, "\t\t{}:{}", t.string(f.file), f.line);
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\u{fffd}' => out.push_str("\\ufffd"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x80 => out.push(c),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `strconv.IsPrint` for non-ASCII runes.
fn is_go_printable(c: char) -> bool {
    !c.is_control() && !c.is_whitespace() || c == '\u{3000}'
}

/// Formats a Unix time as Go's RFC3339Nano in UTC.
fn rfc3339_nano_utc(sec: i64, nsec: i64) -> String {
    let days = sec.div_euclid(86400);
    let rem = sec.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    );
    if nsec != 0 {
        let frac = format!("{nsec:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("héllo"), "\"héllo\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
    }

    #[test]
    fn formats_wall_clock() {
        assert_eq!(rfc3339_nano_utc(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339_nano_utc(1_700_000_000, 120_000_000),
            "2023-11-14T22:13:20.12Z"
        );
    }
}
