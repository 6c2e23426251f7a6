//! When long work reports its progress.

/// Decides when a loop over `total` units (rows, bytes) reports how far it
/// got: about every hundredth of the work, and at least `min_step` units
/// apart, so a small file does not report on every row.
#[derive(Debug)]
pub(crate) struct Throttle {
    step: u64,
    reported: u64,
}

/// Rows that a loop over rows works through at least between two reports.
const MIN_ROWS_STEP: u64 = 1_000;

/// Bytes that a loop over bytes works through at least between two reports.
const MIN_BYTES_STEP: u64 = 64 * 1024;

impl Throttle {
    /// Returns the throttle of a loop over `total` rows.
    pub(crate) fn rows(total: u64) -> Self {
        Self::new(total, MIN_ROWS_STEP)
    }

    /// Returns the throttle of a loop over `total` bytes.
    pub(crate) fn bytes(total: u64) -> Self {
        Self::new(total, MIN_BYTES_STEP)
    }

    fn new(total: u64, min_step: u64) -> Self {
        Self {
            step: total.div_ceil(100).max(min_step),
            reported: 0,
        }
    }

    /// Returns whether `done` is a full step past the last report, and
    /// then takes it as the new last report.
    pub(crate) fn due(&mut self, done: u64) -> bool {
        let due = done >= self.reported.saturating_add(self.step);
        if due {
            self.reported = done;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn reports_every_hundredth_of_large_work() {
        let mut throttle = Throttle::new(1_000_000, 1_000);
        let reports: Vec<u64> = (0..1_000_000).filter(|&done| throttle.due(done)).collect();
        assert_eq!(reports.len(), 99);
        assert_eq!(reports.last(), Some(&990_000));
    }

    #[test]
    fn small_work_reports_at_least_the_minimum_apart() {
        let mut throttle = Throttle::new(5_000, 1_000);
        let reports: Vec<u64> = (0..5_000).filter(|&done| throttle.due(done)).collect();
        assert_eq!(reports, [1_000, 2_000, 3_000, 4_000]);
    }

    #[test]
    fn jumps_report_from_where_they_land() {
        let mut throttle = Throttle::new(0, 10);
        assert!(!throttle.due(0));
        assert!(throttle.due(25));
        assert!(!throttle.due(34));
        assert!(throttle.due(35));
    }
}
