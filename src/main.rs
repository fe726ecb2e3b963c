//! The gotraceview binary: parses arguments and runs a headless command or
//! (with no subcommand) the viewer window.

use clap::Parser;
use gotraceview::cli::{run, Cli};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(cmd) => run(cmd),
        None => {
            eprintln!("gotraceview: the viewer window is not built yet; try `gotraceview check FILE`");
            2
        }
    };
    std::process::exit(code);
}
