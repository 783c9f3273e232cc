//! The issue categories of disaster case management (seed 000's seven): what an assessment
//! scores, what a case meeting decides on, and what each support programme serves.

use crate::coded_enum;

coded_enum! {
    /// 課題の分類.
    pub enum IssueCategory {
        /// 当面の生活資金
        LivingFunds = ("living_funds", "当面の生活資金"),
        /// 住宅の補修再建
        Housing = ("housing", "住宅の補修再建"),
        /// 法的トラブル
        Legal = ("legal", "法的トラブル"),
        /// 負傷・疾病・障害
        Health = ("health", "負傷・疾病・障害"),
        /// 税金等の支払困難
        Payments = ("payments", "税金等の支払困難"),
        /// 福祉サービス利用
        Welfare = ("welfare", "福祉サービス利用"),
        /// こどもの療育・就学
        Children = ("children", "こどもの療育・就学"),
    }
}

/// Categories a municipality may add beside the seven (仕事, 心のケア …).
pub const MAX_ADDED: usize = 20;

/// A municipality's own categories as entered: trimmed, each 1–30 characters, none twice and
/// none the name of one of the seven; at most [`MAX_ADDED`].
pub fn added_categories(labels: Vec<String>) -> Result<Vec<String>, crate::ValidationErrors> {
    let mut e = crate::ValidationErrors::new();
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        let l = l.trim().to_owned();
        if l.is_empty() {
            continue;
        }
        if crate::text::unacceptable(&l, 30) {
            e.push(
                "categories",
                format!("「{l}」は30文字以内の分類名にしてください"),
            );
        } else if IssueCategory::ALL.iter().any(|c| c.label() == l) {
            e.push("categories", format!("「{l}」は元からある分類です"));
        } else if out.contains(&l) {
            e.push("categories", format!("「{l}」が二度あります"));
        } else {
            out.push(l);
        }
    }
    if out.len() > MAX_ADDED {
        e.push("categories", format!("追加できる分類は{MAX_ADDED}までです"));
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_categories_are_trimmed_unique_and_not_the_seven() {
        let ok = added_categories(vec![" 仕事 ".into(), "".into(), "心のケア".into()]);
        assert_eq!(
            ok.ok(),
            Some(vec!["仕事".to_owned(), "心のケア".to_owned()])
        );
        assert!(added_categories(vec!["仕事".into(), "仕事".into()]).is_err());
        assert!(added_categories(vec!["住宅の補修再建".into()]).is_err());
        assert!(added_categories(vec!["あ".repeat(31)]).is_err());
        assert!(added_categories((0..21).map(|i| format!("分類{i}")).collect()).is_err());
    }
}
