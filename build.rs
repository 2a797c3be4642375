//! Embeds every rule under `queries/` into the binary, so that adding a rule
//! means adding files there and nothing else.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("queries");
    println!("cargo:rerun-if-changed=queries");
    let mut ids: Vec<String> = fs::read_dir(dir)
        .expect("queries/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let mut out = String::from("pub static EMBEDDED_RULES: &[(&str, &str, Option<&str>)] = &[\n");
    for id in &ids {
        let toml = format!("{root}/queries/{id}.toml");
        let scm = format!("{root}/queries/{id}.scm");
        println!("cargo:rerun-if-changed={toml}");
        println!("cargo:rerun-if-changed={scm}");
        let scm_expr = if Path::new(&scm).exists() {
            format!("Some(include_str!({scm:?}))")
        } else {
            "None".to_string()
        };
        out.push_str(&format!(
            "    ({id:?}, include_str!({toml:?}), {scm_expr}),\n"
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    fs::write(dest, out).unwrap();
}
