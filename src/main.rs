use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "dump" {
        let data = std::fs::read(&args[2]).expect("read");
        let out = std::io::stdout();
        let mut out = std::io::BufWriter::new(out.lock());
        let res = gotraceview::trace::source::for_each_event(&data, |ev, t| {
            let _ = writeln!(out, "{}", gotraceview::trace::dump::event_string(ev, t));
        });
        if let Err((e, _)) = res {
            let _ = writeln!(out, "ERROR: {e}");
        }
    }
}
