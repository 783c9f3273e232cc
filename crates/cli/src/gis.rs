//! `tsunagi gis …`: importing hazard layers, address tables, shelter lists and coordinates,
//! locating homes and classifying them, from the command line.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use tsunagi_app::gis_import::{self, GisImportReport};

#[derive(Subcommand)]
pub enum GisCommand {
    /// Import a hazard layer (国土数値情報 GeoJSON, or a zipped Shapefile). Re-importing a
    /// layer of the same name replaces it.
    ImportHazard {
        file: PathBuf,
        /// The municipal user the import is done as
        #[arg(long = "as")]
        as_login: String,
        /// Dataset and release: A31-max, A31-planned, A31a-max, A31a-planned, A33, A40, A49,
        /// or custom (with --kind and --rule)
        #[arg(long)]
        mapping: String,
        /// The layer's name (default: the dataset's)
        #[arg(long, default_value = "")]
        name: String,
        /// For --mapping custom: flood, inland_flood, house_collapse, landslide, tsunami,
        /// storm_surge
        #[arg(long)]
        kind: Option<String>,
        /// For --mapping custom: 区域内, or 浸水深ランク:ATTR, 浸水深区分:ATTR, 土砂区域区分:ATTR
        #[arg(long)]
        rule: Option<String>,
    },
    /// Import MLIT 位置参照情報 CSVs (街区 or 大字・町丁目 level, detected)
    ImportAddresses {
        files: Vec<PathBuf>,
        #[arg(long = "as")]
        as_login: String,
    },
    /// Import shelter lists (Digital Agency or GSI CSV, detected)
    ImportShelters {
        files: Vec<PathBuf>,
        #[arg(long = "as")]
        as_login: String,
        /// Replace rows staff edited on screen with the list's values too (by default they
        /// are kept as edited)
        #[arg(long)]
        overwrite_edits: bool,
    },
    /// Import home coordinates by 宛名番号 (columns 宛名番号, 緯度, 経度)
    ImportCoordinates {
        file: PathBuf,
        #[arg(long = "as")]
        as_login: String,
    },
    /// Locate every roster home from its address (pins and imported coordinates are kept)
    Geocode {
        #[arg(long = "as")]
        as_login: String,
    },
    /// Classify every located home against the hazard layers (fills triage point 1)
    Classify {
        #[arg(long = "as")]
        as_login: String,
    },
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
}

/// Prints a report; an import stopped by problems is an error (nothing was imported).
pub fn print(r: &GisImportReport) -> Result<()> {
    println!("{}: {}", r.file_name, r.read_as);
    if !r.ignored_columns.is_empty() {
        println!("  ignored columns: {}", r.ignored_columns.join(", "));
    }
    for p in &r.problems {
        println!("  {}: {}", p.at, p.message);
    }
    if !r.problems.is_empty() {
        bail!(
            "{}: {} problems; nothing was imported",
            r.file_name,
            r.problems.len()
        );
    }
    match &r.layer {
        Some(l) => println!(
            "  {} items imported as 「{}」 version {}",
            r.items, l.name, l.version
        ),
        None => println!("  {} items imported", r.items),
    }
    for n in &r.notes {
        println!("  {n}");
    }
    Ok(())
}

pub async fn run(db: Option<&str>, c: GisCommand) -> Result<()> {
    let app = crate::ops::open(db.unwrap_or(tsunagi_app::DEFAULT_DATABASE_URL)).await?;
    let login = match &c {
        GisCommand::ImportHazard { as_login, .. }
        | GisCommand::ImportAddresses { as_login, .. }
        | GisCommand::ImportShelters { as_login, .. }
        | GisCommand::ImportCoordinates { as_login, .. }
        | GisCommand::Geocode { as_login }
        | GisCommand::Classify { as_login } => as_login.clone(),
    };
    let ctx = crate::import::municipal_context(&app, &login).await?;
    let fail = crate::ops::explain;
    match c {
        GisCommand::ImportHazard {
            file,
            mapping,
            name,
            kind,
            rule,
            ..
        } => {
            let label = if name.is_empty() {
                file_name(&file)
            } else {
                name.clone()
            };
            let m = gis_import::choose_mapping(&mapping, kind.as_deref(), rule.as_deref(), &label)
                .map_err(|e| anyhow!(e))?;
            let r =
                gis_import::import_hazard(&app, &ctx, &file_name(&file), &read(&file)?, &m, &name)
                    .await
                    .map_err(fail)?;
            print(&r)
        }
        GisCommand::ImportAddresses { files, .. } => {
            for f in files {
                let r = gis_import::import_addresses(&app, &ctx, &file_name(&f), &read(&f)?)
                    .await
                    .map_err(fail)?;
                print(&r)?;
            }
            Ok(())
        }
        GisCommand::ImportShelters {
            files,
            overwrite_edits,
            ..
        } => {
            for f in files {
                let r = gis_import::import_shelters(
                    &app,
                    &ctx,
                    &file_name(&f),
                    &read(&f)?,
                    overwrite_edits,
                )
                .await
                .map_err(fail)?;
                print(&r)?;
            }
            Ok(())
        }
        GisCommand::ImportCoordinates { file, .. } => {
            let r = gis_import::import_coordinates(&app, &ctx, &file_name(&file), &read(&file)?)
                .await
                .map_err(fail)?;
            print(&r)
        }
        GisCommand::Geocode { .. } => {
            let r = tsunagi_app::gis::geocode_all(&app, &ctx)
                .await
                .map_err(fail)?;
            println!(
                "located: {} at 街区 level, {} at 町丁目 level; kept {} pinned/imported; {} not found",
                r.block,
                r.town,
                r.kept,
                r.unmatched.len()
            );
            for u in &r.unmatched {
                println!("  not found: {} {}", u.person.name, u.person.address);
            }
            Ok(())
        }
        GisCommand::Classify { .. } => {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} homes ({eta})")
                    .map_err(|e| anyhow!(e))?,
            );
            let r = tsunagi_app::gis::classify_all(&app, &ctx, |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .await
            .map_err(fail)?;
            bar.finish_and_clear();
            println!(
                "{} homes classified against {} zones: {} in some zone; {} without a location",
                r.homes, r.zones, r.in_some_zone, r.unlocated
            );
            for (kind, n) in &r.per_kind {
                println!("  {kind}: {n}");
            }
            println!(
                "point 1 changed for {}; manual values kept for {}",
                r.point1_changed, r.manual_kept
            );
            Ok(())
        }
    }
}
