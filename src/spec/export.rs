//! A spec back to YAML, in the one canonical form: key order as in the model, only the
//! fields the user set, byte-identical however often it is exported.

use super::model::Spec;
use super::yaml;

/// The editor hint that makes a YAML language server complete and check a spec against
/// the JSON Schema next to it (`headroom schema > headroom.schema.json`).
pub const SCHEMA_COMMENT_PREFIX: &str = "# yaml-language-server: $schema=";

/// The canonical YAML text of `spec`, after the given comment lines (each starting with `#`).
pub fn to_yaml(spec: &Spec, header_comments: &[&str]) -> String {
    to_yaml_with(spec, header_comments, &yaml::Notes::default())
}

/// The canonical YAML text of `spec` with the comments of the text it was read from
/// (`comments_of`) put back: each above, or at the end of, the line of the field or
/// item it was written at; one whose field is gone moves to the nearest enclosing one.
pub fn to_yaml_with(spec: &Spec, header_comments: &[&str], notes: &yaml::Notes) -> String {
    // Serializing plain data with string keys cannot fail; an empty document would be
    // caught by the round-trip tests.
    let layout = yaml::Layout {
        flow_item_lists: &["dependencies"],
    };
    yaml::to_canonical_yaml(spec, header_comments, &layout, notes).unwrap_or_default()
}

/// The comments of `text` below its header, each attached to its field or item.
pub fn comments_of(text: &str) -> yaml::Notes {
    yaml::notes_of(text)
}

/// `text` in canonical form with every comment kept: what `headroom fmt` writes.
pub fn reformat(spec: &Spec, text: &str) -> String {
    to_yaml_with(spec, &leading_comments(text), &comments_of(text))
}

/// The comment lines at the very top of a file (kept by `headroom fmt`), e.g. the schema hint.
pub use super::yaml::leading_comments;

/// How many comments stand in `text` below its leading block: what `headroom fmt
/// --drop-comments` drops.
pub fn inner_comment_count(text: &str) -> usize {
    let header = leading_comments(text).len();
    yaml::lines(text)
        .skip(header)
        .filter(|line| yaml::comment_at(line).is_some())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_counted_outside_quotes_only() {
        assert_eq!(yaml::comment_at("a: 1  # why"), Some(6));
        assert_eq!(yaml::comment_at("# whole line"), Some(0));
        assert_eq!(yaml::comment_at("a: \"x # y\""), None);
        assert_eq!(yaml::comment_at("a: b#c"), None);
        assert_eq!(
            inner_comment_count("# header\n# more\nversion: 1 # v\nname: x\n"),
            1
        );
    }
}
