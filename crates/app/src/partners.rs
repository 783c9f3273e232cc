//! The partner directory (issue 20 item 8): the organisations working in the municipality with
//! the fields they serve, area, contact, the agreement in force and whether they are a registered
//! 被災者援護協力団体. Referrals draw on it. The municipality's staff.

use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::partner::PartnerProfile;
use tsunagi_store::{certificates, ledger, partners};

pub use tsunagi_store::organisations::Organisation;

use crate::{App, Context, Error};

#[derive(Clone, Debug, Serialize)]
pub struct DirectoryLine {
    pub organisation: Organisation,
    pub profile: Option<PartnerProfile>,
    pub agreement_in_force: bool,
    /// The 被災者援護協力団体 registration number, if registered.
    pub registration_no: Option<String>,
}

/// The directory: every organisation working in the municipality (and any with a profile),
/// those with a profile first.
pub async fn directory(app: &App, ctx: &Context) -> Result<Vec<DirectoryLine>, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let all = crate::organisations::all(app).await?;
    let w = app.begin(ctx).await?;
    let profiles = partners::of_municipality(&w.tx, m).await?;
    let registered = ledger::partners(&w.tx, m).await?;
    w.commit().await?;
    let today = ctx.today();
    let mut lines: Vec<DirectoryLine> = all
        .into_iter()
        .filter(|o| o.id != m && (o.municipality_id == Some(m) || profiles.contains_key(&o.id)))
        .map(|o| {
            let profile = profiles.get(&o.id).cloned();
            DirectoryLine {
                agreement_in_force: profile
                    .as_ref()
                    .is_some_and(|p| p.agreement_in_force(today)),
                registration_no: registered
                    .iter()
                    .find(|r| r.organisation_id == o.id)
                    .map(|r| r.registration_no.clone()),
                profile,
                organisation: o,
            }
        })
        .collect();
    lines.sort_by(|a, b| {
        (a.profile.is_none(), &a.organisation.name)
            .cmp(&(b.profile.is_none(), &b.organisation.name))
    });
    Ok(lines)
}

/// Records an organisation's profile in the directory.
pub async fn save(
    app: &App,
    ctx: &Context,
    organisation: OrganisationId,
    profile: PartnerProfile,
) -> Result<(), Error> {
    let actor = ctx.actor()?;
    certificates::staff_municipality(actor)?;
    let profile = profile.validate().map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    partners::save(&mut w.tx, actor, organisation, &profile).await?;
    w.commit().await?;
    Ok(())
}
