//! Seconds since each device's last converged sync, with a cap on the number of series.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeviceLabels {
    device: String,
}

/// Tracks when each device last converged and exposes `sync_device_seconds_since_converged`.
///
/// At most `max_series` devices are tracked. When a new device arrives at the cap, the device
/// that converged longest ago is dropped from the gauge and
/// `sync_device_series_evicted_total` counts it, so cardinality stays bounded.
#[derive(Debug, Clone)]
pub struct DeviceSyncTracker {
    last: Arc<Mutex<HashMap<String, Instant>>>,
    max_series: usize,
    gauge: Family<DeviceLabels, Gauge<f64, AtomicU64>>,
    evicted: Counter,
}

impl DeviceSyncTracker {
    /// The cap used when none is configured.
    pub const DEFAULT_MAX_SERIES: usize = 1000;

    /// A tracker keeping at most `max_series` devices (at least one).
    pub fn new(max_series: usize) -> Self {
        Self {
            last: Arc::default(),
            max_series: max_series.max(1),
            gauge: Family::default(),
            evicted: Counter::default(),
        }
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "device_seconds_since_converged",
            "Seconds since the device's last sync that ended with equal heads on both sides",
            self.gauge.clone(),
        );
        registry.register(
            "device_series_evicted",
            "Devices dropped from the per-device gauge because of the series cap",
            self.evicted.clone(),
        );
    }

    /// Records that `device_id` converged now.
    pub fn converged(&self, device_id: &str) {
        self.converged_at(device_id, Instant::now());
    }

    /// Records that `device_id` converged at `at`.
    pub fn converged_at(&self, device_id: &str, at: Instant) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if !last.contains_key(device_id) && last.len() >= self.max_series {
            let oldest = last.iter().min_by_key(|(_, t)| **t).map(|(d, _)| d.clone());
            if let Some(oldest) = oldest {
                last.remove(&oldest);
                self.evicted.inc();
            }
        }
        last.insert(device_id.to_owned(), at);
    }

    /// Devices currently tracked.
    pub fn tracked(&self) -> usize {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Rebuilds the gauge from the tracked times (called before encoding).
    pub(super) fn refresh(&self) {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        self.gauge.clear();
        let now = Instant::now();
        for (device, at) in last.iter() {
            let labels = DeviceLabels {
                device: device.clone(),
            };
            self.gauge
                .get_or_create(&labels)
                .set(now.duration_since(*at).as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_device_that_converged_longest_ago_is_evicted_at_the_cap() {
        let tracker = DeviceSyncTracker::new(2);
        let t0 = Instant::now();
        tracker.converged_at("a", t0);
        tracker.converged_at("b", t0 + Duration::from_secs(1));
        tracker.converged_at("c", t0 + Duration::from_secs(2));
        assert_eq!(tracker.tracked(), 2);
        let last = tracker.last.lock().unwrap();
        assert!(!last.contains_key("a"));
        assert!(last.contains_key("b") && last.contains_key("c"));
        assert_eq!(tracker.evicted.get(), 1);
    }

    #[test]
    fn a_known_device_is_updated_without_eviction() {
        let tracker = DeviceSyncTracker::new(1);
        tracker.converged("a");
        tracker.converged("a");
        assert_eq!(tracker.tracked(), 1);
        assert_eq!(tracker.evicted.get(), 0);
    }
}
