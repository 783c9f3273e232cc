//! The support-programme catalogue as a municipality sees it: the built-in programmes (files
//! reviewed in the repository) and those it added on screen, checked by the same loader; and
//! which acts apply to each declared disaster.

use tsunagi_domain::OrganisationId;
use tsunagi_domain::circumstances::DisasterActs;
use tsunagi_eligibility::form::ProgrammeForm;
use tsunagi_eligibility::lang::{Names, Type, check};
use tsunagi_eligibility::{Catalogue, LoadError};
use tsunagi_store::audit::AuditedTx;
use tsunagi_store::{certificates, declarations, programmes};

pub use tsunagi_store::programmes::MunicipalProgramme;

use crate::{App, Context, Error};

/// The catalogue a municipality works with. Its own programmes were checked when saved; if a
/// change of the built-in catalogue broke one, the error names it.
pub(crate) async fn catalogue_in(
    tx: &AuditedTx,
    municipality: Option<OrganisationId>,
) -> Result<Catalogue, Error> {
    let own = match municipality {
        Some(m) => programmes::of_municipality(tx, m).await?,
        None => Vec::new(),
    };
    let sources: Vec<(String, String)> = own
        .into_iter()
        .map(|p| (format!("市町村の制度 {}", p.programme_id), p.source))
        .collect();
    Catalogue::load(&sources).map_err(|e| Error::Internal(messages(&e)))
}

fn messages(e: &[LoadError]) -> String {
    e.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The catalogue and the municipality's own programmes (with their versions, for editing).
pub struct CatalogueView {
    pub catalogue: Catalogue,
    pub own: Vec<MunicipalProgramme>,
}

/// The catalogue for the actor's municipality (the built-in one for anyone else).
pub async fn catalogue(app: &App, ctx: &Context) -> Result<CatalogueView, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor).ok();
    let w = app.begin(ctx).await?;
    let catalogue = catalogue_in(&w.tx, m).await?;
    let own = match m {
        Some(m) => programmes::of_municipality(&w.tx, m).await?,
        None => Vec::new(),
    };
    w.commit().await?;
    Ok(CatalogueView { catalogue, own })
}

/// Adds or changes one of the municipality's own programmes (its staff), from the version read
/// (0 for a new one). The condition and amount are checked field by field, then the whole
/// catalogue with it: a programme that does not load is not saved.
pub async fn save(
    app: &App,
    ctx: &Context,
    form: &ProgrammeForm,
    expected_version: i32,
) -> Result<i32, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let current = catalogue_in(&w.tx, Some(m)).await?;
    let errors = field_errors(&current, form);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if current
        .get(&form.id)
        .is_some_and(|p| !matches!(p.origin, tsunagi_eligibility::Origin::Municipal))
    {
        return Err(Error::invalid(
            "id",
            "国などの制度と同じIDは使えません（上乗せは別のIDで登録します）",
        ));
    }
    let text = form.to_toml();
    let mut sources: Vec<(String, String)> = programmes::of_municipality(&w.tx, m)
        .await?
        .into_iter()
        .filter(|p| p.programme_id != form.id)
        .map(|p| (format!("市町村の制度 {}", p.programme_id), p.source))
        .collect();
    sources.push((form.id.clone(), text.clone()));
    if let Err(e) = Catalogue::load(&sources) {
        let mut v = tsunagi_domain::ValidationErrors::new();
        for e in e {
            v.push("programme", e.message);
        }
        return Err(Error::Invalid(v));
    }
    let version =
        programmes::save(&mut w.tx, actor, form.id.trim(), &text, expected_version).await?;
    w.commit().await?;
    Ok(version)
}

/// The 1-based character position of a byte offset.
fn column(text: &str, at: usize) -> usize {
    text.get(..at).map_or(1, |t| t.chars().count() + 1)
}

/// The condition and the amount checked on their own, so a mistake is named by its field.
fn field_errors(current: &Catalogue, form: &ProgrammeForm) -> tsunagi_domain::ValidationErrors {
    let refer = |id: &str| {
        current
            .programmes
            .iter()
            .position(|p| p.id == id && p.id != form.id)
            .and_then(|i| u16::try_from(i).ok())
    };
    let names = Names {
        steps: &[],
        programme: &refer,
    };
    let mut errors = tsunagi_domain::ValidationErrors::new();
    if let Err(e) = check(&form.condition, &names, Type::Bool) {
        errors.push(
            "condition",
            format!(
                "条件の {} 文字目: {}",
                column(&form.condition, e.at),
                e.message
            ),
        );
    }
    if !form.amount.trim().is_empty()
        && let Err(e) = check(&form.amount, &names, Type::Yen)
    {
        errors.push(
            "amount",
            format!(
                "金額の {} 文字目: {}",
                column(&form.amount, e.at),
                e.message
            ),
        );
    }
    errors
}

/// Which acts apply to a declaration's disaster.
pub async fn acts(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<DisasterActs, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    declarations::load(&w.tx, actor, declaration).await?;
    let a = programmes::acts_of(&w.tx, declaration).await?;
    w.commit().await?;
    Ok(a)
}

/// Records which acts apply (the municipality's staff).
pub async fn set_acts(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    acts: DisasterActs,
) -> Result<(), Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    if d.municipality_id != m {
        return Err(Error::NotFound);
    }
    programmes::set_acts(&mut w.tx, actor, declaration, acts).await?;
    w.commit().await?;
    Ok(())
}
