#!/usr/bin/env python3
"""code_metrics.py [--list N] [--tests] [--children]: how long the functions are and which
files of src/ui import each other in a cycle.

Counts every `fn` with a body in src/ (lines from the `fn` line to its closing
brace, inclusive). Functions in test code (`#[cfg(test)]` modules, files under
a `tests/` folder or named `tests.rs`) are left out unless --tests is given.
Import edges between files of src/ui come from `use super::…`, `use
crate::ui::…` and paths written inline (`super::x::`, `crate::ui::x::`);
with --children, a mod.rs naming its child modules (`tasks::X`) is an edge
too. A cycle is a strongly connected set of two or more files.

Run from the repository root. No third-party modules."""

import os
import re
import sys

ROOT = "src"
CHILDREN = "--children" in sys.argv
FN_RE = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?"
    r"(?:extern\s+\"[^\"]*\"\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)"
)


def strip_code(text):
    """The text with comments, strings and char literals blanked (newlines kept),
    so that braces can be counted."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and not (
                i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + len(m.group(0)))
            j = n if j < 0 else j + len(close)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_test_file(path):
    parts = path.split(os.sep)
    return "tests" in parts[:-1] or parts[-1] == "tests.rs"


def test_line_ranges(code_lines):
    """Line ranges (start, end) of `#[cfg(test)] mod … { … }` blocks."""
    ranges = []
    for i, line in enumerate(code_lines):
        if "#[cfg(test)]" not in line:
            continue
        for k in range(i + 1, min(i + 3, len(code_lines))):
            if re.match(r"^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", code_lines[k]):
                ranges.append((k, block_end(code_lines, k)))
                break
    return ranges


def block_end(code_lines, start):
    """The line of the brace closing the first `{` at or after `start`."""
    depth, opened = 0, False
    for j in range(start, len(code_lines)):
        for ch in code_lines[j]:
            if ch == "{":
                depth += 1
                opened = True
            elif ch == "}":
                depth -= 1
                if opened and depth == 0:
                    return j
        if not opened and code_lines[j].rstrip().endswith(";"):
            return None  # a declaration without a body
    return None


def functions(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code_lines = strip_code(text).split("\n")
    tests = test_line_ranges(code_lines)
    whole_file_test = is_test_file(path)
    for i, line in enumerate(code_lines):
        m = FN_RE.match(line)
        if not m:
            continue
        end = block_end(code_lines, i)
        if end is None:
            continue
        in_test = whole_file_test or any(a <= i <= b for a, b in tests)
        yield m.group(1), i + 1, end - i + 1, in_test


def rust_files(root):
    for d, _, files in os.walk(root):
        for name in files:
            if name.endswith(".rs"):
                yield os.path.join(d, name)


def module_file(parts):
    """The file under src/ui for a module path (list of names), or None."""
    for k in range(len(parts), 0, -1):
        base = os.path.join(ROOT, "ui", *parts[:k])
        for cand in (base + ".rs", os.path.join(base, "mod.rs")):
            if os.path.isfile(cand):
                return cand
    return None


def module_of(path):
    """The module path (under ui) of a file in src/ui."""
    rel = os.path.relpath(path, os.path.join(ROOT, "ui"))[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return rel


def ui_edges():
    edges = {}
    files = [p for p in rust_files(os.path.join(ROOT, "ui")) if not is_test_file(p)]
    for path in files:
        with open(path, encoding="utf-8") as f:
            code = strip_code(f.read())
        # Drop #[cfg(test)] modules: test code may look anywhere.
        lines = code.split("\n")
        for a, b in sorted(test_line_ranges(lines), reverse=True):
            lines[a:b + 1] = [""] * (b + 1 - a)
        code = "\n".join(lines)
        me = module_of(path)
        is_mod = path.endswith("mod.rs") or path == os.path.join(ROOT, "ui.rs")
        # `super` is the parent of the file's module, for a mod.rs too.
        here = me[:-1]
        targets = set()
        for m in re.finditer(r"\b(crate::ui::|(?:super::)+|self::)((?:\{[^;]*?\}|[\w:{}, \n*]+))", code):
            head, rest = m.group(1), m.group(2)
            if head == "crate::ui::":
                base = []
            elif head == "self::":
                if not is_mod:
                    continue  # `self::` in a leaf file names its own items
                base = me
            else:
                ups = head.count("super")
                base = here[:max(0, len(here) - (ups - 1))]
            for path_names in expand_use(rest):
                t = module_file(base + path_names)
                if t and t != path:
                    targets.add(t)
        if CHILDREN and is_mod:
            # A parent naming its child modules (`tasks::TasksView`).
            for m in re.finditer(r"(?<![\w:])(\w+)::", code):
                t = module_file(me + [m.group(1)])
                if t and t != path and os.path.dirname(t).startswith(os.path.dirname(path)):
                    targets.add(t)
        edges[path] = targets
    return edges


def expand_use(rest):
    """Module paths named by the tail of a use (`a::{b, c::d}` -> [a,b],[a,c,d])."""
    rest = rest.strip()
    m = re.match(r"([\w:]*?)(?:::)?\{(.*)\}", rest, re.S)
    if m:
        prefix = [p for p in m.group(1).split("::") if p]
        out = []
        depth, cur = 0, ""
        for ch in m.group(2):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                out.append(cur)
                cur = ""
            else:
                cur += ch
        out.append(cur)
        res = []
        for item in out:
            item = item.strip()
            if not item:
                continue
            for sub in expand_use(item):
                res.append(prefix + sub)
        if not res:
            res.append(prefix)
        return res
    names = [p for p in re.split(r"::", rest.split(" as ")[0]) if p and re.match(r"^\w+$", p)]
    return [names]


def sccs(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            strong(v)
    return out


def main():
    args = sys.argv[1:]
    with_tests = "--tests" in args
    listing = 0
    if "--list" in args:
        listing = int(args[args.index("--list") + 1])
    fns = []
    for path in sorted(rust_files(ROOT)):
        for name, line, length, in_test in functions(path):
            if in_test and not with_tests:
                continue
            fns.append((length, path, line, name))
    fns.sort(reverse=True)
    print("functions:", len(fns), "(tests included)" if with_tests else "(tests left out)")
    for limit in (100, 80, 60):
        print(f"  over {limit} lines: {sum(1 for f in fns if f[0] > limit)}")
    if fns:
        print(f"  longest: {fns[0][3]} {fns[0][0]} lines ({fns[0][1]}:{fns[0][2]})")
    for length, path, line, name in fns[:listing]:
        print(f"  {length:4} {path}:{line} {name}")
    cycles = sccs(ui_edges())
    print("import cycles between files of src/ui:", len(cycles))
    for comp in cycles:
        print("  {" + ", ".join(os.path.relpath(p, os.path.join(ROOT, "ui")) for p in comp) + "}")


if __name__ == "__main__":
    main()
