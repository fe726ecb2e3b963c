//! Human formatting of durations, times and byte counts for the UI.

use crate::trace::Time;

/// A duration with a unit chosen for its size: "1.234 ms", "36 µs", "12 ns".
pub fn duration(ns: Time) -> String {
    let a = ns.unsigned_abs() as f64;
    let v = ns as f64;
    if a >= 1e9 {
        format!("{:.3} s", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.3} ms", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.3} µs", v / 1e3)
    } else {
        format!("{ns} ns")
    }
}

/// A duration in microseconds with three decimals ("36.250 µs").
pub fn micros(ns: Time) -> String {
    format!("{:.3} µs", ns as f64 / 1e3)
}

/// A byte count ("12.5 MB").
pub fn bytes(b: f64) -> String {
    let a = b.abs();
    if a >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if a >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if a >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{b:.0} B")
    }
}

/// A count with thousands separators ("10,000").
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count and a noun, singular for one: "1 goroutine", "10,000 goroutines".
pub fn count_of(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count_of(1, "goroutine"), "1 goroutine");
        assert_eq!(count_of(0, "goroutine"), "0 goroutines");
        assert_eq!(count_of(10_000, "goroutine"), "10,000 goroutines");
    }

    #[test]
    fn formats() {
        assert_eq!(duration(36_000), "36.000 µs");
        assert_eq!(duration(1_000_000_000), "1.000 s");
        assert_eq!(duration(-12), "-12 ns");
        assert_eq!(count(10000), "10,000");
        assert_eq!(count(999), "999");
        assert_eq!(bytes(2_500_000.0), "2.5 MB");
    }
}
