//! One combined tree-sitter query per grammar, built from every rule's query
//! file, compiled on first use and cached for the life of the process.
use std::sync::OnceLock;

use tree_sitter::{CaptureQuantifier, Query, QueryPredicateArg};

use super::{lang::Lang, leaves::Leaves, rules::catalogue};

pub struct Compiled {
    /// Leaf patterns are disabled here and matched by `leaves`.
    pub query: Query,
    pub leaves: Leaves,
    /// Pattern index -> index into `catalogue()`.
    pub rule_of_pattern: Vec<usize>,
    pub finding_capture: u32,
}

/// Predicates the engine evaluates itself; anything else in a query file is an error.
pub const CUSTOM_PREDICATES: &[&str] = &[
    "clerk-ref?",
    "not-clerk-ref?",
    "clerk-file?",
    "clerk-module?",
    "clerk-options-of?",
    "clerk-module-of?",
    "called?",
    "not-called?",
    "holds?",
    "reads-paginated?",
    "not-reads-paginated?",
    "lacks-key?",
    "setter-client?",
    "list-result?",
    "password-update?",
    "called-method?",
    "first-argument-key-of?",
    "report-parent?",
    "field-of?",
    "object-holds?",
    "callee?",
    "specifier?",
    "option-of?",
    "option-value?",
    "not-option-value?",
    "env-read?",
    "module-specifier?",
];

/// Predicates that choose the node to report, for patterns anchored on a
/// leaf near it (see `engine::shapes`); such patterns capture no `@finding`.
/// Predicates after one of these that name `@finding` see the chosen node.
pub const FINDING_PREDICATES: &[&str] = &["list-result?", "password-update?", "report-parent?"];

/// Compiles the combined query for a grammar, naming the rule at fault when
/// one of them does not compile.
pub fn compile(lang: Lang) -> Result<Compiled, String> {
    compile_with(lang, true)
}

/// `index_leaves: false` leaves every pattern to tree-sitter's cursor: the
/// reference the leaf index is tested against.
pub fn compile_with(lang: Lang, index_leaves: bool) -> Result<Compiled, String> {
    let language = lang
        .ts_language()
        .ok_or_else(|| format!("{} has no grammar", lang.name()))?;
    let mut src = String::new();
    let mut spans = Vec::new();
    for (i, rule) in catalogue().iter().enumerate() {
        let Some(q) = rule.query else { continue };
        if !rule.applies_to(lang) {
            continue;
        }
        let start = src.len();
        src.push_str(q);
        src.push('\n');
        spans.push((start, src.len(), i));
    }
    // Compiling is costly (tens of milliseconds per query for the TypeScript
    // grammar), so rules are compiled one by one only to name the file at
    // fault when the combined query does not compile.
    let mut query = match Query::new(&language, &src) {
        Ok(q) => q,
        Err(e) => {
            for (_, _, i) in &spans {
                let rule = &catalogue()[*i];
                Query::new(&language, rule.query.unwrap_or_default())
                    .map_err(|e| format!("queries/{}.scm ({}): {e}", rule.id, lang.name()))?;
            }
            return Err(e.to_string());
        }
    };
    let finding_capture = query
        .capture_index_for_name("finding")
        .ok_or("no rule query captures @finding")?;
    let mut rule_of_pattern = Vec::with_capacity(query.pattern_count());
    for p in 0..query.pattern_count() {
        let at = query.start_byte_for_pattern(p);
        let (_, _, rule) = spans
            .iter()
            .find(|(s, e, _)| (*s..*e).contains(&at))
            .expect("every pattern lies in a rule's span");
        rule_of_pattern.push(*rule);
        for pred in query.general_predicates(p) {
            if !CUSTOM_PREDICATES.contains(&&*pred.operator) {
                return Err(format!(
                    "queries/{}.scm: unknown predicate #{}",
                    catalogue()[*rule].id,
                    pred.operator
                ));
            }
            if matches!(pred.operator.as_ref(), "holds?" | "object-holds?")
                && !pred.args.iter().skip(1).any(|a| {
                    matches!(a, QueryPredicateArg::String(k) if super::values::Held::parse(k).is_some())
                })
            {
                return Err(format!(
                    "queries/{}.scm: #holds? takes authObject, claims, externalAccount or externalAccountList",
                    catalogue()[*rule].id
                ));
            }
            if pred.operator.as_ref() != "clerk-file?"
                && !matches!(pred.args.first(), Some(QueryPredicateArg::Capture(_)))
            {
                return Err(format!(
                    "queries/{}.scm: #{} takes a capture first",
                    catalogue()[*rule].id,
                    pred.operator
                ));
            }
        }
        let captures_finding =
            query.capture_quantifiers(p)[finding_capture as usize] != CaptureQuantifier::Zero;
        let derives_finding = query
            .general_predicates(p)
            .iter()
            .any(|pred| FINDING_PREDICATES.contains(&&*pred.operator));
        if !captures_finding && !derives_finding {
            return Err(format!(
                "queries/{}.scm: a pattern reports nothing: capture @finding",
                catalogue()[*rule].id
            ));
        }
    }
    let leaves = if index_leaves {
        // `#clerk-ref?` on a leaf holds only for names Facts can resolve,
        // which the walk checks before a match costs an evaluation.
        Leaves::take_from(
            &mut query,
            &src,
            &language,
            "clerk-ref?",
            &["clerk-ref?", "clerk-module-of?"],
            FINDING_PREDICATES,
        )
    } else {
        Leaves::default()
    };
    Ok(Compiled {
        query,
        leaves,
        rule_of_pattern,
        finding_capture,
    })
}

pub fn compiled(lang: Lang) -> &'static Compiled {
    static C: [OnceLock<Compiled>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let idx = match lang {
        Lang::JavaScript => 0,
        Lang::TypeScript => 1,
        Lang::Tsx => 2,
        _ => unreachable!("only grammars have queries"),
    };
    // The queries are embedded and checked by the test suite, so a failure
    // here is a build defect, not a user input problem.
    C[idx].get_or_init(|| compile(lang).unwrap_or_else(|e| panic!("rule queries: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_compiles_and_each_pattern_reports_a_finding() {
        for lang in Lang::GRAMMARS {
            let c = compile(lang).unwrap();
            for p in 0..c.query.pattern_count() {
                let caps = c.query.capture_quantifiers(p);
                let derived = c
                    .query
                    .general_predicates(p)
                    .iter()
                    .any(|pred| FINDING_PREDICATES.contains(&&*pred.operator));
                assert!(
                    derived || caps[c.finding_capture as usize] != CaptureQuantifier::Zero,
                    "pattern {p} of rule {} ({}) has no @finding",
                    catalogue()[c.rule_of_pattern[p]].id,
                    lang.name()
                );
            }
        }
    }
}
