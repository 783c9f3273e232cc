//! The individual evacuation plan (個別避難計画): its contents and which required items are
//! missing (Basic Act art. 49-14, and the items mayors commonly add). Versions are kept by the
//! store; this is one version's content.

use serde::{Deserialize, Serialize};

/// The hazards a plan names a destination for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanHazard {
    Flood,
    Landslide,
    Tsunami,
    StormSurge,
    EarthquakeFire,
}

impl PlanHazard {
    /// The hazards of a home that each need a destination in the plan.
    pub fn of_home(h: &crate::triage::HomeHazards) -> Vec<PlanHazard> {
        let mut out = Vec::new();
        if h.flood || h.inland_flood || h.house_collapse {
            out.push(PlanHazard::Flood);
        }
        if h.landslide {
            out.push(PlanHazard::Landslide);
        }
        if h.tsunami {
            out.push(PlanHazard::Tsunami);
        }
        if h.storm_surge {
            out.push(PlanHazard::StormSurge);
        }
        out
    }

    pub const ALL: [PlanHazard; 5] = [
        PlanHazard::Flood,
        PlanHazard::Landslide,
        PlanHazard::Tsunami,
        PlanHazard::StormSurge,
        PlanHazard::EarthquakeFire,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PlanHazard::Flood => "flood",
            PlanHazard::Landslide => "landslide",
            PlanHazard::Tsunami => "tsunami",
            PlanHazard::StormSurge => "storm_surge",
            PlanHazard::EarthquakeFire => "earthquake_fire",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PlanHazard::Flood => "洪水・内水氾濫",
            PlanHazard::Landslide => "土砂災害",
            PlanHazard::Tsunami => "津波",
            PlanHazard::StormSurge => "高潮",
            PlanHazard::EarthquakeFire => "地震・火災",
        }
    }
}

/// 避難支援等実施者: a person or organisation who helps, in order of who is called first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supporter {
    /// 氏名又は名称
    pub name: String,
    /// 住所又は居所
    pub address: String,
    /// 電話番号その他の連絡先
    pub phone: String,
    /// 本人との関係 (近所の方, 長男, 自主防災会 …)
    pub relationship: String,
    /// The day the supporter agreed to be named and to have the plan provided to the
    /// receivers (避難支援等実施者の同意, art. 49-15(2)); none: not (yet) agreed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub consented_on: Option<chrono::NaiveDate>,
    /// How the agreement was given (書面, 口頭 …).
    #[serde(default)]
    pub consent_method: String,
}

/// Where to go for one hazard, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Destination {
    pub hazard: PlanHazard,
    /// 避難施設その他の避難場所
    pub place: String,
    /// 避難路その他の避難経路, in words
    pub route: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyContact {
    pub name: String,
    pub relationship: String,
    pub phone: String,
}

/// What the person needs when evacuating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Needs {
    /// 医療機器と電源
    pub medical_devices: String,
    /// 服薬
    pub medicines: String,
    /// 移動の補助具（車いす・杖 …）
    pub mobility_aids: String,
    /// 意思疎通の配慮（筆談・手話・やさしい日本語 …）
    pub communication: String,
    pub allergies: String,
    /// 介助者
    pub carer: String,
}

impl Needs {
    /// Each need as (form field, label, value), in the order screens and documents show them.
    pub fn items(&self) -> [(&'static str, &'static str, &str); 6] {
        [
            ("medical_devices", "医療機器と電源", &self.medical_devices),
            ("medicines", "服薬", &self.medicines),
            ("mobility_aids", "移動の補助具", &self.mobility_aids),
            ("communication", "意思疎通の配慮", &self.communication),
            ("allergies", "アレルギー", &self.allergies),
            ("carer", "介助者", &self.carer),
        ]
    }
}

/// One version of a plan's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvacuationPlan {
    pub supporters: Vec<Supporter>,
    pub destinations: Vec<Destination>,
    /// 避難のタイミング (e.g. 警戒レベル3 高齢者等避難 が出たら)
    pub timing: String,
    /// 避難の手段
    pub transport: String,
    pub needs: Needs,
    pub emergency_contacts: Vec<EmergencyContact>,
    /// 避難支援者への伝達事項
    pub notes_for_supporters: String,
    /// Where and when it was agreed (調整会議, 自宅訪問 …)
    pub agreed_at: String,
    /// When no supporter can be found (the guide's Q1): what was arranged instead — a care
    /// service, the municipality's own arrangement (e.g. 「訪問介護事業所が警戒レベル3で訪問」).
    /// A plan with it and no supporter is complete, not missing its supporter forever.
    #[serde(default)]
    pub no_supporter_arrangement: String,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl EvacuationPlan {
    /// Every supporter named has agreed to the plan's provision (true when none is named:
    /// nobody's information would be provided).
    pub fn supporters_agreed(&self) -> bool {
        self.supporters.iter().all(|s| s.consented_on.is_some())
    }

    /// Drops empty rows (blank form slots) and trims text.
    pub fn normalised(mut self) -> Self {
        self.supporters
            .retain(|s| !(blank(&s.name) && blank(&s.address) && blank(&s.phone)));
        self.destinations
            .retain(|d| !(blank(&d.place) && blank(&d.route)));
        self.emergency_contacts
            .retain(|c| !(blank(&c.name) && blank(&c.phone)));
        self
    }

    /// The required items still missing, in words. A plan with missing items can be saved (it
    /// is work in progress) but is not complete; the check step lists what help is needed.
    /// `hazards` are the hazards of the home: each needs a destination.
    pub fn missing_items(&self, hazards: &[PlanHazard]) -> Vec<String> {
        let mut out = Vec::new();
        if self.supporters.is_empty() && blank(&self.no_supporter_arrangement) {
            out.push("避難支援等実施者".to_owned());
        }
        for (i, s) in self.supporters.iter().enumerate() {
            if blank(&s.name) {
                out.push(format!("避難支援等実施者{}の氏名又は名称", i + 1));
            }
            if blank(&s.address) {
                out.push(format!("避難支援等実施者{}の住所又は居所", i + 1));
            }
            if blank(&s.phone) {
                out.push(format!("避難支援等実施者{}の電話番号その他の連絡先", i + 1));
            }
        }
        if self.destinations.is_empty() {
            out.push("避難場所".to_owned());
        }
        for d in &self.destinations {
            if blank(&d.place) {
                out.push(format!("{}の避難場所", d.hazard.label()));
            }
            if blank(&d.route) {
                out.push(format!("{}の避難経路", d.hazard.label()));
            }
        }
        for h in hazards {
            if !self.destinations.iter().any(|d| d.hazard == *h) {
                out.push(format!("{}の避難場所と避難経路（自宅が区域内）", h.label()));
            }
        }
        if blank(&self.timing) {
            out.push("避難のタイミング".to_owned());
        }
        if self.emergency_contacts.is_empty() {
            out.push("緊急連絡先".to_owned());
        }
        out
    }

    /// Checks lengths and control characters; returns every problem.
    pub fn validate(&self) -> Result<(), crate::ValidationErrors> {
        let mut e = crate::ValidationErrors::new();
        let mut texts: Vec<(&str, &str)> = vec![
            ("timing", &self.timing),
            ("transport", &self.transport),
            ("notes_for_supporters", &self.notes_for_supporters),
            ("agreed_at", &self.agreed_at),
            ("needs", &self.needs.medical_devices),
            ("needs", &self.needs.medicines),
            ("needs", &self.needs.mobility_aids),
            ("needs", &self.needs.communication),
            ("needs", &self.needs.allergies),
            ("needs", &self.needs.carer),
        ];
        for s in &self.supporters {
            texts.extend([
                ("supporters", s.name.as_str()),
                ("supporters", &s.address),
                ("supporters", &s.phone),
                ("supporters", &s.relationship),
            ]);
        }
        for d in &self.destinations {
            texts.extend([
                ("destinations", d.place.as_str()),
                ("destinations", &d.route),
            ]);
        }
        for c in &self.emergency_contacts {
            texts.extend([
                ("emergency_contacts", c.name.as_str()),
                ("emergency_contacts", &c.relationship),
                ("emergency_contacts", &c.phone),
            ]);
        }
        for (field, t) in texts {
            if t.chars().count() > 1000 {
                e.push(field, "1000文字以内で入力してください");
            } else if t.chars().any(|c| {
                crate::text::is_invisible_or_control(c) && c != '\n' && c != '\r' && c != '\t'
            }) {
                e.push(
                    field,
                    "使用できない文字（制御文字・見えない文字・文字の向きを変える文字）が含まれています",
                );
            }
        }
        if self.supporters.len() > 10
            || self.emergency_contacts.len() > 10
            || self.destinations.len() > 20
        {
            e.push("plan", "行が多すぎます");
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> EvacuationPlan {
        EvacuationPlan {
            supporters: vec![Supporter {
                name: "隣の山本さん".into(),
                address: "潮見市本町1-2".into(),
                phone: "0889-22-0001".into(),
                relationship: "近所".into(),
                ..Supporter::default()
            }],
            destinations: vec![Destination {
                hazard: PlanHazard::Flood,
                place: "潮見小学校".into(),
                route: "県道を北へ300m".into(),
            }],
            timing: "警戒レベル3 高齢者等避難".into(),
            emergency_contacts: vec![EmergencyContact {
                name: "長男".into(),
                relationship: "子".into(),
                phone: "090-0000-0000".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn an_arrangement_stands_in_for_a_supporter_nobody_could_be_found_for() {
        let mut p = complete();
        p.supporters.clear();
        assert_eq!(
            p.missing_items(&[PlanHazard::Flood]),
            vec!["避難支援等実施者"]
        );
        p.no_supporter_arrangement = "訪問介護事業所が警戒レベル3で訪問し同行".into();
        assert!(p.missing_items(&[PlanHazard::Flood]).is_empty());
        p.no_supporter_arrangement = "  ".into();
        assert_eq!(p.missing_items(&[PlanHazard::Flood]).len(), 1);
    }

    #[test]
    fn a_complete_plan_misses_nothing() {
        assert!(complete().missing_items(&[PlanHazard::Flood]).is_empty());
        assert!(complete().validate().is_ok());
    }

    #[test]
    fn every_missing_legal_item_is_named() {
        let empty = EvacuationPlan::default();
        let m = empty.missing_items(&[]);
        assert_eq!(
            m,
            vec![
                "避難支援等実施者",
                "避難場所",
                "避難のタイミング",
                "緊急連絡先"
            ]
        );
        let mut p = complete();
        p.supporters[0].phone.clear();
        p.destinations[0].route.clear();
        let m = p.missing_items(&[PlanHazard::Flood, PlanHazard::Tsunami]);
        assert_eq!(
            m,
            vec![
                "避難支援等実施者1の電話番号その他の連絡先",
                "洪水・内水氾濫の避難経路",
                "津波の避難場所と避難経路（自宅が区域内）"
            ]
        );
    }

    #[test]
    fn blank_slots_are_dropped_and_overlong_text_refused() {
        let mut p = complete();
        p.supporters.push(Supporter::default());
        p.emergency_contacts.push(EmergencyContact::default());
        let p = p.normalised();
        assert_eq!((p.supporters.len(), p.emergency_contacts.len()), (1, 1));
        let mut long = complete();
        long.timing = "あ".repeat(1001);
        assert!(long.validate().is_err());
    }
}
