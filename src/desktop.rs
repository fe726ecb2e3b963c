//! `gotraceview --install-desktop`: registers the .desktop entry, the
//! `application/x-go-trace` MIME type (recognised by the trace header) and
//! the icon for the current user, so double-clicking a trace opens it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The .desktop entry (Exec is rewritten to this executable's path).
pub const DESKTOP: &str = include_str!("../assets/gotraceview.desktop");
/// The shared-mime-info definition.
pub const MIME_XML: &str = include_str!("../assets/gotraceview-mime.xml");
/// The icon.
pub const ICON_SVG: &str = include_str!("../assets/gotraceview.svg");

fn data_home() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run_tool(log: &mut Vec<String>, prog: &str, args: &[&str]) {
    match Command::new(prog).args(args).output() {
        Ok(o) if o.status.success() => log.push(format!("ran {prog}")),
        Ok(o) => log.push(format!(
            "{prog} failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(_) => log.push(format!(
            "{prog} not found (install shared-mime-info / desktop-file-utils / xdg-utils)"
        )),
    }
}

/// Characters that make a program path need quotes on an `Exec` line
/// (the Desktop Entry specification's reserved characters).
const RESERVED: &[char] = &[
    ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')',
    '`',
];

/// The program path as written on an `Exec` line: as is when it holds no
/// reserved character (xdg-open's generic launcher does not unquote), else
/// quoted and escaped as the specification says; `%` is always doubled.
pub fn exec_program(path: &str) -> String {
    let path = path.replace('%', "%%");
    if !path.contains(RESERVED) {
        return path;
    }
    let mut quoted = String::from("\"");
    for c in path.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    // The value of a key is itself a string whose backslashes are escaped.
    quoted.replace('\\', "\\\\")
}

/// Installs the files under `$XDG_DATA_HOME` (default ~/.local/share) and
/// refreshes the desktop databases; returns what was done, one line each.
pub fn install() -> Result<Vec<String>, String> {
    let base = data_home().ok_or("neither XDG_DATA_HOME nor HOME is set")?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let desktop = DESKTOP.replace(
        "Exec=gotraceview %F",
        &format!("Exec={} %F", exec_program(&exe.display().to_string())),
    );
    let apps = base.join("applications");
    let mime = base.join("mime");
    let files = [
        (apps.join("gotraceview.desktop"), desktop.as_str()),
        (mime.join("packages").join("gotraceview-mime.xml"), MIME_XML),
        (
            base.join("icons/hicolor/scalable/apps/gotraceview.svg"),
            ICON_SVG,
        ),
        (
            base.join("icons/hicolor/scalable/mimetypes/application-x-go-trace.svg"),
            ICON_SVG,
        ),
    ];
    let mut log = Vec::new();
    for (p, text) in &files {
        write(p, text)?;
        log.push(format!("wrote {}", p.display()));
    }
    let (m, a) = (mime.display().to_string(), apps.display().to_string());
    run_tool(&mut log, "update-mime-database", &[&m]);
    run_tool(&mut log, "update-desktop-database", &[&a]);
    run_tool(
        &mut log,
        "xdg-mime",
        &["default", "gotraceview.desktop", "application/x-go-trace"],
    );
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_quotes_only_a_path_that_needs_it() {
        assert_eq!(
            exec_program("/home/u/.cargo/bin/gotraceview"),
            "/home/u/.cargo/bin/gotraceview"
        );
        assert_eq!(exec_program("/opt/my tools/gtv"), "\"/opt/my tools/gtv\"");
        assert_eq!(exec_program("/opt/100%/gtv"), "/opt/100%%/gtv");
        assert_eq!(exec_program("/opt/a$b/gtv"), r#""/opt/a\\$b/gtv""#);
    }

    #[test]
    fn assets_declare_the_mime_type() {
        assert!(DESKTOP.contains("MimeType=application/x-go-trace;"));
        assert!(DESKTOP.contains("Exec=gotraceview %F"));
        assert!(MIME_XML.contains("application/x-go-trace"));
        assert!(MIME_XML.contains(r#"value=" trace\0\0\0""#));
    }
}
