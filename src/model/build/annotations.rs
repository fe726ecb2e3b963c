//! User annotations: tasks, regions, logs, goroutine labels.

use super::super::{LogEntry, Region, Task};
use super::ModelBuilder;
use crate::trace::event::{Event, EventKind};
use crate::trace::EvTable;

impl ModelBuilder {
    pub(super) fn label(&mut self, ev: &Event, t: &EvTable) {
        let label = self.strings.intern(ev.label(t));
        if let Some(g) = self.goroutines.find(ev.ctx.g) {
            self.labels.insert(g, label);
        }
    }

    pub(super) fn task(&mut self, ev: &Event, t: &EvTable) {
        let info = ev.task(t);
        let g = self.goroutines.find(ev.ctx.g);
        let name = self.strings.intern(info.name);
        let stack = self.intern_stack(t, ev.stack_id());
        let existing = self.task_index.get(&info.id.0).copied();
        if ev.kind() == EventKind::TaskBegin {
            let reuse = existing.filter(|&i| {
                let task = &self.tasks[i as usize];
                task.start.is_none() && task.end.is_none()
            });
            let idx = reuse.unwrap_or_else(|| {
                self.tasks.push(Task {
                    id: info.id,
                    name: 0,
                    parent: None,
                    start: None,
                    end: None,
                    start_g: None,
                    end_g: None,
                    start_stack: 0,
                });
                (self.tasks.len() - 1) as u32
            });
            self.task_index.insert(info.id.0, idx);
            let task = &mut self.tasks[idx as usize];
            task.name = name;
            task.parent = info.parent.is_user_task().then_some(info.parent);
            task.start = Some(ev.time);
            task.start_g = g;
            task.start_stack = stack;
        } else {
            let idx = existing.unwrap_or_else(|| {
                self.tasks.push(Task {
                    id: info.id,
                    name,
                    parent: info.parent.is_user_task().then_some(info.parent),
                    start: None,
                    end: None,
                    start_g: None,
                    end_g: None,
                    start_stack: 0,
                });
                let i = (self.tasks.len() - 1) as u32;
                self.task_index.insert(info.id.0, i);
                i
            });
            let task = &mut self.tasks[idx as usize];
            task.end = Some(ev.time);
            task.end_g = g;
            if task.name == 0 {
                task.name = name;
            }
        }
    }

    pub(super) fn region(&mut self, ev: &Event, t: &EvTable) {
        let Some(g) = self.goroutines.find(ev.ctx.g) else {
            return;
        };
        let (task, name) = ev.region(t);
        let name = self.strings.intern(name);
        let stack = self.intern_stack(t, ev.stack_id());
        let start_time = self.meta.start;
        let Some(lg) = self.live.get_mut(&g) else {
            return;
        };
        if ev.kind() == EventKind::RegionBegin {
            let depth = lg.regions.len().min(u16::MAX as usize) as u16;
            lg.regions.push(self.regions.len() as u32);
            self.regions.push(Region {
                g,
                task,
                name,
                start: ev.time,
                end: ev.time,
                depth,
                has_start: true,
                has_end: false,
                start_stack: stack,
            });
        } else if let Some(r) = lg.regions.pop() {
            let reg = &mut self.regions[r as usize];
            reg.end = ev.time;
            reg.has_end = true;
        } else {
            // Began before the trace did.
            self.regions.push(Region {
                g,
                task,
                name,
                start: start_time,
                end: ev.time,
                depth: 0,
                has_start: false,
                has_end: true,
                start_stack: 0,
            });
        }
    }

    pub(super) fn log(&mut self, ev: &Event, t: &EvTable) {
        let (task, category, message) = ev.log(t);
        let category = self.strings.intern(category);
        let message = self.strings.intern(message);
        let stack = self.intern_stack(t, ev.stack_id());
        let g = self.goroutines.find(ev.ctx.g);
        self.logs.push(LogEntry {
            time: ev.time,
            g,
            task,
            category,
            message,
            stack,
        });
    }
}
