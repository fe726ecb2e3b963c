//! What a load has built so far, for the window to draw while the rest is
//! read (a big trace: the whole time axis within a second, filling in as
//! generations finish): GC and STW ranges, the heap and goroutine
//! counters, and what ran on each proc, up to some time.

use super::counters::CounterSeries;
use super::lanes::IntervalLane;
use crate::trace::Time;

impl Preview {
    /// Nothing built yet.
    pub fn empty() -> Preview {
        Preview {
            built_to: 0,
            gc: Vec::new(),
            stw: Vec::new(),
            heap: CounterSeries::new("heap in use", 1),
            runnable: CounterSeries::new("runnable", 1),
            procs: Vec::new(),
        }
    }
}

/// A snapshot of a model being built.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Everything before this time is in the snapshot.
    pub built_to: Time,
    /// GC mark phases (the last may still be open: it ends at `built_to`).
    pub gc: Vec<(Time, Time)>,
    /// Stop-the-world pauses.
    pub stw: Vec<(Time, Time)>,
    /// Live heap bytes.
    pub heap: CounterSeries,
    /// Goroutines runnable.
    pub runnable: CounterSeries,
    /// Proc IDs and what ran on them (goroutine intervals), by ID.
    pub procs: Vec<(i64, IntervalLane)>,
}

/// Columns a preview divides the time axis into: more than a screen has
/// pixels, so that what the window draws of it (at most one box a pixel)
/// is what it would draw of every interval.
pub const PREVIEW_COLUMNS: Time = 8192;

/// Makes the [`Preview`]s of one load at the resolution of the whole time
/// axis: of each proc's intervals, the first that starts in each column;
/// the counters merged into columns. Each snapshot reads only what was
/// built since the last one: copying all that was built at every
/// generation cost time and, on a 18 MB trace, 35 MB at the load's peak.
pub struct PreviewBuilder {
    /// Width of a column, ns.
    column_ns: Time,
    /// The procs, in the model builder's order of creation.
    procs: Vec<ProcPicture>,
    heap: CounterPicture,
    runnable: CounterPicture,
}

/// One proc's picture and how far its intervals were read.
struct ProcPicture {
    id: i64,
    lane: IntervalLane,
    read: usize,
    last_column: Option<Time>,
}

/// A counter's picture and how far its points were read.
struct CounterPicture {
    series: Option<CounterSeries>,
    read: usize,
    /// Bucket width of the series read: when it coarsens, its points are
    /// renumbered and the picture is made again.
    source_bucket: Time,
}

impl PreviewBuilder {
    /// A builder for a time axis `axis` (if known; otherwise columns of
    /// 1 ms).
    pub fn new(axis: Option<(Time, Time)>) -> PreviewBuilder {
        let column_ns = axis.map_or(1_000_000, |(a, b)| b.saturating_sub(a) / PREVIEW_COLUMNS);
        let counter = || CounterPicture {
            series: None,
            read: 0,
            source_bucket: 0,
        };
        PreviewBuilder {
            column_ns: column_ns.max(1),
            procs: Vec::new(),
            heap: counter(),
            runnable: counter(),
        }
    }

    /// The preview of what a model builder built up to `built_to`: its GC
    /// and STW ranges, its `[heap, runnable]` counters and its procs' closed
    /// intervals (in its order of creation).
    pub fn snapshot<'a>(
        &mut self,
        built_to: Time,
        gc: Vec<(Time, Time)>,
        stw: Vec<(Time, Time)>,
        [heap, runnable]: [&CounterSeries; 2],
        procs: impl Iterator<Item = (i64, &'a IntervalLane)>,
    ) -> Preview {
        for (k, (id, lane)) in procs.enumerate() {
            if k == self.procs.len() {
                self.procs.push(ProcPicture {
                    id,
                    lane: IntervalLane::default(),
                    read: 0,
                    last_column: None,
                });
            }
            self.procs[k].read(lane, self.column_ns);
        }
        let mut procs: Vec<_> = self.procs.iter().map(|p| (p.id, p.lane.clone())).collect();
        procs.sort_by_key(|p| p.0);
        Preview {
            built_to,
            gc,
            stw,
            heap: self.heap.read(heap, self.column_ns),
            runnable: self.runnable.read(runnable, self.column_ns),
            procs,
        }
    }
}

impl ProcPicture {
    /// Keeps the first of the intervals closed since the last read that
    /// starts in each column.
    fn read(&mut self, lane: &IntervalLane, column_ns: Time) {
        for i in self.read..lane.len() {
            let column = lane.start(i).div_euclid(column_ns);
            if self.last_column != Some(column) {
                self.last_column = Some(column);
                self.lane
                    .push(lane.start(i), lane.end(i), lane.g(i), lane.kind(i));
            }
        }
        self.read = lane.len();
    }
}

impl CounterPicture {
    /// The picture of `s` so far: its points merged into columns (of its
    /// own buckets if those are wider).
    fn read(&mut self, s: &CounterSeries, column_ns: Time) -> CounterSeries {
        if self.series.is_none() || s.bucket_ns != self.source_bucket {
            self.series = Some(CounterSeries::new(s.name, column_ns.max(s.bucket_ns)));
            self.read = 0;
            self.source_bucket = s.bucket_ns;
        }
        let Some(pic) = &mut self.series else {
            unreachable!("made above")
        };
        // Every point but the last is final: the last one's bucket may
        // still take values.
        let last = s.len().saturating_sub(1);
        for i in self.read..last {
            pic.merge_point(s.time[i], s.min[i], s.max[i], s.last[i]);
        }
        self.read = self.read.max(last);
        let mut snapshot = pic.clone();
        if let Some(i) = s.len().checked_sub(1) {
            snapshot.merge_point(s.time[i], s.min[i], s.max[i], s.last[i]);
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IntervalKind;

    #[test]
    fn a_preview_keeps_the_first_interval_of_each_column_and_every_peak() {
        let mut lane = IntervalLane::default();
        let mut heap = CounterSeries::new("heap", 1);
        let runnable = CounterSeries::new("runnable", 1);
        let mut pb = PreviewBuilder::new(Some((0, 8192 * 100)));
        let mut whole = CounterSeries::new("heap", 100);
        for t in 0..2000 {
            // Two intervals a column, read in three snapshots.
            lane.push(t * 50, t * 50 + 10, None, IntervalKind::Running);
            heap.set(t * 50, ((t * 37) % 101) as f64);
            whole.set(t * 50, ((t * 37) % 101) as f64);
            if t % 700 == 0 {
                pb.snapshot(
                    t * 50,
                    vec![],
                    vec![],
                    [&heap, &runnable],
                    [(3, &lane)].into_iter(),
                );
            }
        }
        let pv = pb.snapshot(
            100_000,
            vec![],
            vec![],
            [&heap, &runnable],
            [(3, &lane)].into_iter(),
        );
        let (id, pic) = &pv.procs[0];
        assert_eq!((*id, pic.len()), (3, 1000));
        assert!(
            (0..1000).all(|i| pic.start(i) == i as Time * 100 && pic.end(i) == pic.start(i) + 10)
        );
        // The heap merged into columns of 100 ns as if set that way.
        assert_eq!(pv.heap.time, whole.time);
        assert_eq!((&pv.heap.min, &pv.heap.max), (&whole.min, &whole.max));
        assert_eq!(pv.heap.last, whole.last);
        assert_eq!(pv.heap.peak(), heap.peak());
    }
}
