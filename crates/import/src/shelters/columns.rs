//! The published lists' columns as data: what each header means in the Digital Agency and GSI
//! layouts, and the headers that tell the formats apart.

use super::ShelterFormat;

/// What a column means, whatever a format calls it. `Unused`: in the specification, not kept;
/// `Municipality`: GSI 都道府県名及び市町村名 (no ward); `Hazard(i)`: [`HAZARDS`]`[i]`;
/// `Accepts`: 受入対象者 (要配慮者 → 福祉避難所); `Other`: その他市町村長が必要と認める事項.
#[rustfmt::skip]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Unused, Code, Id, Name, Kana, Address, Pref, City, Town, Banchi, Building, Municipality,
    Lat, Lon, Phone, Extension, Hazard(usize), AlsoShelter, AlsoEmergency, Capacity,
    Communities, Welfare, Accepts, Other, Note,
}

/// Hazard columns as the GSI names them, in [`super::ShelterSuits`] order.
#[rustfmt::skip]
pub(super) const HAZARDS: [&str; 8] = [
    "洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波", "大規模な火事", "内水氾濫", "火山現象",
];

/// (canonical header, aliases, meaning) — the layouts as data, so a wrong guess is one line.
pub(super) type Column = (&'static str, &'static [&'static str], Field);

/// Digital Agency 指定緊急避難場所一覧 (39 columns) and 指定避難所一覧 (same address/contact
/// block, its own columns), read with one list: each file has the columns it has.
#[rustfmt::skip]
pub(super) const DA_COLUMNS: &[Column] = &[
    ("全国地方公共団体コード", &["団体コード"], Field::Code),
    ("ID", &[], Field::Id),
    ("名称", &["施設名称"], Field::Name),
    ("名称_カナ", &["名称_かな", "名称(カナ)", "名称カナ", "フリガナ", "ふりがな"], Field::Kana),
    ("名称_英字", &[], Field::Unused), ("所在地_全国地方公共団体コード", &[], Field::Unused),
    ("町字ID", &[], Field::Unused),
    ("所在地_連結表記", &["住所", "所在地"], Field::Address),
    ("所在地_都道府県", &[], Field::Pref), ("所在地_市区町村", &[], Field::City),
    ("所在地_町字", &[], Field::Town), ("所在地_番地以下", &[], Field::Banchi),
    ("建物名等(方書)", &["建物名等", "方書"], Field::Building),
    ("緯度", &[], Field::Lat), ("経度", &[], Field::Lon), ("標高", &[], Field::Unused),
    ("電話番号", &[], Field::Phone), ("内線番号", &[], Field::Extension),
    ("連絡先メールアドレス", &[], Field::Unused), ("連絡先FormURL", &[], Field::Unused),
    ("連絡先備考（その他、SNSなど）", &["連絡先備考"], Field::Unused),
    ("郵便番号", &[], Field::Unused), ("市区町村コード", &[], Field::Unused),
    ("地方公共団体名", &[], Field::Unused),
    ("災害種別_洪水", &["洪水"], Field::Hazard(0)),
    ("災害種別_崖崩れ、土石流及び地滑り", &["崖崩れ、土石流及び地滑り", "災害種別_がけ崩れ、土石流及び地滑り"], Field::Hazard(1)),
    ("災害種別_高潮", &["高潮"], Field::Hazard(2)),
    ("災害種別_地震", &["地震"], Field::Hazard(3)),
    ("災害種別_津波", &["津波"], Field::Hazard(4)),
    ("災害種別_大規模な火事", &["大規模な火事"], Field::Hazard(5)),
    ("災害種別_内水氾濫", &["内水氾濫"], Field::Hazard(6)),
    ("災害種別_火山現象", &["火山現象"], Field::Hazard(7)),
    ("指定避難所との重複", &[], Field::AlsoShelter),
    ("指定緊急避難場所との重複", &[], Field::AlsoEmergency),
    ("想定収容人数", &["収容人数", "想定収容人員", "収容可能人数"], Field::Capacity),
    ("対象となる町会・自治会", &["対象となる町会・自治会名", "対象町会・自治会"], Field::Communities),
    ("福祉避難所", &["指定福祉避難所", "福祉避難所の指定"], Field::Welfare),
    ("受入対象者", &[], Field::Accepts),
    ("URL", &[], Field::Unused), ("画像", &[], Field::Unused), ("画像_ライセンス", &[], Field::Unused),
    ("備考", &[], Field::Note),
];

/// GSI 指定緊急避難場所 (17 columns; per-municipality files lack 都道府県名及び市町村名; older
/// files say 指定避難所との重複) and 指定避難所 (11 columns).
#[rustfmt::skip]
pub(super) const GSI_COLUMNS: &[Column] = &[
    ("NO", &[], Field::Unused),
    ("共通ID", &[], Field::Id),
    ("都道府県名及び市町村名", &["都道府県名及び市区町村名"], Field::Municipality),
    ("施設・場所名", &[], Field::Name),
    ("住所", &[], Field::Address),
    ("洪水", &["災害種別_洪水"], Field::Hazard(0)),
    ("崖崩れ、土石流及び地滑り", &["がけ崩れ、土石流及び地滑り", "災害種別_崖崩れ、土石流及び地滑り"], Field::Hazard(1)),
    ("高潮", &["災害種別_高潮"], Field::Hazard(2)),
    ("地震", &["災害種別_地震"], Field::Hazard(3)),
    ("津波", &["災害種別_津波"], Field::Hazard(4)),
    ("大規模な火事", &["災害種別_大規模な火事"], Field::Hazard(5)),
    ("内水氾濫", &["災害種別_内水氾濫"], Field::Hazard(6)),
    ("火山現象", &["災害種別_火山現象"], Field::Hazard(7)),
    ("指定避難所との住所同一", &["指定避難所との重複"], Field::AlsoShelter),
    ("指定緊急避難場所との住所同一", &["指定緊急避難場所との重複"], Field::AlsoEmergency),
    ("その他市町村長が必要と認める事項", &[], Field::Other),
    ("受入対象者", &[], Field::Accepts),
    ("緯度", &[], Field::Lat), ("経度", &[], Field::Lon), ("備考", &[], Field::Note),
];

/// Headers only the GSI files have.
pub(super) const GSI_MARKERS: &[&str] = &["施設・場所名", "共通ID", "都道府県名及び市町村名"];
/// Headers only the Digital Agency files have (plus any 災害種別_…).
#[rustfmt::skip]
pub(super) const DA_MARKERS: &[&str] = &["名称", "名称_カナ", "全国地方公共団体コード", "所在地_連結表記"];

pub(super) fn columns_of(format: ShelterFormat) -> &'static [Column] {
    if format.is_gsi() {
        GSI_COLUMNS
    } else {
        DA_COLUMNS
    }
}
