//! Time-axis ticks: a step of 1, 2 or 5 times a power of ten nanoseconds
//! chosen so labels are spaced at least a given number of points apart,
//! with labels relative to a movable origin.

use super::timemap::TimeMap;
use crate::format;
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
                label: format::tick_label(t - origin_ns, step),
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
}
