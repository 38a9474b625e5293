//! Progress and cancel while an import of any kind applies: the rows done so far are reported
//! each time another percent is done, and a cancel asked for from another thread aborts the one
//! transaction (nothing is written).

use std::sync::atomic::{AtomicBool, Ordering};

use super::ImportProgress;
use crate::error::{KamError, Result};

pub(crate) struct Ticker<'a> {
    shown: ImportProgress,
    report: &'a mut dyn FnMut(ImportProgress),
    cancel: &'a AtomicBool,
}

pub(crate) fn cancelled() -> KamError {
    KamError::Cancelled {
        zh: "导入已取消，没有写入任何数据。".into(),
        en: "The import was cancelled; nothing was written.".into(),
    }
}

impl<'a> Ticker<'a> {
    /// Start at 0 of `total` rows (refused when cancelled already).
    pub fn start(total: u32, report: &'a mut dyn FnMut(ImportProgress), cancel: &'a AtomicBool) -> Result<Self> {
        let t = Ticker { shown: ImportProgress { done: 0, total, percent: 0 }, report, cancel };
        t.check()?;
        (t.report)(t.shown);
        Ok(t)
    }

    /// `done` rows of the total are done; `cancelled` when asked to stop.
    pub fn tick(&mut self, done: u32) -> Result<()> {
        self.check()?;
        let total = self.shown.total;
        let done = done.min(total);
        let percent = done * 100 / total.max(1);
        if percent != self.shown.percent || (done == total && self.shown.done != total) {
            self.shown = ImportProgress { done, total, percent };
            (self.report)(self.shown);
        }
        Ok(())
    }

    /// `cancelled` when asked to stop (the last chance is just before the commit).
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_percent_once_and_stops_when_cancelled() {
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let mut report = |p: ImportProgress| seen.push(p.percent);
        {
            let mut t = Ticker::start(200, &mut report, &cancel).unwrap();
            for i in 1..=200 {
                t.tick(i).unwrap();
            }
            cancel.store(true, Ordering::Relaxed);
            assert_eq!(t.tick(200).unwrap_err().code(), "cancelled");
        }
        assert_eq!(seen, (0..=100).collect::<Vec<_>>());
    }
}
