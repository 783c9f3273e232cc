//! The person record (住民記録): one per resident, carried from the roster through safety checks,
//! the victims' ledger and case management.

use crate::error::ValidationErrors;
use crate::text::{contains_gaiji, is_katakana_reading, normalise_kana, normalise_name};
use crate::wareki::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;

/// Sex as municipal registers record it (codes after ISO/IEC 5218).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    Male,
    Female,
    /// その他・不明
    Unspecified,
}

impl Sex {
    pub const ALL: [Sex; 3] = [Sex::Male, Sex::Female, Sex::Unspecified];
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unspecified => "unspecified",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
            Sex::Unspecified => "その他・不明",
        }
    }
}

impl FromStr for Sex {
    type Err = String;
    /// Accepts the codes and what extracts write: 男/女, 1/2, M/F, 0/9.
    fn from_str(s: &str) -> Result<Self, String> {
        let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        match t.to_ascii_lowercase().as_str() {
            "male" | "男" | "男性" | "1" | "m" => Ok(Sex::Male),
            "female" | "女" | "女性" | "2" | "f" => Ok(Sex::Female),
            "unspecified" | "その他" | "不明" | "0" | "9" => Ok(Sex::Unspecified),
            _ => Err(format!(
                "性別が読み取れません（「{s}」）: 男・女・その他のいずれかです"
            )),
        }
    }
}

/// Each field of [`PersonInput`] with its label on screens and in municipal extracts.
pub const FIELD_LABELS: [(&str, &str); 11] = [
    ("resident_no", "宛名番号"),
    ("name", "氏名"),
    ("name_kana", "氏名カナ"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
    ("postal_code", "郵便番号"),
    ("address", "住所"),
    ("address_extra", "方書"),
    ("phone", "電話番号"),
    ("household_no", "世帯番号"),
    ("relationship", "続柄"),
];

/// Limits on field lengths (in characters).
pub mod limits {
    pub const NAME: usize = 60;
    pub const KANA: usize = 60;
    pub const ADDRESS: usize = 200;
    pub const ADDRESS_EXTRA: usize = 100;
    pub const RESIDENT_NO: usize = 20;
    pub const HOUSEHOLD_NO: usize = 20;
    pub const RELATIONSHIP: usize = 20;
}

/// A person's details as typed on a form or sent to the API, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub resident_no: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name_kana: String,
    /// Either calendar: `1950-04-01`, `昭和25年4月1日`, `S25.4.1` …
    #[serde(default, deserialize_with = "null_as_empty")]
    pub birth_date: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub sex: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub postal_code: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub address: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub address_extra: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub phone: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub household_no: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub relationship: String,
}

/// JSON clients send `null` for an empty field (as the API returns them): read it as empty.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A valid person's details, ready to store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// 宛名番号: the municipal resident number, the key of imports.
    pub resident_no: Option<String>,
    /// 氏名 as written in the register (異体字 and 外字 kept).
    pub name: String,
    /// 氏名カナ, full-width katakana.
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// 郵便番号 as `7800850`.
    pub postal_code: Option<String>,
    pub address: String,
    /// 方書 (building, room).
    pub address_extra: Option<String>,
    pub phone: Option<String>,
    /// 世帯番号.
    pub household_no: Option<String>,
    /// 続柄 (世帯主, 妻, 子 …).
    pub relationship: Option<String>,
}

impl PersonDetails {
    /// Does the name hold 外字 (private-use characters)? Shown as "外字を含む".
    pub fn has_gaiji(&self) -> bool {
        contains_gaiji(&self.name) || contains_gaiji(&self.address)
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.birth_date).unwrap_or(0)
    }

    /// The stored key that search matches against (see [`crate::text::search_key`]).
    pub fn search_key(&self) -> String {
        crate::text::search_key(&self.name, &self.name_kana)
    }
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn check_len(errors: &mut ValidationErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(field, format!("{max}文字以内で入力してください"));
    }
}

/// Control characters, bidirectional overrides and zero-width characters: a name must show
/// on every list as it was registered.
fn has_control(s: &str) -> bool {
    crate::text::invisible_or_control(s).is_some()
}

/// 郵便番号: seven digits, written `780-0850`, `〒7800850`, full-width …
pub fn parse_postal_code(s: &str) -> Result<String, String> {
    let digits: String = s
        .nfkc()
        .filter(|c| !matches!(c, '-' | '〒' | ' ' | 'ー' | '−'))
        .collect();
    if digits.len() == 7 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("郵便番号は7桁の数字で入力してください（例: 780-0850）".into())
    }
}

/// A phone number: digits with optional hyphens or brackets, 10 or 11 digits.
pub fn parse_phone(s: &str) -> Result<String, String> {
    let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace(['ー', '−', '‐', '―'], "-");
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if t.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')'))
        && (10..=11).contains(&digits)
    {
        Ok(t)
    } else {
        Err("電話番号は10桁または11桁の数字で入力してください（例: 088-823-1111）".into())
    }
}

impl PersonInput {
    /// Validates every field, reporting all problems at once. `today` bounds the birth date.
    pub fn validate(&self, today: NaiveDate) -> Result<PersonDetails, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let all = [
            ("resident_no", &self.resident_no),
            ("name", &self.name),
            ("name_kana", &self.name_kana),
            ("birth_date", &self.birth_date),
            ("sex", &self.sex),
            ("postal_code", &self.postal_code),
            ("address", &self.address),
            ("address_extra", &self.address_extra),
            ("phone", &self.phone),
            ("household_no", &self.household_no),
            ("relationship", &self.relationship),
        ];
        for (field, value) in all {
            if has_control(value) {
                e.push(
                    field,
                    "使用できない文字（制御文字・見えない文字・文字の向きを変える文字）が含まれています",
                );
            }
        }

        let name = normalise_name(&self.name);
        if name.is_empty() {
            e.push("name", "氏名を入力してください");
        }
        check_len(&mut e, "name", &name, limits::NAME);

        let name_kana = normalise_kana(&self.name_kana);
        if name_kana.is_empty() {
            e.push("name_kana", "氏名カナを入力してください");
        } else if !is_katakana_reading(&name_kana) {
            e.push(
                "name_kana",
                "氏名カナはカタカナ（またはひらがな）で入力してください",
            );
        }
        check_len(&mut e, "name_kana", &name_kana, limits::KANA);

        let birth_date = if self.birth_date.trim().is_empty() {
            e.push("birth_date", "生年月日を入力してください");
            None
        } else {
            match parse_date(&self.birth_date) {
                Ok(d) if d > today => {
                    e.push("birth_date", "生年月日が未来の日付です");
                    None
                }
                Ok(d) => Some(d),
                Err(err) => {
                    e.push("birth_date", err.to_string());
                    None
                }
            }
        };

        let sex = if self.sex.trim().is_empty() {
            e.push("sex", "性別を選んでください");
            None
        } else {
            e.take("sex", self.sex.parse::<Sex>())
        };

        let postal_code = match optional(&self.postal_code) {
            Some(p) => e.take("postal_code", parse_postal_code(&p)),
            None => None,
        };

        let address = normalise_name(&self.address);
        if address.is_empty() {
            e.push("address", "住所を入力してください");
        }
        check_len(&mut e, "address", &address, limits::ADDRESS);

        let address_extra = optional(&self.address_extra);
        if let Some(a) = &address_extra {
            check_len(&mut e, "address_extra", a, limits::ADDRESS_EXTRA);
        }

        let phone = match optional(&self.phone) {
            Some(p) => e.take("phone", parse_phone(&p)),
            None => None,
        };

        let resident_no = optional(&self.resident_no).map(|s| s.nfkc().collect::<String>());
        if let Some(r) = &resident_no {
            check_len(&mut e, "resident_no", r, limits::RESIDENT_NO);
            if !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                e.push("resident_no", "宛名番号は英数字で入力してください");
            }
        }
        let household_no = optional(&self.household_no).map(|s| s.nfkc().collect::<String>());
        if let Some(h) = &household_no {
            check_len(&mut e, "household_no", h, limits::HOUSEHOLD_NO);
        }
        let relationship = optional(&self.relationship);
        if let Some(r) = &relationship {
            check_len(&mut e, "relationship", r, limits::RELATIONSHIP);
        }

        match (e.is_empty(), birth_date, sex) {
            (true, Some(birth_date), Some(sex)) => Ok(PersonDetails {
                resident_no,
                name,
                name_kana,
                birth_date,
                sex,
                postal_code,
                address,
                address_extra,
                phone,
                household_no,
                relationship,
            }),
            _ => Err(e),
        }
    }
}

impl From<&PersonDetails> for PersonInput {
    fn from(d: &PersonDetails) -> Self {
        PersonInput {
            resident_no: d.resident_no.clone().unwrap_or_default(),
            name: d.name.clone(),
            name_kana: d.name_kana.clone(),
            birth_date: d.birth_date.format("%Y-%m-%d").to_string(),
            sex: d.sex.code().to_owned(),
            postal_code: d.postal_code.clone().unwrap_or_default(),
            address: d.address.clone(),
            address_extra: d.address_extra.clone().unwrap_or_default(),
            phone: d.phone.clone().unwrap_or_default(),
            household_no: d.household_no.clone().unwrap_or_default(),
            relationship: d.relationship.clone().unwrap_or_default(),
        }
    }
}

/// Formats a postal code for display: `780-0850`.
pub fn format_postal_code(p: &str) -> String {
    if p.len() == 7 && p.is_ascii() {
        format!("{}-{}", &p[..3], &p[3..])
    } else {
        p.to_owned()
    }
}

/// Whether a 続柄 names the head of the household (世帯主, or 本人 as some extracts write it).
pub fn is_householder(relationship: Option<&str>) -> bool {
    relationship.is_some_and(|r| matches!(r.trim(), "世帯主" | "本人"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn valid() -> PersonInput {
        PersonInput {
            resident_no: "１２３４５".into(),
            name: " 山田　 太郎 ".into(),
            name_kana: "ﾔﾏﾀﾞ ﾀﾛｳ".into(),
            birth_date: "S12.3.4".into(),
            sex: "男".into(),
            postal_code: "〒780-0850".into(),
            address: "高知市丸ノ内一丁目2番20号".into(),
            address_extra: "".into(),
            phone: "０８８－８２３－１１１１".into(),
            household_no: "".into(),
            relationship: "世帯主".into(),
        }
    }

    #[test]
    fn a_valid_input_is_normalised() {
        let d = valid().validate(today());
        let d = match d {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(d.name, "山田\u{3000}太郎");
        assert_eq!(d.name_kana, "ヤマダ\u{3000}タロウ");
        assert_eq!(
            d.birth_date,
            NaiveDate::from_ymd_opt(1937, 3, 4).unwrap_or_default()
        );
        assert_eq!(d.sex, Sex::Male);
        assert_eq!(d.postal_code.as_deref(), Some("7800850"));
        assert_eq!(d.phone.as_deref(), Some("088-823-1111"));
        assert_eq!(d.resident_no.as_deref(), Some("12345"));
        assert_eq!(d.address_extra, None);
        assert_eq!(d.age_on(today()), 89);
        assert!(!d.has_gaiji());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = PersonInput {
            name: "".into(),
            name_kana: "Yamada".into(),
            birth_date: "平成31年5月1日".into(),
            sex: "x".into(),
            postal_code: "12".into(),
            address: "あ".repeat(201),
            phone: "abc".into(),
            ..Default::default()
        };
        let e = input.validate(today()).err().unwrap_or_default();
        for f in [
            "name",
            "name_kana",
            "birth_date",
            "sex",
            "postal_code",
            "address",
            "phone",
        ] {
            assert!(e.for_field(f).is_some(), "{f} not reported: {e}");
        }
    }

    #[test]
    fn future_birth_dates_and_control_characters_are_refused() {
        let mut i = valid();
        i.birth_date = "2027-01-01".into();
        assert!(
            i.validate(today())
                .err()
                .is_some_and(|e| e.for_field("birth_date").is_some())
        );
        let mut i = valid();
        i.name = "山田\u{0007}".into();
        assert!(
            i.validate(today())
                .err()
                .is_some_and(|e| e.for_field("name").is_some())
        );
    }

    #[test]
    fn round_trip_through_input() {
        let d = valid().validate(today()).ok();
        let again = d
            .as_ref()
            .map(|d| PersonInput::from(d).validate(today()).ok());
        assert_eq!(again, Some(d));
    }

    #[test]
    fn sex_codes() {
        for (s, want) in [
            ("1", Sex::Male),
            ("女", Sex::Female),
            ("F", Sex::Female),
            ("9", Sex::Unspecified),
        ] {
            assert_eq!(s.parse::<Sex>(), Ok(want));
        }
        for s in Sex::ALL {
            assert_eq!(s.code().parse::<Sex>(), Ok(s));
        }
    }

    proptest! {
        #[test]
        fn validation_never_panics(name in "\\PC{0,80}", kana in "\\PC{0,80}", date in "\\PC{0,20}", phone in "\\PC{0,20}") {
            let i = PersonInput { name, name_kana: kana, birth_date: date, phone, sex: "1".into(), address: "x".into(), ..Default::default() };
            let _ = i.validate(today());
        }

        #[test]
        fn valid_details_survive_a_round_trip(kana in "[ァ-ン]{1,10}", days in 0u64..40_000) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap_or_default() + chrono::Days::new(days);
            let i = PersonInput { name: "試験".into(), name_kana: kana, birth_date: birth.to_string(), sex: "2".into(), address: "高知市本町5-1-45".into(), ..Default::default() };
            let d = i.validate(today());
            prop_assert!(d.is_ok());
            let d = d.ok();
            let again = d.as_ref().map(|d| PersonInput::from(d).validate(today()).ok());
            prop_assert_eq!(again, Some(d));
        }
    }
}
