//! The goroutine tracks of a Perfetto export: grouped under their start
//! function, each with its state slices (the stack where each began as an
//! annotation), instants for its logs and for the goroutines it created or
//! unblocked (with flows to where they next ran), and a child track of its
//! user regions, nested.

use super::perfetto::{exported_flow, flow_id, named, state_name, uuid, Exporter, TrackKind};
use super::proto::{TrackEvent, TYPE_INSTANT};
use super::writer::{Arg, PacketWriter};
use crate::format;
use crate::model::{Flow, FlowKind, GIdx, LogEntry};
use crate::trace::Time;
use std::io::{self, Write};

impl<W: Write> Exporter<'_, W> {
    /// Every goroutine's track, group by group.
    pub(super) fn goroutines(&mut self) -> io::Result<()> {
        let t = self.t;
        let section = uuid(TrackKind::Section, 3);
        // Logs by goroutine (4 bytes a log).
        let mut logs: Vec<u32> = (0..t.logs.len() as u32)
            .filter(|&i| {
                let l = &t.logs[i as usize];
                l.time >= self.w0 && l.time <= self.w1
            })
            .collect();
        logs.sort_by_key(|&i| (t.logs[i as usize].g, t.logs[i as usize].time));
        for (gi, group) in t.groups.iter().enumerate() {
            let name = t.str(group.name);
            let gtrack = uuid(TrackKind::Group, gi as u64);
            let mut described = false;
            for &g in &group.members {
                self.check_cancel()?;
                let lane = t.lane(g);
                if lane.len == 0
                    || self
                        .clip(t.spans.start(lane.first as usize), lane.end)
                        .is_none()
                {
                    continue;
                }
                if !described {
                    let label = if name.is_empty() {
                        "(unknown start)"
                    } else {
                        name
                    };
                    self.w.track(named(gtrack, section, label.to_string()))?;
                    described = true;
                }
                let k = logs.partition_point(|&i| t.logs[i as usize].g < Some(g));
                let n = logs[k..].partition_point(|&i| t.logs[i as usize].g == Some(g));
                self.goroutine(g, gtrack, &logs[k..k + n])?;
            }
        }
        Ok(())
    }

    /// A goroutine's track: state slices, log and flow instants, regions.
    fn goroutine(&mut self, g: GIdx, parent: u64, logs: &[u32]) -> io::Result<()> {
        let t = self.t;
        let track = uuid(TrackKind::Goroutine, u64::from(g));
        self.w.track(named(
            track,
            parent,
            format::goroutine(Some(t.goroutines.id(g).0)),
        ))?;
        let (w0, w1) = (self.w0, self.w1);
        let in_window = move |x: Time| x >= w0 && x <= w1;
        // Flows ending here (by target time) and starting here (by source time).
        let mut ending: Vec<(Time, u64)> = t
            .flows_into(g)
            .filter(|f| exported_flow(f) && in_window(f.from_time) && in_window(f.to_time))
            .map(|f| (f.to_time, flow_id(&f)))
            .collect();
        ending.sort_by_key(|e| e.0);
        let mut starting = t
            .flows_from(g)
            .filter(|f| exported_flow(f) && in_window(f.from_time) && in_window(f.to_time))
            .peekable();
        let mut logs = logs.iter().map(|&k| &t.logs[k as usize]).peekable();
        let mut end_k = 0;
        let lane = t.lane(g);
        let spans = t.spans.visible(&lane, self.w0, self.w1.max(self.w0 + 1));
        let last = spans.end;
        for si in spans {
            let s = t.spans.span(&lane, si);
            let Some((a, b)) = self.clip(s.start, s.end) else {
                continue;
            };
            // Flows arriving before this span (none began): instants.
            while end_k < ending.len() && ending[end_k].0 < a {
                self.flow_end_instant(track, ending[end_k])?;
                end_k += 1;
            }
            let mut here = Vec::new();
            while end_k < ending.len() && ending[end_k].0 == a {
                here.push(ending[end_k].1);
                end_k += 1;
            }
            let name = self.w.name_iid(&state_name(t, s.state, s.reason));
            let args = self.w.stack_arg(s.stack).into_iter().collect();
            self.w.stats.flows += here.len() as u64;
            let e = TrackEvent {
                name_iid: Some(name),
                debug_annotations: args,
                terminating_flow_ids: here,
                ..Default::default()
            };
            self.begin(track, a, e)?;
            // Instants within the span (the last span takes those at its end).
            let within = |x: Time| x < b || (si + 1 == last && x <= b);
            while let Some(f) = starting.next_if(|f| within(f.from_time)) {
                self.flow_start_instant(track, &f)?;
            }
            while let Some(l) = logs.next_if(|l| within(l.time)) {
                self.log_instant(track, l)?;
            }
            while end_k < ending.len() && within(ending[end_k].0) && ending[end_k].0 > a {
                self.flow_end_instant(track, ending[end_k])?;
                end_k += 1;
            }
            self.end(track, b)?;
        }
        // Whatever no span held (outside the lane, or at its very end).
        for f in starting {
            self.flow_start_instant(track, &f)?;
        }
        for &e in &ending[end_k..] {
            self.flow_end_instant(track, e)?;
        }
        for l in logs {
            self.log_instant(track, l)?;
        }
        self.regions(g, track)
    }

    /// An instant on a track; `e` carries its name, annotations and flows.
    fn instant(&mut self, track: u64, at: Time, e: TrackEvent) -> io::Result<()> {
        self.w.stats.instants += 1;
        let e = TrackEvent {
            r#type: Some(TYPE_INSTANT),
            track_uuid: Some(track),
            ..e
        };
        self.w.event(at, e)
    }

    /// A log message: named by its category, the message as an annotation.
    fn log_instant(&mut self, track: u64, l: &LogEntry) -> io::Result<()> {
        let cat = self.t.str(l.category);
        let name = self.w.name_iid(if cat.is_empty() { "log" } else { cat });
        let mut args = vec![PacketWriter::<W>::str_arg(
            Arg::Message,
            self.t.str(l.message),
        )];
        if !cat.is_empty() {
            args.push(PacketWriter::<W>::str_arg(Arg::Category, cat));
        }
        args.extend(self.w.stack_arg(l.stack));
        let e = TrackEvent {
            name_iid: Some(name),
            debug_annotations: args,
            ..Default::default()
        };
        self.instant(track, l.time, e)
    }

    /// "created G5" / "unblocked G7" where `f` began, with its flow.
    fn flow_start_instant(&mut self, track: u64, f: &Flow) -> io::Result<()> {
        let verb = if f.kind == FlowKind::Create {
            "created"
        } else {
            "unblocked"
        };
        let target = crate::analysis::report::go_id(self.t, f.to);
        let name = self.w.name_iid(verb);
        let mut args = vec![PacketWriter::<W>::int_arg(Arg::Goroutine, target)];
        args.extend(self.w.stack_arg(f.stack));
        let e = TrackEvent {
            name_iid: Some(name),
            debug_annotations: args,
            flow_ids: vec![flow_id(f)],
            ..Default::default()
        };
        self.instant(track, f.from_time, e)
    }

    /// A flow that reached the goroutine where none of its spans begins.
    fn flow_end_instant(&mut self, track: u64, (at, id): (Time, u64)) -> io::Result<()> {
        self.w.stats.flows += 1;
        let e = TrackEvent {
            name_iid: Some(self.w.name_iid("woken")),
            terminating_flow_ids: vec![id],
            ..Default::default()
        };
        self.instant(track, at, e)
    }

    /// The user regions of goroutine `g`, nested, on a child track.
    fn regions(&mut self, g: GIdx, parent: u64) -> io::Result<()> {
        let t = self.t;
        let track = uuid(TrackKind::Regions, u64::from(g));
        let mut open: Vec<Time> = Vec::new();
        let mut described = false;
        for r in t.regions_of(g) {
            let Some((a, b)) = self.clip(r.start, r.end) else {
                continue;
            };
            if !described {
                let name = format!("{} regions", format::goroutine(Some(t.goroutines.id(g).0)));
                self.w.track(named(track, parent, name))?;
                described = true;
            }
            self.close_regions(track, &mut open, a)?;
            let name = self.w.name_iid(t.str(r.name));
            let args = self.w.stack_arg(r.start_stack).into_iter().collect();
            let e = TrackEvent {
                name_iid: Some(name),
                debug_annotations: args,
                ..Default::default()
            };
            self.begin(track, a, e)?;
            // A child never outlives its parent.
            open.push(open.last().map_or(b, |&p| b.min(p)));
        }
        self.close_regions(track, &mut open, Time::MAX)
    }

    /// Ends the open regions that end at or before `t`, innermost first.
    fn close_regions(&mut self, track: u64, open: &mut Vec<Time>, t: Time) -> io::Result<()> {
        while let Some(&end) = open.last().filter(|&&e| e <= t) {
            open.pop();
            self.end(track, end)?;
        }
        Ok(())
    }
}
