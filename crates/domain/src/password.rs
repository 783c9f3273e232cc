//! What a new password must be (NIST SP 800-63B §3.1.1.2): long enough, and none of what an
//! attacker tries first — the most common passwords (a list shipped in the binary), the login
//! itself, blanks, one character repeated, a run like `1234567890`. No composition rules
//! (NIST advises against them); the length is what protects.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Minimum length for new passwords.
pub const MIN_LENGTH: usize = 10;
/// Maximum length (Argon2 has no limit; this bounds the work of one login).
pub const MAX_LENGTH: usize = 200;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Checks a new password for the account `login`; the reason, in Japanese, when refused.
pub fn check_new_password(password: &str, login: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!("パスワードは{MIN_LENGTH}文字以上にしてください"));
    }
    if length > MAX_LENGTH {
        return Err(format!("パスワードは{MAX_LENGTH}文字以内にしてください"));
    }
    if password.trim().is_empty() {
        return Err("空白だけのパスワードは使えません".into());
    }
    let folded = password.trim().to_lowercase();
    let login = login.trim().to_lowercase();
    if !login.is_empty()
        && (folded == login || (login.chars().count() >= 4 && folded.contains(&login)))
    {
        return Err("ログインIDを含むパスワードは使えません".into());
    }
    if is_repetition(&folded) {
        return Err("同じ文字や短い並びの繰り返しは使えません".into());
    }
    if is_run(&folded) {
        return Err("「1234567890」「abcdefghij」のような連続した文字は使えません".into());
    }
    if COMMON.contains(folded.as_str()) {
        return Err("よく使われていて推測されやすいパスワードです。別のものにしてください".into());
    }
    Ok(())
}

/// `aaaaaaaaaa`, `abcabcabcabc`, `1212121212`: a unit of up to three characters repeated.
fn is_repetition(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    (1..=3).any(|unit| {
        chars.len() > unit && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit])
    })
}

/// Every character the next code point up (or down) from the one before.
fn is_run(s: &str) -> bool {
    let codes: Vec<i64> = s.chars().map(|c| i64::from(u32::from(c))).collect();
    let steps: Vec<i64> = codes.windows(2).map(|w| w[1] - w[0]).collect();
    !steps.is_empty() && (steps.iter().all(|d| *d == 1) || steps.iter().all(|d| *d == -1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn what_an_attacker_tries_first_is_refused() {
        for (pw, login) in [
            ("short", "u"),
            ("aaaaaaaaaa", "u"),
            ("          ", "u"),
            (
                "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}",
                "u",
            ),
            ("fire-station-01", "fire-station-01"),
            ("Fire-Station-01", "fire-station-01"),
            ("fire-station-01!", "fire-station-01"),
            ("1234567890", "u"),
            ("9876543210", "u"),
            ("abcdefghij", "u"),
            ("abcabcabcabc", "u"),
            ("1212121212", "u"),
            ("password123", "u"),
            ("PASSWORD123", "u"),
            ("qwertyuiop", "u"),
            ("1qaz2wsx3edc", "u"),
            ("basketball", "u"),
        ] {
            assert!(
                check_new_password(pw, login).is_err(),
                "{pw:?} for {login:?}"
            );
        }
    }

    #[test]
    fn ordinary_long_passwords_pass() {
        for pw in [
            "correct horse battery",
            "long enough pass",
            "tsunagi-demo-2026",
            "かわのほとりのさくら並木",
        ] {
            assert_eq!(check_new_password(pw, "town-staff"), Ok(()), "{pw}");
        }
        // A short login inside a long password is no hint.
        assert_eq!(check_new_password("my own sentence", "own"), Ok(()));
    }

    #[test]
    fn the_list_is_loaded_and_lower_case() {
        assert!(COMMON.len() > 1_000);
        assert!(
            COMMON
                .iter()
                .all(|p| *p == p.to_lowercase() && p.chars().count() >= MIN_LENGTH)
        );
    }

    proptest! {
        #[test]
        fn anything_shorter_than_the_minimum_is_refused(pw in ".{0,9}") {
            prop_assert!(check_new_password(&pw, "someone").is_err());
        }

        #[test]
        fn a_password_equal_to_its_login_is_always_refused(login in "[a-z0-9-]{10,30}") {
            prop_assert!(check_new_password(&login, &login).is_err());
        }
    }
}
