//! Special ranges: GC mark phases, stop-the-world pauses, sweeping and mark
//! assists (charged to the goroutine that did them).

use super::super::lanes::IntervalKind;
use super::super::{GcWork, TimeRange};
use super::ModelBuilder;
use crate::trace::event::{Event, EventKind, RangeKind, RangeScope};
use crate::trace::{EvTable, Time};

impl ModelBuilder {
    // N.B. over 80 lines: one arm per kind of range (GC, STW, sweep, mark
    // assist), each opening and closing its own record.
    pub(super) fn range(&mut self, ev: &Event, t: &EvTable) {
        let r = ev.range(t);
        let kind = ev.kind();
        // A range already running when the generation started began at the
        // generation start at the latest.
        let begin = if kind == EventKind::RangeActive {
            self.sync_time
        } else {
            ev.time
        };
        match r.kind {
            RangeKind::GcMark => match kind {
                EventKind::RangeEnd => {
                    let start = self.gc_open.take().unwrap_or(self.meta.start);
                    self.gc.push(TimeRange {
                        start,
                        end: ev.time,
                        reason: 0,
                        g: None,
                    });
                }
                _ => {
                    self.gc_open.get_or_insert(begin);
                }
            },
            RangeKind::Stw => {
                let g = self.goroutines.find(ev.ctx.g);
                match kind {
                    EventKind::RangeEnd => {
                        let reason_id = ev.args[0];
                        let (start, reason) =
                            self.stw_open.remove(&g).unwrap_or((self.meta.start, 0));
                        let reason = if reason == 0 {
                            self.intern_string(t, reason_id)
                        } else {
                            reason
                        };
                        self.stw.push(TimeRange {
                            start,
                            end: ev.time,
                            reason,
                            g,
                        });
                    }
                    _ => {
                        let reason = self.intern_string(t, ev.args[0]);
                        self.stw_open.insert(g, (begin, reason));
                    }
                }
            }
            RangeKind::Sweep => {
                let RangeScope::Proc(p) = r.scope else {
                    return;
                };
                match kind {
                    EventKind::RangeEnd => {
                        if let Some((start, Some(g))) = self.sweep_open.remove(&p.0) {
                            self.gc_work.push(GcWork {
                                g,
                                start,
                                end: ev.time,
                                kind: IntervalKind::Sweep,
                            });
                        }
                    }
                    _ => {
                        let g = self.goroutines.find(ev.ctx.g);
                        self.sweep_open.entry(p.0).or_insert((begin, g));
                    }
                }
            }
            RangeKind::MarkAssist => {
                let RangeScope::Goroutine(gid) = r.scope else {
                    return;
                };
                let Some(g) = self.goroutines.find(gid) else {
                    return;
                };
                let Some(lg) = self.live.get_mut(&g) else {
                    return;
                };
                match kind {
                    EventKind::RangeEnd => {
                        if let Some(start) = lg.assist.take() {
                            self.gc_work.push(GcWork {
                                g,
                                start,
                                end: ev.time,
                                kind: IntervalKind::MarkAssist,
                            });
                        }
                    }
                    _ => {
                        lg.assist.get_or_insert(begin);
                    }
                }
            }
        }
    }

    /// Closes ranges still open at the end of the trace.
    pub(super) fn finish_ranges(&mut self, end: Time) {
        if let Some(start) = self.gc_open.take() {
            self.gc.push(TimeRange {
                start,
                end,
                reason: 0,
                g: None,
            });
        }
        let mut stw: Vec<_> = self.stw_open.drain().collect();
        stw.sort_by_key(|(_, (s, _))| *s);
        for (g, (start, reason)) in stw {
            self.stw.push(TimeRange {
                start,
                end,
                reason,
                g,
            });
        }
        self.stw.sort_by_key(|r| r.start);
        let mut sweeps: Vec<_> = self.sweep_open.drain().collect();
        sweeps.sort_by_key(|(p, _)| *p);
        for (_, (start, g)) in sweeps {
            if let Some(g) = g {
                self.gc_work.push(GcWork {
                    g,
                    start,
                    end,
                    kind: IntervalKind::Sweep,
                });
            }
        }
    }
}
