//! 全国地方公共団体コード: the six-digit code of a prefecture or municipality.

use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// A validated local-government code, always kept in its six-digit form (with check digit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode([u8; 6]);

/// The check digit of a five-digit code: (11 − Σ dᵢ·wᵢ mod 11) mod 10, weights 6,5,4,3,2.
pub fn check_digit(five: &[u8; 5]) -> u8 {
    let sum: u32 = five
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

impl MunicipalityCode {
    /// Accepts the five- or six-digit form (full-width digits too); a six-digit code must
    /// carry the right check digit.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        if !t.chars().all(|c| c.is_ascii_digit()) || !(t.len() == 5 || t.len() == 6) {
            return Err(format!(
                "団体コードは5桁または6桁の数字で入力してください（「{s}」）"
            ));
        }
        let digits: Vec<u8> = t.bytes().map(|b| b - b'0').collect();
        let mut five = [0u8; 5];
        five.copy_from_slice(&digits[..5]);
        let cd = check_digit(&five);
        if digits.len() == 6 && digits[5] != cd {
            return Err(format!("団体コード「{s}」の検査数字が正しくありません"));
        }
        let mut six = [0u8; 6];
        six[..5].copy_from_slice(&five);
        six[5] = cd;
        Ok(Self(six))
    }

    /// The two-digit prefecture part (`39` for 高知県).
    pub fn prefecture(&self) -> u8 {
        self.0[0] * 10 + self.0[1]
    }

    /// Is this a prefecture's own code (`390003`)?
    pub fn is_prefecture(&self) -> bool {
        self.0[2..5] == [0, 0, 0]
    }

    pub fn five_digits(&self) -> String {
        self.0[..5].iter().map(|d| char::from(b'0' + d)).collect()
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<MunicipalityCode> for String {
    fn from(c: MunicipalityCode) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        for (five, six) in [
            ("39000", "390003"),
            ("39201", "392014"),
            ("46000", "460001"),
            ("46201", "462012"),
            ("01100", "011002"),
        ] {
            assert_eq!(
                MunicipalityCode::parse(five).map(|c| c.to_string()),
                Ok(six.to_owned())
            );
            assert_eq!(
                MunicipalityCode::parse(six).map(|c| c.to_string()),
                Ok(six.to_owned())
            );
        }
        assert_eq!(
            MunicipalityCode::parse("３９２０１４").map(|c| c.prefecture()),
            Ok(39)
        );
        assert!(MunicipalityCode::parse("390003").is_ok_and(|c| c.is_prefecture()));
    }

    #[test]
    fn wrong_check_digit_and_junk_are_rejected() {
        assert!(MunicipalityCode::parse("392015").is_err());
        assert!(MunicipalityCode::parse("3920").is_err());
        assert!(MunicipalityCode::parse("39a014").is_err());
        assert!(MunicipalityCode::parse("").is_err());
    }

    #[test]
    fn every_official_code_has_a_valid_check_digit() {
        let csv = include_str!("../../../data/municipality-codes.csv");
        let mut n = 0;
        for line in csv.lines().skip(1) {
            let code = line.split(',').next().unwrap_or_default();
            assert!(MunicipalityCode::parse(code).is_ok(), "{code}");
            n += 1;
        }
        assert!(n > 1900, "only {n} codes read");
    }

    proptest! {
        #[test]
        fn five_digit_form_gains_the_digit_that_six_digit_form_accepts(n in 0u32..100_000) {
            let five = format!("{n:05}");
            let c = MunicipalityCode::parse(&five);
            prop_assert!(c.is_ok());
            let six = c.map(|c| c.to_string()).unwrap_or_default();
            prop_assert_eq!(MunicipalityCode::parse(&six).map(|c| c.to_string()), Ok(six.clone()));
            prop_assert_eq!(&six[..5], five.as_str());
        }
    }
}
