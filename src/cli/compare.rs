//! `gotraceview compare A B`: what changed from trace A (the baseline) to
//! trace B, ranked by effect on time; `--json` for the whole comparison,
//! `--pprof TYPE -o OUT` for a blocking profile's difference.

use crate::analysis::compare::diff::diff_pprof;
use crate::analysis::compare::{compare, json, rank, significance, Comparison, SideFigures};
use crate::analysis::pprof::encode_gzipped;
use crate::analysis::profiles::ProfileKind;
use crate::format;
use crate::load::compare::load_figures;
use crate::load::{LoadError, LoadOptions, Progress};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// What `compare` was asked for.
pub struct CompareArgs {
    /// The baseline.
    pub a: PathBuf,
    /// The trace compared with it.
    pub b: PathBuf,
    /// Print JSON.
    pub json: bool,
    /// Write this profile's difference instead.
    pub pprof: Option<String>,
    /// Where to write it.
    pub output: Option<PathBuf>,
}

/// Loads both traces (one after the other, each model dropped once its
/// figures are out) and compares them.
pub fn comparison(a: &Path, b: &Path) -> Result<Comparison, LoadError> {
    Ok(compare(figures(a)?, figures(b)?))
}

/// The figures of the trace at `path`, loaded as configured.
fn figures(path: &Path) -> Result<SideFigures, LoadError> {
    let cancel = AtomicBool::new(false);
    load_figures(
        path,
        LoadOptions::configured(),
        &Progress::default(),
        &cancel,
    )
}

/// Runs `compare`; returns the exit code.
pub fn compare_cmd(args: &CompareArgs) -> Result<i32, LoadError> {
    if let Some(kind) = &args.pprof {
        return pprof_diff(args, kind);
    }
    let c = comparison(&args.a, &args.b)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json::to_json(&c)).unwrap_or_default()
        );
    } else {
        print!("{}", text(&c));
    }
    Ok(0)
}

fn pprof_diff(args: &CompareArgs, kind: &str) -> Result<i32, LoadError> {
    let kind = ProfileKind::parse(kind).unwrap_or(ProfileKind::Sync);
    let output = args.output.clone().ok_or_else(|| LoadError {
        file: args.b.display().to_string(),
        message: "--pprof needs -o OUT.pb.gz".into(),
    })?;
    let (fa, fb) = (figures(&args.a)?, figures(&args.b)?);
    let (Some(pa), Some(pb)) = (fa.profile(kind), fb.profile(kind)) else {
        return Ok(1);
    };
    let p = diff_pprof(pa, pb);
    std::fs::write(&output, encode_gzipped(&p)).map_err(|e| LoadError {
        file: output.display().to_string(),
        message: format!("cannot write profile: {e}"),
    })?;
    eprintln!(
        "{}: B minus A {} ({} -> {}), {} stacks changed",
        kind.title(),
        format::duration_delta(pb.total_delay_ns() - pa.total_delay_ns()),
        format::duration(pa.total_delay_ns()),
        format::duration(pb.total_delay_ns()),
        p.sample.len()
    );
    Ok(0)
}

fn side_line(label: &str, s: &SideFigures) -> String {
    format!(
        "{label} {} (go {}, {})",
        s.info.file,
        s.info.go_version,
        format::duration(s.info.duration_ns)
    )
}

/// The comparison as text: the two traces, the ranked changes, the GC.
pub fn text(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", side_line("A", &c.a));
    let _ = writeln!(out, "{}", side_line("B", &c.b));
    let _ = writeln!(out);
    if c.changes.is_empty() {
        let _ = writeln!(out, "No change above the floors.");
    } else {
        let _ = writeln!(
            out,
            "{}, largest effect on time first:",
            format::count_of(c.changes.len() as u64, "change")
        );
        for (i, ch) in c.changes.iter().enumerate() {
            let _ = writeln!(out, "{:>3}. {}", i + 1, ch.text());
        }
    }
    let _ = writeln!(
        out,
        "(a change moves by {:.0}% or more, adds or saves at least {} and {:.0}% of the \
         longer trace, and for {} or more values a side passes a rank test at p < {}; \
         what cannot be tested must move by 50% and 10%)",
        rank::RELATIVE_FLOOR * 100.0,
        format::duration(rank::ABSOLUTE_FLOOR_NS),
        rank::DURATION_FLOOR * 100.0,
        significance::MIN_SAMPLES,
        significance::LEVEL
    );
    let _ = writeln!(out);
    let (a, b) = (&c.a.gc, &c.b.gc);
    let _ = writeln!(
        out,
        "GC: {} -> {} cycles, stop-the-world {} -> {}, mark assist {} -> {}",
        a.count,
        b.count,
        format::duration(a.stw_ns),
        format::duration(b.stw_ns),
        format::duration(a.mark_assist_ns),
        format::duration(b.mark_assist_ns)
    );
    let mmu: Vec<String> = crate::analysis::compare::side::MMU_WINDOWS_NS
        .iter()
        .zip(a.mmu.iter().zip(b.mmu))
        .map(|(w, (x, y))| {
            format!(
                "{} {} -> {}",
                format::duration(*w),
                format::percent(*x),
                format::percent(y)
            )
        })
        .collect();
    let _ = writeln!(out, "MMU: {}", mmu.join(", "));
    out
}
