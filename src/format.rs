//! Text for people: durations, byte sizes, counts, names cut to a width and
//! goroutine ids. The command line and the window write them the same way,
//! through these functions and no others.
//!
//! Rounding is done on integers, so a value never shows as "1000.000" of a
//! unit: it moves up to the next unit instead ("999.9996 ms" is "1.000 s").

use std::borrow::Cow;
use std::time::Duration;

/// A duration in nanoseconds with a unit chosen for its size and three
/// decimals: "12 ns", "36.250 µs", "1.234 ms", "-2.000 s".
pub fn duration(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    if a < 1_000 {
        return format!("{sign}{a} ns");
    }
    // Thousandths of the unit: ns for µs, µs for ms, ms for s.
    if a < 1_000_000 {
        return thousandths(sign, a, "µs");
    }
    let us = div_round(a, 1_000);
    if us < 1_000_000 {
        return thousandths(sign, us, "ms");
    }
    thousandths(sign, div_round(a, 1_000_000), "s")
}

/// A [`Duration`] measured on this machine (a load, a computation), as
/// [`duration`] writes it.
pub fn duration_of(d: Duration) -> String {
    duration(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A wall-clock time the user watches pass (a load, a capture): whole
/// tenths of a second, "3.2 s".
pub fn elapsed(d: Duration) -> String {
    let tenths = div_round(u64::try_from(d.as_millis()).unwrap_or(u64::MAX), 100);
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// A duration for a plot axis: at most two decimals, trailing zeros
/// dropped, "10 µs", "2.5 ms", "1 s". Not finite or negative: "0 ns".
pub fn axis_duration(ns: f64) -> String {
    if !ns.is_finite() || ns <= 0.0 {
        return "0 ns".into();
    }
    // Hundredths of the unit, chosen after rounding.
    for (scale, unit) in [(1e0, "ns"), (1e3, "µs"), (1e6, "ms")] {
        let h = (ns / scale * 100.0).round();
        if h < 100_000.0 {
            return hundredths(h as u64, unit);
        }
    }
    hundredths((ns / 1e9 * 100.0).round().min(u64::MAX as f64) as u64, "s")
}

/// A time-axis tick: `offset_ns` in the unit of `step_ns`, with just enough
/// decimals to tell ticks `step_ns` apart ("1500 µs", "0.25 ms", "3 s").
pub fn tick_label(offset_ns: i64, step_ns: i64) -> String {
    let (div, unit) = if step_ns >= 1_000_000_000 {
        (1e9, "s")
    } else if step_ns >= 1_000_000 {
        (1e6, "ms")
    } else if step_ns >= 1_000 {
        (1e3, "µs")
    } else {
        (1.0, "ns")
    };
    let v = offset_ns as f64 / div;
    let step_units = step_ns as f64 / div;
    let decimals = if step_units >= 1.0 {
        0
    } else {
        (-step_units.log10()).ceil() as usize
    };
    format!("{v:.decimals$} {unit}")
}

/// A byte count in decimal units: "512 B", "12.5 kB", "2.5 MB", "1.25 GB".
pub fn bytes(b: u64) -> String {
    if b < 1_000 {
        return format!("{b} B");
    }
    // Tenths of kB and MB, hundredths of GB, chosen after rounding.
    let tenths_kb = div_round(b, 100);
    if tenths_kb < 10_000 {
        return format!("{}.{} kB", tenths_kb / 10, tenths_kb % 10);
    }
    let tenths_mb = div_round(b, 100_000);
    if tenths_mb < 10_000 {
        return format!("{}.{} MB", tenths_mb / 10, tenths_mb % 10);
    }
    let h = div_round(b, 10_000_000);
    format!("{}.{:02} GB", h / 100, h % 100)
}

/// A count with thousands separators: "10,000".
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

/// `s` cut to at most `max_chars` characters, the last one an ellipsis when
/// something was cut ("main.wor…"). Zero characters leave nothing.
pub fn truncate(s: &str, max_chars: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some(_) if max_chars == 0 => Cow::Borrowed(""),
        Some(_) => {
            let keep: String = s.chars().take(max_chars - 1).collect();
            Cow::Owned(keep + "…")
        }
    }
}

/// A Go goroutine id as Go writes it, "G123", or "none".
pub fn goroutine(id: Option<i64>) -> String {
    id.map_or_else(|| "none".into(), |id| format!("G{id}"))
}

/// A change of duration with its sign always written: "+1.250 ms",
/// "-36.000 µs", "0 ns".
pub fn duration_delta(ns: i64) -> String {
    if ns > 0 {
        format!("+{}", duration(ns))
    } else {
        duration(ns)
    }
}

/// How many times larger a value became: "×3.92", "×0.50", "new" for a
/// value that was zero before.
pub fn ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_finite() => format!("×{r:.2}"),
        _ => "new".into(),
    }
}

/// A fraction (0..=1) as a percentage with one decimal: "82.5%".
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A p-value: "p=0.0031", "p<1e-6" when smaller.
pub fn p_value(p: f64) -> String {
    if p < 1e-6 {
        "p<1e-6".into()
    } else {
        format!("p={p:.2e}")
    }
}

/// `a / b`, rounded half up (`b` > 0), without overflow.
fn div_round(a: u64, b: u64) -> u64 {
    a / b + u64::from(a % b >= b - b / 2)
}

fn thousandths(sign: &str, v: u64, unit: &str) -> String {
    format!("{sign}{}.{:03} {unit}", v / 1000, v % 1000)
}

fn hundredths(h: u64, unit: &str) -> String {
    match h % 100 {
        0 => format!("{} {unit}", h / 100),
        r if r % 10 == 0 => format!("{}.{} {unit}", h / 100, r / 10),
        r => format!("{}.{r:02} {unit}", h / 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_unit_and_three_decimals() {
        assert_eq!(duration(0), "0 ns");
        assert_eq!(duration(12), "12 ns");
        assert_eq!(duration(999), "999 ns");
        assert_eq!(duration(1_000), "1.000 µs");
        assert_eq!(duration(36_250), "36.250 µs");
        assert_eq!(duration(1_234_000), "1.234 ms");
        assert_eq!(duration(1_000_000_000), "1.000 s");
        assert_eq!(duration(61_500_000_000), "61.500 s");
    }

    #[test]
    fn changes_write_their_sign_and_ratio() {
        assert_eq!(duration_delta(1_250_000), "+1.250 ms");
        assert_eq!(duration_delta(-36_000), "-36.000 µs");
        assert_eq!(duration_delta(0), "0 ns");
        assert_eq!(ratio(Some(3.921)), "×3.92");
        assert_eq!(ratio(None), "new");
        assert_eq!(percent(0.825), "82.5%");
        assert_eq!(p_value(0.0031), "p=3.10e-3");
        assert_eq!(p_value(1e-9), "p<1e-6");
    }

    #[test]
    fn negative_durations_keep_their_sign() {
        assert_eq!(duration(-12), "-12 ns");
        assert_eq!(duration(-1_500), "-1.500 µs");
        assert_eq!(duration(-2_000_000_000), "-2.000 s");
    }

    #[test]
    fn a_duration_that_rounds_to_a_thousand_moves_up_a_unit() {
        // 999.9995 µs is not "1000.000 µs" (nor 999.999 µs: it is exact in ns).
        assert_eq!(duration(999_999), "999.999 µs");
        assert_eq!(duration(999_999_499), "999.999 ms");
        assert_eq!(duration(999_999_500), "1.000 s");
        assert_eq!(duration(1_999_500), "2.000 ms");
        assert_eq!(duration(-999_999_500), "-1.000 s");
    }

    #[test]
    fn duration_extremes_do_not_overflow() {
        assert_eq!(duration(i64::MAX), "9223372036.855 s");
        assert_eq!(duration(i64::MIN), "-9223372036.855 s");
        assert_eq!(duration(i64::MIN + 1), "-9223372036.855 s");
    }

    #[test]
    fn measured_durations_read_like_trace_durations() {
        assert_eq!(duration_of(Duration::from_micros(1_234)), "1.234 ms");
        assert_eq!(duration_of(Duration::MAX), "9223372036.855 s");
    }

    #[test]
    fn elapsed_time_is_in_tenths_of_a_second() {
        assert_eq!(elapsed(Duration::ZERO), "0.0 s");
        assert_eq!(elapsed(Duration::from_millis(3_249)), "3.2 s");
        assert_eq!(elapsed(Duration::from_millis(3_250)), "3.3 s");
        assert_eq!(elapsed(Duration::from_millis(59_960)), "60.0 s");
        // Saturated at u64::MAX milliseconds.
        assert_eq!(elapsed(Duration::MAX), "18446744073709551.6 s");
    }

    #[test]
    fn axis_durations_drop_trailing_zeros() {
        assert_eq!(axis_duration(1e3), "1 µs");
        assert_eq!(axis_duration(1e7), "10 ms");
        assert_eq!(axis_duration(2.5e6), "2.5 ms");
        assert_eq!(axis_duration(1_234.0), "1.23 µs");
        assert_eq!(axis_duration(999.999e3), "1 ms");
        assert_eq!(axis_duration(12.0), "12 ns");
        assert_eq!(axis_duration(3e9), "3 s");
        assert_eq!(axis_duration(0.0), "0 ns");
        assert_eq!(axis_duration(-5.0), "0 ns");
        assert_eq!(axis_duration(f64::NAN), "0 ns");
        assert_eq!(axis_duration(f64::MAX), "184467440737095516.15 s");
    }

    #[test]
    fn tick_labels_use_the_unit_of_the_step() {
        assert_eq!(tick_label(1_500, 500), "1500 ns");
        assert_eq!(tick_label(2_500_000_000, 500_000_000), "2500 ms");
        assert_eq!(tick_label(1_500_000, 500_000), "1500 µs");
        assert_eq!(tick_label(3_000_000_000, 1_000_000_000), "3 s");
        assert_eq!(tick_label(250_000, 50_000), "250 µs");
        assert_eq!(tick_label(-500_000, 100_000), "-500 µs");
        assert_eq!(tick_label(0, 1), "0 ns");
        assert_eq!(tick_label(i64::MAX, i64::MAX), "9223372037 s");
    }

    #[test]
    fn bytes_use_decimal_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1_000), "1.0 kB");
        assert_eq!(bytes(12_500), "12.5 kB");
        assert_eq!(bytes(2_500_000), "2.5 MB");
        assert_eq!(bytes(1_250_000_000), "1.25 GB");
        // 999.95 kB rounds to 1000.0 kB: it is 1.0 MB.
        assert_eq!(bytes(999_950), "1.0 MB");
        assert_eq!(bytes(999_949), "999.9 kB");
        assert_eq!(bytes(999_950_000), "1.00 GB");
        assert_eq!(bytes(u64::MAX), "18446744073.71 GB");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count_of(1, "goroutine"), "1 goroutine");
        assert_eq!(count_of(0, "goroutine"), "0 goroutines");
        assert_eq!(count_of(10_000, "goroutine"), "10,000 goroutines");
    }

    #[test]
    fn truncation_cannot_underflow() {
        assert_eq!(truncate("main.worker", 0), "");
        assert_eq!(truncate("", 0), "");
        assert_eq!(truncate("main.worker", 1), "…");
        assert_eq!(truncate("main.worker", 5), "main…");
        assert_eq!(truncate("main.worker", 11), "main.worker");
        assert_eq!(truncate("main.worker", usize::MAX), "main.worker");
        // Characters, not bytes.
        assert_eq!(truncate("µµµµ", 3), "µµ…");
        assert!(matches!(truncate("abc", 3), Cow::Borrowed(_)));
    }

    #[test]
    fn goroutines_are_g_and_their_id_or_none() {
        assert_eq!(goroutine(Some(123)), "G123");
        assert_eq!(goroutine(Some(0)), "G0");
        assert_eq!(goroutine(None), "none");
        assert_eq!(goroutine(Some(i64::MAX)), "G9223372036854775807");
    }
}
