//! Login rate limiting: a sliding window of failed attempts per account and per client address,
//! in memory (one server process; a restart forgets, which only helps an attacker once).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired ones are swept, bounding memory under a spray of usernames.
const SWEEP_AT_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

/// Failed-login counters.
#[derive(Debug)]
pub struct LoginLimiter {
    window: Duration,
    max_per_account: usize,
    max_per_address: usize,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// A limiter allowing `max_per_account` / `max_per_address` failures within `window`.
    pub fn new(window: Duration, max_per_account: usize, max_per_address: usize) -> Self {
        Self {
            window,
            max_per_account: max_per_account.max(1),
            max_per_address: max_per_address.max(1),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after)` when the account or the address has used up its failures; checked
    /// BEFORE the password is verified, so a blocked guesser learns nothing.
    pub fn check(
        &self,
        account: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let mut map = self.lock();
        let mut wait = None;
        let mut consider = |key: Key, max: usize| {
            if let Some(times) = map.get_mut(&key) {
                prune(times, now, self.window);
                if times.len() >= max
                    && let Some(oldest) = times.front()
                {
                    let until = (*oldest + self.window).saturating_duration_since(now);
                    wait = Some(wait.map_or(until, |w: Duration| w.max(until)));
                }
            }
        };
        consider(Key::Account(account.to_owned()), self.max_per_account);
        if let Some(ip) = address {
            consider(Key::Address(ip), self.max_per_address);
        }
        match wait {
            // At least one second, so `Retry-After` is never 0.
            Some(w) => Err(w.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, account: &str, address: Option<IpAddr>, now: Instant) {
        let mut map = self.lock();
        if map.len() >= SWEEP_AT_ENTRIES {
            map.retain(|_, times| {
                prune(times, now, self.window);
                !times.is_empty()
            });
        }
        map.entry(Key::Account(account.to_owned()))
            .or_default()
            .push_back(now);
        if let Some(ip) = address {
            map.entry(Key::Address(ip)).or_default().push_back(now);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        // A panic while holding the lock leaves plain counters behind: keep using them.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_blocks_after_the_limit_and_slides_open_again() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(limiter.check("an", None, t0).is_ok(), "attempt {i}");
            limiter.record_failure("an", None, t0);
        }
        let wait = limiter
            .check("an", None, t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(limiter.check("binh", None, t0).is_ok());
        assert!(
            limiter
                .check("an", None, t0 + Duration::from_secs(61))
                .is_ok()
        );
    }

    #[test]
    fn one_address_spraying_usernames_is_blocked() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 2);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        limiter.record_failure("a", Some(ip), t0);
        limiter.record_failure("b", Some(ip), t0);
        assert!(limiter.check("c", Some(ip), t0).is_err());
        assert!(
            limiter
                .check("c", Some("10.0.0.2".parse().unwrap()), t0)
                .is_ok()
        );
    }
}
