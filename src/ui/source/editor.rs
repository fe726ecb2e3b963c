//! "Open in editor": the command comes from `$GOTRACEVIEW_EDITOR` as a
//! template (`code -g {file}:{line}`, `vim +{line} {file}`, `idea --line
//! {line} {file}`), else `$VISUAL` / `$EDITOR` in a terminal, else
//! `xdg-open`. It is started without waiting; a thread reports whether it
//! failed, and the panel shows that.

use std::path::Path;
use std::sync::mpsc;

/// Splits a command template into words (single and double quotes group).
pub fn split_words(s: &str) -> Vec<String> {
    let (mut words, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The command line that opens `file` at `line`; `var` reads the
/// environment (tests pass their own).
pub fn editor_command(file: &Path, line: u32, var: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let file_s = file.display().to_string();
    let fill = |w: &str| {
        w.replace("{file}", &file_s)
            .replace("{line}", &line.to_string())
    };
    if let Some(t) = var("GOTRACEVIEW_EDITOR").filter(|t| !t.trim().is_empty()) {
        let mut argv: Vec<String> = split_words(&t).iter().map(|w| fill(w)).collect();
        if !t.contains("{file}") {
            argv.push(file_s);
        }
        return argv;
    }
    if let Some(ed) = var("VISUAL")
        .or_else(|| var("EDITOR"))
        .filter(|e| !e.trim().is_empty())
    {
        let terminal = var("TERMINAL").unwrap_or_else(|| "x-terminal-emulator".into());
        let mut argv = vec![terminal, "-e".into()];
        argv.extend(split_words(&ed));
        argv.push(format!("+{line}"));
        argv.push(file_s);
        return argv;
    }
    vec!["xdg-open".into(), file_s]
}

/// A started editor: its command line and, once known, whether it failed.
pub struct EditorLaunch {
    /// The command line, for messages.
    pub command: String,
    rx: mpsc::Receiver<Result<(), String>>,
}

impl EditorLaunch {
    /// Starts `argv` and watches it from a thread (never blocks the UI).
    pub fn start(argv: Vec<String>) -> EditorLaunch {
        let command = argv.join(" ");
        let (tx, rx) = mpsc::channel();
        let Some((prog, args)) = argv.split_first() else {
            let _ = tx.send(Err("no editor command".into()));
            return EditorLaunch { command, rx };
        };
        let child = std::process::Command::new(prog)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn();
        match child {
            Err(e) => {
                let _ = tx.send(Err(format!("cannot run {prog}: {e}")));
            }
            Ok(child) => {
                let prog = prog.clone();
                let _ = std::thread::Builder::new()
                    .name("editor".into())
                    .spawn(move || {
                        let res = match child.wait_with_output() {
                            Ok(o) if o.status.success() => Ok(()),
                            Ok(o) => {
                                let err = String::from_utf8_lossy(&o.stderr);
                                let first = err.lines().next().unwrap_or("").trim().to_string();
                                Err(format!(
                                    "{prog} failed ({}){}",
                                    o.status,
                                    if first.is_empty() {
                                        String::new()
                                    } else {
                                        format!(": {first}")
                                    }
                                ))
                            }
                            Err(e) => Err(format!("{prog}: {e}")),
                        };
                        let _ = tx.send(res);
                    });
            }
        }
        EditorLaunch { command, rx }
    }

    /// The outcome, once the command has exited (editors that stay open
    /// report nothing until they close).
    pub fn poll(&self) -> Option<Result<(), String>> {
        self.rx.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_file_and_line_and_fall_back_to_editor_then_xdg_open() {
        let f = Path::new("/src/my app/main.go");
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string())
        };
        assert_eq!(
            editor_command(
                f,
                42,
                &env(&[("GOTRACEVIEW_EDITOR", "code -g {file}:{line}")])
            ),
            ["code", "-g", "/src/my app/main.go:42"]
        );
        assert_eq!(
            editor_command(f, 7, &env(&[("GOTRACEVIEW_EDITOR", "idea --line {line}")])),
            ["idea", "--line", "7", "/src/my app/main.go"]
        );
        assert_eq!(
            editor_command(f, 7, &env(&[("EDITOR", "vim"), ("TERMINAL", "xterm")])),
            ["xterm", "-e", "vim", "+7", "/src/my app/main.go"]
        );
        assert_eq!(
            editor_command(f, 7, &env(&[])),
            ["xdg-open", "/src/my app/main.go"]
        );
        assert_eq!(
            split_words("sh -c 'echo {line} > x'"),
            ["sh", "-c", "echo {line} > x"]
        );
    }
}
