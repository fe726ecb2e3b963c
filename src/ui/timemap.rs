//! The one mapping between trace time (i64 nanoseconds) and screen x
//! (f64 points). Never f32 for time: it loses microseconds seconds into a
//! trace.

use crate::trace::Time;

/// Which slice of time is shown across which screen pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeMap {
    /// Time at the left edge of the track area.
    pub start_ns: Time,
    /// Nanoseconds per screen point (> 0).
    pub ns_per_px: f64,
    /// Screen x of the left edge of the track area.
    pub left_px: f64,
    /// Width of the track area in points.
    pub width_px: f64,
}

/// Smallest zoom: one nanosecond spread over this many points.
pub const MIN_NS_PER_PX: f64 = 1.0 / 200.0;

impl TimeMap {
    /// A map showing `[t0, t1)` across `width_px` points starting at `left_px`.
    pub fn fit(t0: Time, t1: Time, left_px: f64, width_px: f64) -> TimeMap {
        let width_px = width_px.max(1.0);
        let span = (t1 - t0).max(1) as f64;
        TimeMap {
            start_ns: t0,
            ns_per_px: (span / width_px).max(MIN_NS_PER_PX),
            left_px,
            width_px,
        }
    }

    /// Screen x of time `t`.
    #[inline]
    pub fn x_from_time(&self, t: Time) -> f64 {
        self.left_px + (t - self.start_ns) as f64 / self.ns_per_px
    }

    /// Time at screen x.
    #[inline]
    pub fn time_from_x(&self, x: f64) -> Time {
        self.start_ns + ((x - self.left_px) * self.ns_per_px).round() as Time
    }

    /// Time at the right edge.
    pub fn end_ns(&self) -> Time {
        self.start_ns + (self.width_px * self.ns_per_px).ceil() as Time
    }

    /// Length of the visible window.
    pub fn duration_ns(&self) -> Time {
        self.end_ns() - self.start_ns
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the time under `x` in place.
    pub fn zoom_at(&mut self, x: f64, factor: f64) {
        let t = self.time_from_x(x);
        self.ns_per_px = (self.ns_per_px / factor.max(1e-6)).max(MIN_NS_PER_PX);
        let off = ((x - self.left_px) * self.ns_per_px).round() as Time;
        self.start_ns = t - off;
    }

    /// Pans by `dx` points (positive moves the content right: earlier time).
    pub fn pan_px(&mut self, dx: f64) {
        self.start_ns -= (dx * self.ns_per_px).round() as Time;
    }

    /// Keeps the view overlapping `[t0, t1)` and never wider than 1.5x it.
    pub fn clamp_to(&mut self, t0: Time, t1: Time) {
        let span = (t1 - t0).max(1) as f64;
        let max_ns_per_px = span * 1.5 / self.width_px.max(1.0);
        if self.ns_per_px > max_ns_per_px {
            self.ns_per_px = max_ns_per_px;
        }
        let margin = (self.duration_ns() / 2).max(1);
        self.start_ns = self
            .start_ns
            .clamp(t0 - margin, (t1 - margin).max(t0 - margin));
    }

    /// Changes the screen placement, keeping the start time and scale.
    pub fn with_screen(mut self, left_px: f64, width_px: f64) -> TimeMap {
        self.left_px = left_px;
        self.width_px = width_px.max(1.0);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_nanoseconds_far_into_a_trace() {
        let m = TimeMap::fit(10_000_000_000, 10_000_001_000, 100.0, 1000.0);
        assert_eq!(m.x_from_time(10_000_000_500), 600.0);
        assert_eq!(m.time_from_x(600.0), 10_000_000_500);
        assert_eq!(m.end_ns(), 10_000_001_000);
    }

    #[test]
    fn zoom_keeps_the_time_under_the_cursor() {
        let mut m = TimeMap::fit(0, 1_000_000, 0.0, 1000.0);
        let t = m.time_from_x(250.0);
        m.zoom_at(250.0, 10.0);
        assert_eq!(m.time_from_x(250.0), t);
        assert!((m.ns_per_px - 100.0).abs() < 1e-9);
    }

    #[test]
    fn pan_moves_time() {
        let mut m = TimeMap::fit(0, 1000, 0.0, 100.0);
        m.pan_px(-10.0);
        assert_eq!(m.start_ns, 100);
    }

    #[test]
    fn clamp_limits_zoom_out() {
        let mut m = TimeMap::fit(0, 1_000_000_000, 0.0, 100.0);
        m.ns_per_px *= 100.0;
        m.clamp_to(0, 1_000_000_000);
        assert!(m.duration_ns() <= 1_500_000_001);
    }
}
