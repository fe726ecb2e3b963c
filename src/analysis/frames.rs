//! Where a stack is in the user's code: the innermost frame outside the
//! runtime, as the critical path and the findings name it.
//!
//! "Outside the runtime" is read as a user would: a goroutine blocked in
//! `sync.(*Mutex).Lock` called from `main.worker` blocks "in
//! main.worker", so frames of the standard library (whose import paths
//! have no dot in their first element, `main` excepted) are skipped too
//! when the stack has a frame of the program's own code.

use crate::model::{Frame, StackId, Trace};

/// Whether a function belongs to the Go runtime (scheduler, channels,
/// timers, the tracer) rather than to the program or a library.
pub fn is_runtime_function(name: &str) -> bool {
    name.starts_with("runtime.")
        || name.starts_with("runtime/")
        || name.starts_with("internal/")
        || name.contains(".runtime_")
}

/// The import path of a function's package ("net/http" of
/// "net/http.(*conn).serve", "main" of "main.worker.func1").
fn package_of(name: &str) -> &str {
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[last_slash..].find('.') {
        Some(dot) => &name[..last_slash + dot],
        None => name,
    }
}

/// Whether a function is in Go's standard library (or the runtime).
pub fn is_standard_library(name: &str) -> bool {
    let pkg = package_of(name);
    let first = pkg.split('/').next().unwrap_or("");
    pkg != "main" && !first.contains('.')
}

/// The innermost frame of `stack` in the program's own code, else the
/// innermost outside the runtime, else the innermost frame.
pub fn user_frame(trace: &Trace, stack: StackId) -> Option<&Frame> {
    let mut frames = trace.stacks.frames_of(stack);
    let mut outside_runtime = None;
    let mut innermost = None;
    for f in frames.by_ref() {
        let name = trace.str(f.func);
        innermost.get_or_insert(f);
        if !is_standard_library(name) {
            return Some(f);
        }
        if outside_runtime.is_none() && !is_runtime_function(name) {
            outside_runtime = Some(f);
        }
    }
    outside_runtime.or(innermost)
}

/// The function of [`user_frame`], "" when the stack is empty.
pub fn user_function(trace: &Trace, stack: StackId) -> &str {
    user_frame(trace, stack).map_or("", |f| trace.str(f.func))
}

/// "function (file:line)" of [`user_frame`], "" when the stack is empty.
pub fn user_frame_text(trace: &Trace, stack: StackId) -> String {
    user_frame(trace, stack).map_or_else(String::new, |f| {
        format!("{} ({}:{})", trace.str(f.func), trace.str(f.file), f.line)
    })
}

#[cfg(test)]
mod tests {
    use super::{is_runtime_function, is_standard_library, package_of};

    #[test]
    fn runtime_functions_are_recognised() {
        assert!(is_runtime_function("runtime.gopark"));
        assert!(is_runtime_function("runtime/trace.WithRegion"));
        assert!(is_runtime_function("internal/runtime/atomic.Load"));
        assert!(is_runtime_function("sync.runtime_SemacquireMutex"));
        assert!(!is_runtime_function("main.worker"));
        assert!(!is_runtime_function("sync.(*Mutex).Lock"));
        assert!(!is_runtime_function("runtimex.Foo"));
    }

    #[test]
    fn the_standard_library_is_told_from_the_program() {
        assert_eq!(package_of("net/http.(*conn).serve"), "net/http");
        assert_eq!(package_of("main.worker.func1"), "main");
        assert_eq!(
            package_of("github.com/a/b.(*T).M"),
            "github.com/a/b",
            "a dot in a path element"
        );
        assert!(is_standard_library("sync.(*Mutex).Lock"));
        assert!(is_standard_library("time.Sleep"));
        assert!(is_standard_library("net/http.(*conn).serve"));
        assert!(!is_standard_library("main.leakyLock"));
        assert!(!is_standard_library("github.com/a/b.Do"));
        assert!(!is_standard_library(
            "golang.org/x/net/http2.(*Framer).ReadFrame"
        ));
    }
}
