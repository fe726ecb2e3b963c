//! Finding the source file of a stack frame on this machine: the path as
//! recorded when it exists; standard-library files under the GOROOT of a
//! Go installation, preferring one of the trace's Go version; module files
//! (`module@version/...`) under `$GOMODCACHE`; and, for `-trimpath` builds
//! or traces from another machine, under a source root the user sets.
//! When nothing is found, the paths tried are returned to be shown.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The Go installations and module cache to look in.
#[derive(Debug, Clone, Default)]
pub struct GoEnv {
    /// GOROOT candidates with the version in their `VERSION` file ("go1.27.3").
    pub goroots: Vec<(PathBuf, String)>,
    /// The module cache.
    pub gomodcache: Option<PathBuf>,
}

impl GoEnv {
    /// The machine's Go environment, detected once on a background thread
    /// (`go env` may be slow or missing); None until it is known.
    pub fn shared() -> Option<&'static GoEnv> {
        static ENV: OnceLock<GoEnv> = OnceLock::new();
        static STARTED: std::sync::Once = std::sync::Once::new();
        STARTED.call_once(|| {
            let _ = std::thread::Builder::new().name("go-env".into()).spawn(|| {
                let _ = ENV.set(GoEnv::detect());
            });
        });
        ENV.get()
    }

    /// Looks at `$GOROOT`, `go env`, `~/sdk/go*`, `/usr/local/go`,
    /// `/usr/lib/go*`, and `$GOMODCACHE` / `$GOPATH/pkg/mod` / `~/go/pkg/mod`.
    pub fn detect() -> GoEnv {
        let var = |k: &str| {
            std::env::var_os(k)
                .map(PathBuf::from)
                .filter(|p| !p.as_os_str().is_empty())
        };
        let go_env = go_env_output();
        let mut roots: Vec<PathBuf> = Vec::new();
        roots.extend(var("GOROOT"));
        roots.extend(go_env.0);
        let home = var("HOME");
        let mut globbed = Vec::new();
        if let Some(h) = &home {
            globbed.extend(dir_entries(&h.join("sdk"), "go"));
        }
        globbed.push(PathBuf::from("/usr/local/go"));
        globbed.extend(dir_entries(Path::new("/usr/lib"), "go"));
        roots.extend(globbed);
        let mut goroots = Vec::new();
        for r in roots {
            let v = std::fs::read_to_string(r.join("VERSION")).unwrap_or_default();
            let v = v.lines().next().unwrap_or("").trim().to_string();
            if r.join("src").is_dir() && !goroots.iter().any(|(p, _)| p == &r) {
                goroots.push((r, v));
            }
        }
        let gomodcache = var("GOMODCACHE")
            .or(go_env.1)
            .or_else(|| var("GOPATH").map(|p| p.join("pkg/mod")))
            .or_else(|| home.map(|h| h.join("go/pkg/mod")));
        GoEnv {
            goroots,
            gomodcache,
        }
    }

    /// The GOROOTs to try for a trace of Go `version` ("1.27"): those of
    /// that version first.
    pub fn goroots_for(&self, version: &str) -> Vec<&Path> {
        let want = format!("go{version}");
        let matches = |v: &str| {
            v.strip_prefix(&want).is_some_and(|rest| {
                rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit())
            })
        };
        let mut v: Vec<(bool, &Path)> = self
            .goroots
            .iter()
            .map(|(p, ver)| (!matches(ver), p.as_path()))
            .collect();
        v.sort_by_key(|e| e.0);
        v.into_iter().map(|e| e.1).collect()
    }
}

/// `go env GOROOT GOMODCACHE`, if a `go` command runs.
fn go_env_output() -> (Option<PathBuf>, Option<PathBuf>) {
    let Ok(out) = std::process::Command::new("go")
        .args(["env", "GOROOT", "GOMODCACHE"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
    else {
        return (None, None);
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text
        .lines()
        .map(|l| PathBuf::from(l.trim()))
        .filter(|p| p.is_absolute());
    (lines.next(), lines.next())
}

/// Entries of `dir` whose name starts with `prefix`, newest name first.
fn dir_entries(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.reverse();
    v
}

/// A module path as the module cache spells it: upper-case letters become
/// `!` and the lower-case letter.
pub fn escape_module_path(p: &str) -> String {
    let mut s = String::with_capacity(p.len());
    for c in p.chars() {
        if c.is_ascii_uppercase() {
            s.push('!');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// The part of a recorded path that names a file in the module cache
/// (`github.com/x/y@v1.2.3/z.go`), if it is one.
fn module_relative(file: &str) -> Option<String> {
    let rel = match file.find("/pkg/mod/") {
        Some(i) => &file[i + "/pkg/mod/".len()..],
        None if !file.starts_with('/') && file.contains('@') => file,
        None => return None,
    };
    let at = rel.find('@')?;
    // Only the module path (before the version) is escaped.
    let (module, rest) = rel.split_at(at);
    Some(format!("{}{rest}", escape_module_path(module)))
}

/// The part of a recorded path under a GOROOT's `src` (`runtime/proc.go`),
/// if it looks like a standard-library file.
fn std_relative(file: &str) -> Option<&str> {
    let rel = match file.rfind("/src/") {
        Some(i) if file.starts_with('/') => &file[i + 5..],
        _ if !file.starts_with('/') && !file.starts_with('.') => file,
        _ => return None,
    };
    let first = rel.split('/').next()?;
    (rel.contains('/') && !first.contains('.') && !first.contains('@')).then_some(rel)
}

/// The paths under `root` that could hold `file`: `root/file`, then `file`
/// with leading directories dropped one by one (`./x.go` is `x.go`).
fn under_root(root: &Path, file: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = file
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    (0..parts.len())
        .map(|k| root.join(parts[k..].join("/")))
        .collect()
}

/// Finds `file` (as recorded in a trace of Go `version`); Err lists the
/// paths tried, most likely first.
pub fn resolve(
    file: &str,
    version: &str,
    env: &GoEnv,
    source_root: Option<&Path>,
) -> Result<PathBuf, Vec<PathBuf>> {
    let mut tried = Vec::new();
    let try_path = |p: PathBuf, tried: &mut Vec<PathBuf>| -> Option<PathBuf> {
        if p.is_file() {
            return Some(p);
        }
        if !tried.contains(&p) {
            tried.push(p);
        }
        None
    };
    if file.starts_with('/') {
        if let Some(p) = try_path(PathBuf::from(file), &mut tried) {
            return Ok(p);
        }
    }
    if let (Some(cache), Some(rel)) = (&env.gomodcache, module_relative(file)) {
        if let Some(p) = try_path(cache.join(rel), &mut tried) {
            return Ok(p);
        }
    }
    if let Some(rel) = std_relative(file) {
        for root in env.goroots_for(version) {
            if let Some(p) = try_path(root.join("src").join(rel), &mut tried) {
                return Ok(p);
            }
        }
    }
    if let Some(root) = source_root {
        for c in under_root(root, file) {
            if let Some(p) = try_path(c, &mut tried) {
                return Ok(p);
            }
        }
    }
    Err(tried)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "package x\n").unwrap();
    }

    #[test]
    fn finds_std_module_and_trimpath_files_and_says_what_it_tried() {
        let dir = std::env::temp_dir().join(format!("gtv-resolve-{}", std::process::id()));
        let (old, new) = (dir.join("go1.21"), dir.join("go1.27"));
        for (root, v) in [(&old, "go1.21.13"), (&new, "go1.27.3")] {
            touch(&root.join("src/runtime/proc.go"));
            std::fs::write(root.join("VERSION"), format!("{v}\ntime x\n")).unwrap();
        }
        let cache = dir.join("mod");
        touch(&cache.join("github.com/!burnt!sushi/toml@v1.2.0/decode.go"));
        let src = dir.join("app");
        touch(&src.join("cmd/server/main.go"));
        let env = GoEnv {
            goroots: vec![
                (old.clone(), "go1.21.13".into()),
                (new.clone(), "go1.27.3".into()),
            ],
            gomodcache: Some(cache.clone()),
        };
        assert_eq!(
            resolve("runtime/proc.go", "1.27", &env, None),
            Ok(new.join("src/runtime/proc.go"))
        );
        assert_eq!(
            resolve("/usr/local/go/src/runtime/proc.go", "1.21", &env, None),
            Ok(old.join("src/runtime/proc.go"))
        );
        assert_eq!(
            resolve(
                "/home/ci/go/pkg/mod/github.com/BurntSushi/toml@v1.2.0/decode.go",
                "1.27",
                &env,
                None
            ),
            Ok(cache.join("github.com/!burnt!sushi/toml@v1.2.0/decode.go"))
        );
        assert_eq!(
            resolve(
                "example.com/app/cmd/server/main.go",
                "1.27",
                &env,
                Some(&src)
            ),
            Ok(src.join("cmd/server/main.go"))
        );
        let missing = resolve("./main.go", "1.27", &env, None).unwrap_err();
        assert!(missing.is_empty(), "nothing to try without a source root");
        let tried = resolve("./nope.go", "1.27", &env, Some(&src)).unwrap_err();
        assert_eq!(tried, vec![src.join("nope.go")]);
        let tried = resolve("runtime/gone.go", "1.27", &env, None).unwrap_err();
        assert_eq!(
            tried[0],
            new.join("src/runtime/gone.go"),
            "the matching version first"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
