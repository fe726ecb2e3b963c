//! "Export to Perfetto…": the whole trace, or the range selected with
//! Shift+drag, written on a thread; the file decodes as a Perfetto trace.

use super::timeline::{drag, view};
use super::{harness, run_until, settle, temp_dir, trace_path};
use crate::export::proto;
use crate::ui::app::{GoTraceApp, Tab};
use crate::ui::dirs::AppDirs;
use crate::ui::recent::RecentFiles;
use egui::{Event, Modifiers, Pos2};
use egui_kittest::kittest::Queryable;
use prost::Message;
use std::time::Duration;

fn packets_times(path: &std::path::Path) -> Vec<u64> {
    let bytes = std::fs::read(path).expect("written");
    let t = proto::Trace::decode(bytes.as_slice()).expect("a Perfetto trace");
    t.packet.iter().filter_map(|p| p.timestamp).collect()
}

#[test]
fn export_to_perfetto_writes_the_whole_trace_or_the_selected_range() {
    let dir = temp_dir("export");
    let mut h = harness(GoTraceApp::with_dirs(
        &[trace_path("gc_go125.trace")],
        RecentFiles::default(),
        AppDirs::under(&dir),
    ));
    settle(&mut h);
    let whole = dir.join("whole.pftrace");
    h.get_by_label("Export to Perfetto…").click();
    h.run();
    h.get_by_label("Whole trace");
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        v.export.path = whole.display().to_string();
    }
    h.get_by_label("Export").click();
    h.run_steps(2);
    let done = run_until(&mut h, Duration::from_secs(60), |a| match a.tabs.first() {
        Some(Tab::Ready(v)) => v.export.message.is_some(),
        _ => false,
    });
    assert!(done);
    h.get_by_label_contains("Wrote ");
    let (t0, t1) = {
        let t = view(&h).data.whole();
        (t.meta.start, t.meta.end)
    };
    let times = packets_times(&whole);
    let (lo, hi) = (times.iter().min().copied(), times.iter().max().copied());
    assert!(lo >= Some(t0 as u64) && hi <= Some(t1 as u64));
    let covered = hi.unwrap_or(0) - lo.unwrap_or(0);
    assert!(covered as f64 > 0.9 * (t1 - t0) as f64, "the whole trace");
    // Close it, select a range with Shift+drag, export again: only the range.
    h.get_by_label("Close window").click();
    h.run();
    let a = view(&h).timeline.last_frame().areas.expect("drawn");
    let y = a.tracks.top() + 40.0;
    let (x0, x1) = (a.tracks.left() + 200.0, a.tracks.left() + 400.0);
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    drag(&mut h, Pos2::new(x0, y), Pos2::new(x1, y), Modifiers::SHIFT);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let (r0, r1) = view(&h).timeline.range().expect("a range");
    h.get_by_label("Export to Perfetto…").click();
    h.run();
    let part = dir.join("range.pftrace");
    if let Some(Tab::Ready(v)) = h.state_mut().tabs.first_mut() {
        assert!(v.export.only_range, "the selected range is the default");
        v.export.path = part.display().to_string();
        v.export.message = None;
    }
    h.get_by_label("Export").click();
    h.run_steps(2);
    assert!(run_until(&mut h, Duration::from_secs(60), |a| {
        match a.tabs.first() {
            Some(Tab::Ready(v)) => v.export.message.is_some(),
            _ => false,
        }
    }));
    let times = packets_times(&part);
    assert!(!times.is_empty());
    assert!(times.iter().all(|&x| x >= r0 as u64 && x <= r1 as u64));
    assert!(
        std::fs::metadata(&part).expect("range").len()
            < std::fs::metadata(&whole).expect("whole").len()
    );
    let _ = std::fs::remove_dir_all(dir);
}
