//! Fuzzes the whole load: header, generations, ordering, the v1 converter,
//! the model builder, the goroutine analysis and the GC log. Any input must
//! load or fail with an error, never panic or hang.
#![no_main]

use gotraceview::load::{load_bytes, Progress};
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::AtomicBool;

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = load_bytes("fuzz", data, &Progress::default(), &AtomicBool::new(false)) {
        // Exercise the analyses over whatever loaded.
        let _ = l.group_table();
        let no = AtomicBool::new(false);
        for k in gotraceview::analysis::profiles::ProfileKind::ALL {
            let all = gotraceview::analysis::profiles::ProfileScope::All;
            let _ = l.blocking_profile(k, &all, &no, &|_, _| {});
        }
        let curve = gotraceview::analysis::mmu::MmuCurve::new(gotraceview::analysis::mmu::mutator_utilization(
            &l.gc_log,
            gotraceview::analysis::mmu::UtilFlags::DEFAULT,
        ));
        if !curve.is_empty() {
            let _ = curve.mmu(1_000_000);
        }
    }
});
