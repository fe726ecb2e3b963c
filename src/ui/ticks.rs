//! Time-axis ticks: a step of 1, 2 or 5 times a power of ten nanoseconds
//! chosen so labels are spaced at least a given number of points apart,
//! with labels relative to a movable origin.

use super::timemap::TimeMap;
use crate::trace::Time;

/// One tick on the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Absolute time of the tick.
    pub time_ns: Time,
    /// Screen x.
    pub x: f64,
    /// Label relative to the origin.
    pub label: String,
}

/// The step (ns) between ticks so that ticks are at least `min_px` apart.
pub fn tick_step_ns(ns_per_px: f64, min_px: f64) -> Time {
    let want = (ns_per_px * min_px).max(1.0);
    let mut p: Time = 1;
    loop {
        for m in [1, 2, 5] {
            let s = p.saturating_mul(m);
            if s as f64 >= want {
                return s;
            }
        }
        if p > Time::MAX / 100 {
            return p;
        }
        p *= 10;
    }
}

/// A time offset as an axis label with a unit fitting `step`.
pub fn label(offset_ns: Time, step_ns: Time) -> String {
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
    // Enough decimals to tell neighbouring ticks apart.
    let step_units = step_ns as f64 / div;
    let decimals = if step_units >= 1.0 {
        0
    } else {
        (-step_units.log10()).ceil() as usize
    };
    format!("{v:.decimals$} {unit}")
}

/// The ticks visible in `map`, labelled relative to `origin_ns`.
pub fn ticks(map: &TimeMap, origin_ns: Time, min_px: f64) -> Vec<Tick> {
    let step = tick_step_ns(map.ns_per_px, min_px);
    let t0 = map.start_ns;
    let t1 = map.end_ns();
    // First tick at or after t0, aligned to the origin.
    let k0 = (t0 - origin_ns).div_euclid(step) + 1;
    let mut out = Vec::new();
    let mut k = k0 - 1;
    loop {
        let t = origin_ns + k * step;
        if t > t1 {
            break;
        }
        if t >= t0 {
            out.push(Tick {
                time_ns: t,
                x: map.x_from_time(t),
                label: label(t - origin_ns, step),
            });
        }
        k += 1;
        if out.len() > 1000 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_1_2_5() {
        assert_eq!(tick_step_ns(1.0, 80.0), 100);
        assert_eq!(tick_step_ns(1000.0, 80.0), 100_000);
        assert_eq!(tick_step_ns(3000.0, 80.0), 500_000);
        assert_eq!(tick_step_ns(0.01, 80.0), 1);
    }

    #[test]
    fn ticks_are_relative_to_the_origin() {
        let m = TimeMap::fit(1_000_000, 2_000_000, 0.0, 1000.0);
        let t = ticks(&m, 1_000_000, 80.0);
        assert_eq!(t[0].label, "0 µs");
        assert_eq!(t[1].label, "100 µs");
        let t = ticks(&m, 1_500_000, 80.0);
        assert_eq!(t[0].label, "-500 µs");
    }

    #[test]
    fn labels_keep_decimals_for_small_steps() {
        assert_eq!(label(1_500, 500), "1500 ns");
        assert_eq!(label(1_500_000, 500_000), "1500 µs");
        assert_eq!(label(2_500_000_000, 500_000_000), "2500 ms");
        assert_eq!(label(3_000_000_000, 1_000_000_000), "3 s");
    }
}
