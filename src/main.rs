//! The gotraceview binary: parses arguments and runs a headless command,
//! installs the desktop integration, or (with no subcommand) opens the
//! viewer window on the given files or URLs.

use clap::Parser;
use gotraceview::cli::{run, Cli};

fn main() {
    gotraceview::cli::mark_process_start();
    let cli = Cli::parse();
    if let Some(b) = cli.memory_budget {
        gotraceview::load::LoadOptions::configure(gotraceview::load::LoadOptions::with_budget(b));
    }
    let code = if cli.install_desktop {
        match gotraceview::desktop::install() {
            Ok(lines) => {
                for l in lines {
                    println!("{l}");
                }
                0
            }
            Err(e) => {
                eprintln!("gotraceview: --install-desktop: {e}");
                1
            }
        }
    } else {
        match cli.command {
            Some(cmd) => run(cmd),
            None => window(cli.files, cli.tab),
        }
    };
    std::process::exit(code);
}

#[cfg(feature = "gui")]
fn window(files: Vec<String>, tab: Option<String>) -> i32 {
    gotraceview::ui::run(files, tab)
}

#[cfg(not(feature = "gui"))]
fn window(_files: Vec<String>, _tab: Option<String>) -> i32 {
    eprintln!("gotraceview: built without the `gui` feature; use a subcommand (check, stats, dump, pprof, mmu, critical-path, findings, bench)");
    2
}
