//! Embeds every `catalogue/*.toml` so the binary carries the catalogue it was reviewed with.
use std::fmt::Write;

fn main() {
    let dir = std::path::Path::new("catalogue");
    println!("cargo::rerun-if-changed=catalogue");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = std::fs::canonicalize(&f).unwrap_or(f);
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("]\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let _ = std::fs::write(std::path::Path::new(&out_dir).join("catalogue.rs"), out);
}
