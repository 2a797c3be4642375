use std::path::Path;

/// The kinds of file the engine understands. The first three are parsed with
/// tree-sitter; `.env` files and `package.json` have line- and JSON-level rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    JavaScript,
    TypeScript,
    Tsx,
    Env,
    PackageJson,
}

impl Lang {
    pub const GRAMMARS: [Lang; 3] = [Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

    pub fn name(self) -> &'static str {
        match self {
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Env => "env",
            Lang::PackageJson => "package.json",
        }
    }

    pub fn is_grammar(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }

    pub fn ts_language(self) -> Option<tree_sitter::Language> {
        Some(match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Env | Lang::PackageJson => return None,
        })
    }

    /// Chooses by file name alone.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if name == "package.json" {
            return Some(Lang::PackageJson);
        }
        if name == ".env" || name.starts_with(".env.") {
            return Some(Lang::Env);
        }
        let ext = name.rsplit_once('.')?.1;
        Self::from_extension(ext)
    }

    pub fn from_extension(ext: &str) -> Option<Lang> {
        Some(match ext {
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            _ => return None,
        })
    }

    /// Chooses by LSP `languageId`, falling back to the file name for ids
    /// that do not settle it (a `.tsx` file announced as `typescript`).
    pub fn from_language_id(id: &str, path: Option<&Path>) -> Option<Lang> {
        let by_path = path.and_then(Lang::from_path);
        match id {
            "typescriptreact" => Some(Lang::Tsx),
            "typescript" => match by_path {
                Some(Lang::Tsx) => Some(Lang::Tsx),
                _ => Some(Lang::TypeScript),
            },
            "javascript" | "javascriptreact" => Some(Lang::JavaScript),
            "dotenv" | "env" | "properties" if matches!(by_path, Some(Lang::Env)) => {
                Some(Lang::Env)
            }
            "json" if matches!(by_path, Some(Lang::PackageJson)) => Some(Lang::PackageJson),
            _ => by_path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_map_to_grammars() {
        for (f, l) in [
            ("a.js", Lang::JavaScript),
            ("a.jsx", Lang::JavaScript),
            ("a.mjs", Lang::JavaScript),
            ("a.cjs", Lang::JavaScript),
            ("a.ts", Lang::TypeScript),
            ("a.mts", Lang::TypeScript),
            ("a.cts", Lang::TypeScript),
            ("a.tsx", Lang::Tsx),
            (".env", Lang::Env),
            (".env.local", Lang::Env),
            ("package.json", Lang::PackageJson),
        ] {
            assert_eq!(Lang::from_path(Path::new(f)), Some(l), "{f}");
        }
        assert_eq!(Lang::from_path(Path::new("a.rs")), None);
        assert_eq!(Lang::from_path(Path::new("env")), None);
        assert_eq!(Lang::from_path(Path::new("x.env")), None);
    }

    #[test]
    fn language_id_wins_but_tsx_file_stays_tsx() {
        assert_eq!(
            Lang::from_language_id("typescript", Some(Path::new("a.tsx"))),
            Some(Lang::Tsx)
        );
        assert_eq!(
            Lang::from_language_id("javascriptreact", None),
            Some(Lang::JavaScript)
        );
        assert_eq!(
            Lang::from_language_id("plaintext", Some(Path::new("a.ts"))),
            Some(Lang::TypeScript)
        );
    }
}
