//! Mutator utilization distribution (Go's `mud.go`): the distribution of
//! windowed utilization, accumulated as a piecewise uniform density with a
//! histogram to know when enough mass is precise.

const MUD_DEGREE: usize = 1024;

#[derive(Clone, Copy)]
struct Edge {
    x: f64,
    delta: f64,
    dirac: f64,
}

/// The distribution being accumulated.
pub struct Mud {
    sorted: Vec<Edge>,
    unsorted: Vec<Edge>,
    track_mass: f64,
    track_bucket: usize,
    track_sum: f64,
    hist: Vec<f64>,
}

impl Default for Mud {
    fn default() -> Self {
        Mud {
            sorted: Vec::new(),
            unsorted: Vec::new(),
            track_mass: 0.0,
            track_bucket: 0,
            track_sum: 0.0,
            hist: vec![0.0; MUD_DEGREE],
        }
    }
}

fn modf(x: f64) -> (f64, f64) {
    let i = x.trunc();
    (i, x - i)
}

impl Mud {
    /// Adds uniform mass `area` between utilizations `l` and `r`.
    pub fn add(&mut self, l: f64, r: f64, area: f64) {
        if area == 0.0 {
            return;
        }
        let (l, r) = if r < l { (r, l) } else { (l, r) };
        if l == r {
            self.unsorted.push(Edge {
                x: l,
                delta: 0.0,
                dirac: area,
            });
        } else {
            let delta = area / (r - l);
            self.unsorted.push(Edge {
                x: l,
                delta,
                dirac: 0.0,
            });
            self.unsorted.push(Edge {
                x: r,
                delta: -delta,
                dirac: 0.0,
            });
        }
        let (lb_f, mut lf) = modf(l * MUD_DEGREE as f64);
        let mut lb = lb_f as usize;
        if lb >= MUD_DEGREE {
            lb = MUD_DEGREE - 1;
            lf = 1.0;
        }
        if l == r {
            self.hist[lb] += area;
        } else {
            let (rb_f, mut rf) = modf(r * MUD_DEGREE as f64);
            let mut rb = rb_f as usize;
            if rb >= MUD_DEGREE {
                rb = MUD_DEGREE - 1;
                rf = 1.0;
            }
            if lb == rb {
                self.hist[lb] += area;
            } else {
                let per_bucket = area / (r - l) / MUD_DEGREE as f64;
                self.hist[lb] += per_bucket * (1.0 - lf);
                self.hist[rb] += per_bucket * rf;
                for h in &mut self.hist[lb + 1..rb] {
                    *h += per_bucket;
                }
            }
        }
        let thresh = self.track_bucket as f64 / MUD_DEGREE as f64;
        if l < thresh {
            if r < thresh {
                self.track_sum += area;
            } else {
                self.track_sum += area * (thresh - l) / (r - l);
            }
            if self.track_sum >= self.track_mass {
                self.set_track_mass(self.track_mass);
            }
        }
    }

    /// Tracks the utilization below which `mass` of the distribution lies.
    pub fn set_track_mass(&mut self, mass: f64) {
        self.track_mass = mass;
        let mut sum = 0.0;
        for (i, &val) in self.hist.iter().enumerate() {
            let new_sum = sum + val;
            if new_sum > mass {
                self.track_bucket = i;
                self.track_sum = sum;
                return;
            }
            sum = new_sum;
        }
        self.track_bucket = self.hist.len();
        self.track_sum = sum;
    }

    /// Bounds of the tracked quantile, if enough mass was seen.
    pub fn approx_inv_cumulative_sum(&self) -> Option<(f64, f64)> {
        if self.track_bucket == self.hist.len() {
            return None;
        }
        Some((
            self.track_bucket as f64 / MUD_DEGREE as f64,
            (self.track_bucket + 1) as f64 / MUD_DEGREE as f64,
        ))
    }

    /// The utilization at which the cumulative mass reaches `y`.
    pub fn inv_cumulative_sum(&mut self, y: f64) -> (f64, bool) {
        if self.sorted.is_empty() && self.unsorted.is_empty() {
            return (f64::NAN, false);
        }
        let mut edges = std::mem::take(&mut self.unsorted);
        // N.B. Go uses an unstable sort; equal x positions are interchangeable
        // for the cumulative sum.
        edges.sort_by(|a, b| a.x.total_cmp(&b.x));
        if self.sorted.is_empty() {
            self.sorted = edges;
        } else {
            let old = std::mem::take(&mut self.sorted);
            let mut merged = Vec::with_capacity(old.len() + edges.len());
            let (mut i, mut j) = (0, 0);
            while i < old.len() || j < edges.len() {
                if j >= edges.len() || (i < old.len() && old[i].x < edges[j].x) {
                    merged.push(old[i]);
                    i += 1;
                } else {
                    merged.push(edges[j]);
                    j += 1;
                }
            }
            self.sorted = merged;
        }
        let (mut csum, mut rate, mut prev_x) = (0.0, 0.0, 0.0);
        for e in &self.sorted {
            let mut new_csum = csum + (e.x - prev_x) * rate;
            if new_csum >= y {
                if rate == 0.0 {
                    return (e.x, true);
                }
                return ((y - csum) / rate + prev_x, true);
            }
            new_csum += e.dirac;
            if new_csum >= y {
                return (e.x, true);
            }
            csum = new_csum;
            prev_x = e.x;
            rate += e.delta;
        }
        (prev_x, false)
    }
}
