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
