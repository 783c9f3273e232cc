//! Login throttling: after repeated failures an account is locked for a while, longer each time.

use chrono::{DateTime, Duration, Utc};

/// Failures allowed before the first lock.
pub const FREE_ATTEMPTS: i32 = 5;
/// Length of the first lock; doubles with each further failure, up to [`MAX_LOCK`].
pub const FIRST_LOCK: Duration = Duration::minutes(1);
pub const MAX_LOCK: Duration = Duration::hours(1);

/// Until when the account is locked after its `failures`-th consecutive failure at `now`.
pub fn lock_after_failure(failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_ATTEMPTS).clamp(0, 16) as u32;
    let lock = FIRST_LOCK
        .checked_mul(2i32.saturating_pow(doublings))
        .unwrap_or(MAX_LOCK)
        .min(MAX_LOCK);
    Some(now + lock)
}

/// An account's failure count and lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Throttle {
    /// The throttle after a failed attempt at `now`. An attempt while the account is locked
    /// (even with the right password) changes nothing: it neither counts nor extends the lock,
    /// so nobody can keep a fire or police account shut by trying it now and then — the lock
    /// ends on time and the owner can log in.
    pub fn after_failure(self, now: DateTime<Utc>) -> Throttle {
        if is_locked(self.locked_until, now) {
            return self;
        }
        let failures = self.failures.saturating_add(1);
        Throttle {
            failures,
            locked_until: lock_after_failure(failures, now),
        }
    }
}

/// Is the account locked at `now`?
pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|t| t > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn five_free_attempts_then_growing_locks() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        for f in 0..FREE_ATTEMPTS {
            assert_eq!(lock_after_failure(f, now), None);
        }
        assert_eq!(lock_after_failure(5, now), Some(now + Duration::minutes(1)));
        assert_eq!(lock_after_failure(6, now), Some(now + Duration::minutes(2)));
        assert_eq!(lock_after_failure(50, now), Some(now + MAX_LOCK));
        assert!(is_locked(lock_after_failure(5, now), now));
        assert!(!is_locked(
            lock_after_failure(5, now),
            now + Duration::minutes(2)
        ));
    }

    #[test]
    fn attempts_during_a_lock_do_not_extend_it() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut t = Throttle {
            failures: 0,
            locked_until: None,
        };
        for _ in 0..FREE_ATTEMPTS {
            t = t.after_failure(t0);
        }
        let lock = t.locked_until.expect("locked");
        assert_eq!(lock, t0 + FIRST_LOCK);
        // One attempt every few seconds while locked: the lock stays where it was.
        for s in 1..50 {
            let during = t.after_failure(t0 + Duration::seconds(s));
            assert_eq!(during, t);
        }
        // After it ends the owner is free again; a further failure locks anew, longer.
        assert!(!is_locked(t.locked_until, lock));
        let next = t.after_failure(lock + Duration::seconds(1));
        assert_eq!(next.failures, FREE_ATTEMPTS + 1);
        assert_eq!(
            next.locked_until,
            Some(lock + Duration::seconds(1) + FIRST_LOCK * 2)
        );
    }

    proptest! {
        #[test]
        fn a_lock_always_ends_within_the_maximum_of_the_last_counted_failure(
            attempts in proptest::collection::vec(0i64..7_200, 1..200)
        ) {
            // Attempts at increasing times (seconds); however they fall, the account is free
            // MAX_LOCK after the last attempt that counted.
            let t0 = DateTime::<Utc>::UNIX_EPOCH;
            let mut at = t0;
            let mut t = Throttle { failures: 0, locked_until: None };
            let mut last_counted = None;
            for gap in attempts {
                at += Duration::seconds(gap);
                let next = t.after_failure(at);
                if next != t { last_counted = Some(at); }
                prop_assert!(next.locked_until >= t.locked_until || !is_locked(t.locked_until, at));
                t = next;
            }
            if let Some(c) = last_counted {
                prop_assert!(!is_locked(t.locked_until, c + MAX_LOCK));
            }
        }

        #[test]
        fn locks_never_shrink_and_stay_bounded(f in 0i32..10_000) {
            let now = DateTime::<Utc>::UNIX_EPOCH;
            let a = lock_after_failure(f, now);
            let b = lock_after_failure(f + 1, now);
            prop_assert!(b >= a);
            if let Some(t) = b { prop_assert!(t - now <= MAX_LOCK); }
        }
    }
}
