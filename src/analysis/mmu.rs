//! Minimum mutator utilization (Go's `internal/trace/gc.go`): the
//! utilization function replayed from the [`GcLog`] for any set of
//! options, and the MMU curve over window sizes with its worst windows and
//! percentiles (MUD).

use super::gclog::{GcEntry, GcLog, GcRangeClass};
use super::mud::Mud;
use crate::trace::event::EventKind;
use crate::trace::Time;
use rustc_hash::FxHashSet;

/// What counts as GC time (Go's `UtilFlags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtilFlags {
    /// Stop-the-world pauses caused by the GC.
    pub stw: bool,
    /// Background mark workers.
    pub background: bool,
    /// Mark assists.
    pub assist: bool,
    /// Sweeping.
    pub sweep: bool,
    /// One utilization function per P (go tool trace's "per-goroutine").
    pub per_proc: bool,
}

impl UtilFlags {
    /// go tool trace's default: STW, background workers and assists, system-wide.
    pub const DEFAULT: UtilFlags = UtilFlags {
        stw: true,
        background: true,
        assist: true,
        sweep: false,
        per_proc: false,
    };
}

/// A change of mean mutator utilization at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MutatorUtil {
    /// Time.
    pub time: Time,
    /// Utilization from then on, in [0, 1].
    pub util: f64,
}

fn add_util(u: &mut Vec<MutatorUtil>, mu: MutatorUtil) {
    if let Some(last) = u.last_mut() {
        if mu.util == last.util {
            return;
        }
        if mu.time == last.time {
            if mu.util < last.util {
                *last = mu;
            }
            return;
        }
    }
    u.push(mu);
}

#[derive(Clone, Copy)]
struct PerP {
    gc: i32,
    series: usize,
}

/// The state of the replay of a [`GcLog`] (Go's `MutatorUtilizationV2`).
struct Replay {
    flags: UtilFlags,
    /// The utilization functions (one, or one per P).
    out: Vec<Vec<MutatorUtil>>,
    /// Stop-the-world pauses in progress.
    stw: i32,
    ps: Vec<PerP>,
    /// Goroutines in a mark assist.
    in_gc: FxHashSet<i64>,
    /// Goroutines that are background mark workers.
    bg_mark: FxHashSet<i64>,
    /// Each change of GOMAXPROCS: (time, procs).
    procs: Vec<(Time, usize)>,
}

/// Replays the log into utilization functions (one, or one per P).
pub fn mutator_utilization(log: &GcLog, flags: UtilFlags) -> Vec<Vec<MutatorUtil>> {
    let mut r = Replay {
        flags,
        out: Vec::new(),
        stw: 0,
        ps: Vec::new(),
        in_gc: FxHashSet::default(),
        bg_mark: FxHashSet::default(),
        procs: Vec::new(),
    };
    for e in &log.entries {
        let time = match *e {
            GcEntry::Sync(_) => continue,
            GcEntry::Procs { time, n } => {
                r.procs_change(time, n as usize);
                time
            }
            _ if r.ps.is_empty() => continue,
            GcEntry::Range {
                time,
                kind,
                class,
                proc,
                scope_g,
                executing,
            } => {
                if kind == EventKind::RangeActive {
                    r.active_since_start(class, executing);
                }
                let delta = if kind == EventKind::RangeEnd { -1 } else { 1 };
                r.range(class, delta, proc, scope_g);
                time
            }
            GcEntry::Transition {
                time,
                g,
                proc,
                old_exec,
                new_exec,
            } => {
                r.transition(g, proc, old_exec, new_exec);
                time
            }
            GcEntry::Worker {
                time,
                g,
                proc,
                dedicated,
            } => {
                r.worker(g, proc, dedicated);
                time
            }
        };
        r.record(time);
    }
    let Some(last) = log.last_time else {
        return Vec::new();
    };
    for p in &r.ps {
        add_util(
            &mut r.out[p.series],
            MutatorUtil {
                time: last,
                util: 0.0,
            },
        );
    }
    r.out
}

impl Replay {
    /// The index of proc `p`, if it is one of the current procs.
    fn pidx(&self, p: i64) -> Option<usize> {
        (p >= 0 && (p as usize) < self.ps.len()).then_some(p as usize)
    }

    /// GOMAXPROCS becomes `n`: procs go (to 0 per P) or come (at 1).
    fn procs_change(&mut self, time: Time, n: usize) {
        let ps = &mut self.ps;
        if ps.len() > n {
            if self.flags.per_proc {
                for p in &ps[n..] {
                    add_util(&mut self.out[p.series], MutatorUtil { time, util: 0.0 });
                }
            }
            ps.truncate(n);
        }
        while ps.len() < n {
            let mut series = 0;
            if self.flags.per_proc || self.out.is_empty() {
                series = self.out.len();
                self.out.push(vec![MutatorUtil { time, util: 1.0 }]);
            }
            ps.push(PerP { gc: 0, series });
        }
        if self.procs.last().is_none_or(|&(_, m)| m != n) {
            self.procs.push((time, n));
        }
    }

    /// A range active since the trace began: take the missed part out of
    /// the utilization so far (system-wide mode only).
    fn active_since_start(&mut self, class: GcRangeClass, executing: bool) {
        let flags = self.flags;
        let counts = match class {
            GcRangeClass::Assist => flags.assist && executing,
            GcRangeClass::Sweep => flags.sweep,
            GcRangeClass::GcStw => false,
        };
        if !counts || flags.per_proc || self.out.is_empty() {
            return;
        }
        let (out, procs) = (&mut self.out[0], &self.procs);
        let (mut mi, mut pi) = (0, 0);
        while mi < out.len() {
            if pi + 1 < procs.len() && procs[pi + 1].0 < out[mi].time {
                pi += 1;
                continue;
            }
            out[mi].util -= 1.0 / procs[pi].1 as f64;
            if out[mi].util < 0.0 {
                out[mi].util = 0.0;
            }
            mi += 1;
        }
    }

    /// A GC range begins (`delta` 1) or ends (-1), if the flags count its class.
    fn range(&mut self, class: GcRangeClass, delta: i32, proc: i64, scope_g: i64) {
        let handles = match class {
            GcRangeClass::GcStw => self.flags.stw,
            GcRangeClass::Sweep => self.flags.sweep,
            GcRangeClass::Assist => self.flags.assist,
        };
        if !handles {
            return;
        }
        if class == GcRangeClass::GcStw {
            self.stw += delta;
            return;
        }
        if let Some(i) = self.pidx(proc) {
            self.ps[i].gc += delta;
        }
        if class == GcRangeClass::Assist && scope_g != -1 {
            if delta > 0 {
                self.in_gc.insert(scope_g);
            } else {
                self.in_gc.remove(&scope_g);
            }
        }
    }

    /// A GC goroutine starts or stops executing on `proc`.
    fn transition(&mut self, g: i64, proc: i64, old_exec: bool, new_exec: bool) {
        if !self.in_gc.contains(&g) && !self.bg_mark.contains(&g) {
            return;
        }
        if let Some(i) = self.pidx(proc) {
            if !old_exec && new_exec {
                self.ps[i].gc += 1;
            } else if old_exec && !new_exec {
                self.ps[i].gc -= 1;
            }
        }
    }

    /// A background mark worker. Dedicated workers take the whole P; per P
    /// they do not delay goroutines directly.
    fn worker(&mut self, g: i64, proc: i64, dedicated: bool) {
        if self.flags.background && !(self.flags.per_proc && dedicated) {
            self.bg_mark.insert(g);
            if let Some(i) = self.pidx(proc) {
                self.ps[i].gc += 1;
            }
        }
    }

    /// The utilization from `time` on.
    fn record(&mut self, time: Time) {
        let ps = &self.ps;
        if ps.is_empty() {
            return;
        }
        if !self.flags.per_proc {
            let gc_ps = if self.stw > 0 {
                ps.len()
            } else {
                ps.iter().filter(|p| p.gc > 0).count()
            };
            let util = 1.0 - gc_ps as f64 / ps.len() as f64;
            add_util(&mut self.out[0], MutatorUtil { time, util });
        } else {
            for p in ps {
                let util = if self.stw > 0 || p.gc > 0 { 0.0 } else { 1.0 };
                add_util(&mut self.out[p.series], MutatorUtil { time, util });
            }
        }
    }
}

/// Number of bands each series is summarised into.
const BANDS_PER_SERIES: usize = 1000;

#[derive(Clone, Copy)]
struct Band {
    min_util: f64,
    cum_util: f64,
    integrator_pos: usize,
}

struct Series {
    util: Vec<MutatorUtil>,
    sums: Vec<f64>,
    bands: Vec<Band>,
    band_dur: i64,
}

/// Position in a utilization function, integrating it.
#[derive(Clone, Copy)]
struct Integrator {
    pos: usize,
}

impl Integrator {
    /// Integral of the function from the start to `time` (monotonic calls).
    fn advance(&mut self, s: &Series, time: i64) -> f64 {
        let util = &s.util;
        let mut pos = self.pos;
        const MAX_SEQ: usize = 8;
        if pos + MAX_SEQ < util.len() && util[pos + MAX_SEQ].time > time {
            while pos + 1 < util.len() && util[pos + 1].time <= time {
                pos += 1;
            }
        } else {
            let (mut l, mut r) = (pos, util.len());
            while l < r {
                let h = (l + r) / 2;
                if util[h].time <= time {
                    l = h + 1;
                } else {
                    r = h;
                }
            }
            pos = l.saturating_sub(1);
        }
        self.pos = pos;
        let partial = if time != util[pos].time {
            util[pos].util * time.wrapping_sub(util[pos].time) as f64
        } else {
            0.0
        };
        s.sums[pos] + partial
    }

    /// Next change strictly after `time`.
    fn next(&self, s: &Series, time: i64) -> i64 {
        s.util[self.pos..]
            .iter()
            .find(|u| u.time > time)
            .map_or(i64::MAX, |u| u.time)
    }
}

impl Series {
    fn new(util: Vec<MutatorUtil>) -> Series {
        let mut sums = Vec::with_capacity(util.len());
        let mut prev = MutatorUtil { time: 0, util: 0.0 };
        let mut sum = 0.0;
        for u in &util {
            sum += prev.util * u.time.wrapping_sub(prev.time) as f64;
            sums.push(sum);
            prev = *u;
        }
        let num_bands = BANDS_PER_SERIES.min(util.len());
        // N.B. Time arithmetic wraps like Go's on absurd (corrupt) timestamps.
        let dur = util[util.len() - 1].time.wrapping_sub(util[0].time);
        let band_dur = (dur.wrapping_add(num_bands as i64 - 1) / num_bands.max(1) as i64).max(1);
        let mut s = Series {
            util,
            sums,
            bands: Vec::with_capacity(num_bands + 1),
            band_dur,
        };
        let mut left = Integrator { pos: 0 };
        for i in 0..=num_bands {
            let (start, end) = s.band_time(i);
            let cum_util = left.advance(&s, start);
            let pred = left.pos;
            let mut min_util: f64 = 1.0;
            for u in s.util[pred..].iter().take_while(|u| u.time < end) {
                min_util = min_util.min(u.util);
            }
            s.bands.push(Band {
                min_util,
                cum_util,
                integrator_pos: left.pos,
            });
        }
        s
    }

    fn band_time(&self, i: usize) -> (i64, i64) {
        let start = (i as i64)
            .wrapping_mul(self.band_dur)
            .wrapping_add(self.util[0].time);
        (start, start.wrapping_add(self.band_dur))
    }

    /// Worst-case utilization bound of windows starting in each band.
    fn band_utils(&self, series: usize, window: i64) -> Vec<BandUtil> {
        let min_bands = (window.wrapping_add(self.band_dur - 1) / self.band_dur).max(1) as usize;
        let max_bands = (window.wrapping_add((self.band_dur - 1).wrapping_mul(2)) / self.band_dur)
            .max(1) as usize;
        let tail_dur = window % self.band_dur;
        let n = (self.bands.len() + 1).saturating_sub(max_bands);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let l = self.bands[i].min_util;
            let r1 = self.bands[(i + min_bands).saturating_sub(1)].min_util;
            let r2 = self.bands[(i + max_bands).saturating_sub(1)].min_util;
            let min_band = l.min(r1.min(r2));
            let mut util = 0.0;
            if min_bands == 1 {
                util += min_band * window as f64;
            } else {
                util += min_band * self.band_dur as f64;
                let mid = if min_band == l {
                    r1.min(r2)
                } else if min_band == r1 {
                    l.min(r2)
                } else {
                    l.min(r1)
                };
                util += mid * tail_dur as f64;
            }
            if min_bands > 2 {
                util += self.bands[i + min_bands - 1].cum_util - self.bands[i + 1].cum_util;
            }
            out.push(BandUtil {
                series,
                i,
                bound: util / window as f64,
            });
        }
        out
    }

    /// Exact MMU for windows whose left edge is in band `band`.
    fn band_mmu(&self, band: usize, window: i64, acc: &mut Accumulator) {
        let mut left = Integrator {
            pos: self.bands[band].integrator_pos,
        };
        let mut right = left;
        let (mut time, mut end_time) = self.band_time(band);
        let util_end = self.util[self.util.len() - 1].time.wrapping_sub(window);
        if util_end < end_time {
            end_time = util_end;
        }
        acc.reset_time();
        loop {
            let mu = (right.advance(self, time.wrapping_add(window)) - left.advance(self, time))
                / window as f64;
            if acc.add_mu(time, mu, window) {
                break;
            }
            if time == end_time {
                break;
            }
            let min_time = time.wrapping_add(((mu - acc.bound) * window as f64) as i64);
            let t1 = left.next(self, time);
            let t2 = right
                .next(self, time.wrapping_add(window))
                .saturating_sub(window);
            time = t1.min(t2);
            if time < min_time {
                time = min_time;
            }
            if time >= end_time {
                time = end_time;
            }
        }
    }
}

#[derive(Clone, Copy)]
struct BandUtil {
    series: usize,
    i: usize,
    bound: f64,
}

/// A window of a given size and its mean mutator utilization.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UtilWindow {
    /// Start of the window.
    pub time: Time,
    /// Mean utilization in it.
    pub util: f64,
}

/// Go's `utilHeap` ordering: "less" means higher utilization (then later).
fn util_less(a: &UtilWindow, b: &UtilWindow) -> bool {
    if a.util != b.util {
        return a.util > b.util;
    }
    a.time > b.time
}

struct Accumulator {
    mmu: f64,
    bound: f64,
    n_worst: usize,
    worst: Vec<UtilWindow>,
    mud: Option<Mud>,
    last_time: i64,
    last_mu: f64,
}

impl Accumulator {
    fn new(n_worst: usize) -> Accumulator {
        Accumulator {
            mmu: 1.0,
            bound: 1.0,
            n_worst,
            worst: Vec::new(),
            mud: None,
            last_time: i64::MAX,
            last_mu: 0.0,
        }
    }

    fn reset_time(&mut self) {
        self.last_time = i64::MAX;
    }

    fn add_mu(&mut self, time: i64, mu: f64, window: i64) -> bool {
        if mu < self.mmu {
            self.mmu = mu;
        }
        self.bound = self.mmu;
        // N.B. Go returns here whenever no worst windows are tracked, which
        // also skips the distribution: its MUD never accumulates and every
        // percentile falls back to the MMU. Only stop early without a MUD.
        if self.n_worst == 0 && self.mud.is_none() {
            return mu == 0.0;
        }
        if self.n_worst > 0 && (self.worst.len() < self.n_worst || mu < self.worst[0].util) {
            // Keep only the worse of two overlapping windows.
            let mut keep = false;
            let mut remove = None;
            for (i, w) in self.worst.iter().enumerate() {
                if time.wrapping_add(window) > w.time && w.time.wrapping_add(window) > time {
                    if w.util <= mu {
                        keep = true;
                    } else {
                        remove = Some(i);
                    }
                    break;
                }
            }
            if !keep {
                if let Some(i) = remove {
                    heap_remove(&mut self.worst, i, util_less);
                }
                heap_push(&mut self.worst, UtilWindow { time, util: mu }, util_less);
                if self.worst.len() > self.n_worst {
                    heap_pop(&mut self.worst, util_less);
                }
            }
        }
        if self.n_worst > 0 {
            if self.worst.len() < self.n_worst {
                self.bound = 1.0;
            } else {
                self.bound = self.bound.max(self.worst[0].util);
            }
        }
        if let Some(mud) = &mut self.mud {
            if self.last_time != i64::MAX {
                mud.add(self.last_mu, mu, time.wrapping_sub(self.last_time) as f64);
            }
            self.last_time = time;
            self.last_mu = mu;
            match mud.approx_inv_cumulative_sum() {
                Some((_, hi)) => self.bound = self.bound.max(hi),
                None => self.bound = 1.0,
            }
            return false;
        }
        self.worst.len() == self.n_worst && self.worst[0].util == 0.0
    }
}

// Binary heap primitives with Go's container/heap algorithms, so that
// ties resolve as in Go.
fn heap_up<T>(h: &mut [T], mut j: usize, less: impl Fn(&T, &T) -> bool) {
    while j > 0 {
        let i = (j - 1) / 2;
        if i == j || !less(&h[j], &h[i]) {
            break;
        }
        h.swap(i, j);
        j = i;
    }
}

fn heap_down<T>(h: &mut [T], i0: usize, n: usize, less: impl Fn(&T, &T) -> bool) -> bool {
    let mut i = i0;
    loop {
        let j1 = 2 * i + 1;
        if j1 >= n {
            break;
        }
        let mut j = j1;
        let j2 = j1 + 1;
        if j2 < n && less(&h[j2], &h[j1]) {
            j = j2;
        }
        if !less(&h[j], &h[i]) {
            break;
        }
        h.swap(i, j);
        i = j;
    }
    i > i0
}

fn heap_init<T>(h: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    let n = h.len();
    for i in (0..n / 2).rev() {
        heap_down(h, i, n, less);
    }
}

fn heap_push<T>(h: &mut Vec<T>, x: T, less: impl Fn(&T, &T) -> bool) {
    h.push(x);
    let n = h.len();
    heap_up(h, n - 1, less);
}

fn heap_pop<T>(h: &mut Vec<T>, less: impl Fn(&T, &T) -> bool + Copy) -> Option<T> {
    let n = h.len().checked_sub(1)?;
    h.swap(0, n);
    heap_down(h, 0, n, less);
    h.pop()
}

fn heap_remove<T>(h: &mut Vec<T>, i: usize, less: impl Fn(&T, &T) -> bool + Copy) -> Option<T> {
    let n = h.len().checked_sub(1)?;
    if n != i {
        h.swap(i, n);
        if !heap_down(h, i, n, less) {
            heap_up(h, i, less);
        }
    }
    h.pop()
}

/// The MMU curve of one or more utilization functions.
pub struct MmuCurve {
    series: Vec<Series>,
}

impl MmuCurve {
    /// Prepares the curve (band summaries) of utilization functions.
    pub fn new(utils: Vec<Vec<MutatorUtil>>) -> MmuCurve {
        MmuCurve {
            series: utils
                .into_iter()
                .filter(|u| !u.is_empty())
                .map(Series::new)
                .collect(),
        }
    }

    /// True when there is no utilization data.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Minimum mutator utilization over all windows of `window` ns.
    pub fn mmu(&self, window: i64) -> f64 {
        let mut acc = Accumulator::new(0);
        self.run(window, &mut acc);
        acc.mmu
    }

    /// Up to `n` disjoint windows with the lowest utilization, worst first.
    pub fn examples(&self, window: i64, n: usize) -> Vec<UtilWindow> {
        let mut acc = Accumulator::new(n);
        self.run(window, &mut acc);
        let mut w = acc.worst;
        // Go sorts the heap by its order reversed: lowest utilization first.
        w.sort_by(|a, b| {
            if util_less(b, a) {
                std::cmp::Ordering::Less
            } else if util_less(a, b) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        w
    }

    /// Mutator utilization distribution quantiles (e.g. 0.01 = p99 MU).
    pub fn mud(&self, window: i64, quantiles: &[f64]) -> Vec<f64> {
        if quantiles.is_empty() {
            return Vec::new();
        }
        let max_q = quantiles.iter().copied().fold(quantiles[0], f64::max);
        let mut duration: i64 = 0;
        for s in &self.series {
            let d = s.util[s.util.len() - 1].time.wrapping_sub(s.util[0].time);
            if d >= window {
                duration = duration.wrapping_add(d - window);
            }
        }
        let q_mass = duration as f64 * max_q;
        let mut acc = Accumulator::new(0);
        let mut mud = Mud::default();
        mud.set_track_mass(q_mass);
        acc.mud = Some(mud);
        self.run(window, &mut acc);
        let mmu = acc.mmu;
        let mud = acc.mud.as_mut().expect("set above");
        quantiles
            .iter()
            .map(|q| match mud.inv_cumulative_sum(duration as f64 * q) {
                (mu, _) if mu.is_nan() => mmu,
                (mu, _) => mu,
            })
            .collect()
    }

    fn run(&self, window: i64, acc: &mut Accumulator) {
        if window <= 0 {
            acc.mmu = 0.0;
            return;
        }
        let mut bands: Vec<BandUtil> = Vec::new();
        let mut windows = Vec::with_capacity(self.series.len());
        for (i, s) in self.series.iter().enumerate() {
            let max = s.util[s.util.len() - 1].time.wrapping_sub(s.util[0].time);
            let w = window.min(max);
            windows.push(w);
            if w <= 0 {
                continue;
            }
            bands.extend(s.band_utils(i, w));
        }
        let less = |a: &BandUtil, b: &BandUtil| a.bound < b.bound;
        heap_init(&mut bands, less);
        while !bands.is_empty() && bands[0].bound < acc.bound {
            let b = bands[0];
            self.series[b.series].band_mmu(b.i, windows[b.series], acc);
            heap_pop(&mut bands, less);
        }
    }
}
