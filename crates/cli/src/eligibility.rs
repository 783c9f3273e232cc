//! `tsunagi eligibility FILE.json`: evaluates households described in JSON (one object or an
//! array; schema in docs/eligibility.md) against the built-in catalogue and any programme files
//! given with `--programme`, and prints the results as JSON. Reads no database.

use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;
use tsunagi_eligibility::{Catalogue, HouseholdFacts};

#[derive(clap::Args)]
pub struct EligibilityArgs {
    /// Households as JSON (`-` for standard input)
    pub file: PathBuf,
    /// A municipality's own programme file (TOML, the catalogue's form); repeatable
    #[arg(long = "programme")]
    pub programmes: Vec<PathBuf>,
    /// Print one compact line instead of indented JSON
    #[arg(long)]
    pub compact: bool,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Input {
    Many(Vec<HouseholdFacts>),
    One(Box<HouseholdFacts>),
}

pub fn run(a: EligibilityArgs) -> Result<()> {
    println!("{}", results(&a)?);
    Ok(())
}

/// The results as JSON text.
fn results(a: &EligibilityArgs) -> Result<String> {
    let text = if a.file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(&a.file).with_context(|| format!("{}", a.file.display()))?
    };
    let households = match serde_json::from_str::<Input>(&text) {
        Ok(Input::Many(v)) => v,
        Ok(Input::One(h)) => vec![*h],
        Err(_) => {
            // Untagged enums hide the reason: parse again as one household for the message.
            let e = serde_json::from_str::<HouseholdFacts>(&text)
                .err()
                .map_or_else(
                    || "not a household or a list of households".to_owned(),
                    |e| e.to_string(),
                );
            bail!("{}: {e}", a.file.display());
        }
    };
    let mut own = Vec::new();
    for p in &a.programmes {
        let t = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
        own.push((p.display().to_string(), t));
    }
    let catalogue = Catalogue::load(&own).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the catalogue does not load:\n{}", lines.join("\n"))
    })?;
    let out: Vec<serde_json::Value> = households
        .iter()
        .map(|h| {
            serde_json::json!({
                "id": h.id,
                "disaster_date": h.disaster.date,
                "programmes": catalogue.explain(h),
            })
        })
        .collect();
    Ok(if a.compact {
        serde_json::to_string(&out)?
    } else {
        serde_json::to_string_pretty(&out)?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../samples/eligibility")
            .join(name)
    }

    #[test]
    fn the_sample_household_with_the_sample_top_up() -> Result<()> {
        let out = results(&EligibilityArgs {
            file: sample("household.json"),
            programmes: vec![sample("town-top-up.toml")],
            compact: true,
        })?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        let find = |id: &str| {
            v[0]["programmes"]
                .as_array()
                .and_then(|p| p.iter().find(|p| p["programme"] == id))
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(v[0]["id"], "相談票-17");
        assert_eq!(find("livelihood_basic")["amount_yen"], 1_000_000);
        assert_eq!(find("livelihood_additional")["amount_yen"], 2_000_000);
        assert_eq!(find("shiomi_rebuild_top_up")["amount_yen"], 500_000);
        Ok(())
    }

    #[test]
    fn a_bad_file_says_why() {
        let dir = std::env::temp_dir().join(format!("elig-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let bad = dir.join("bad.json");
        let _ = std::fs::write(&bad, r#"{"disaster": {"date": "2024-02-30"}}"#);
        let e = results(&EligibilityArgs {
            file: bad,
            programmes: vec![],
            compact: true,
        })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("bad.json"), "{e}");
        let broken = dir.join("broken.toml");
        let _ = std::fs::write(&broken, "id = \"x\"\n");
        let e = results(&EligibilityArgs {
            file: sample("household.json"),
            programmes: vec![broken],
            compact: true,
        })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            e.contains("does not load") && e.contains("broken.toml"),
            "{e}"
        );
    }
}
