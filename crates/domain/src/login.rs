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

    proptest! {
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
