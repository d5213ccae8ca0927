//! Escaping for the contexts scaffold values land in. Component and class names are
//! DNS-1123 labels by validation, but descriptions, engines and images are free text,
//! and the API takes specs that were never validated: every value a template writes
//! goes through one of these (as an askama filter, see `templates.rs`).

/// A YAML scalar that reads back as exactly `s`: always double-quoted, so no value can
/// turn into a number, a boolean, null, a comment, an anchor or a second key.
pub fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // YAML's printable set excludes C0/C1 controls, DEL and the line separators.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A docker-compose value: compose interpolates `$` in every string, so a literal one
/// is doubled, then the result is a YAML scalar.
pub fn compose_str(s: &str) -> String {
    yaml_str(&s.replace('$', "$$"))
}

/// One shell word (POSIX sh): left bare when it holds only characters no shell treats
/// specially, single-quoted otherwise (a quote inside becomes `'\''`).
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A double-quoted Dockerfile value (for `LABEL` and `ENV`): backslash, quote and `$`
/// (which Docker would expand) escaped; a line break, which would end the instruction,
/// becomes a space.
pub fn dockerfile_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON (and so JavaScript) string literal.
pub fn json_str(s: &str) -> String {
    // Serialising a &str cannot fail.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A Rust string literal (`Debug` escapes quotes, backslashes and controls).
pub fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

pub use crate::text::{markdown_text, one_line};

/// An environment variable name for a component: upper case, `-` to `_`, and a leading
/// `_` if it would start with a digit (DNS labels may).
pub fn env_name(component: &str) -> String {
    let mut out: String = component
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_values_read_back_as_the_same_string() {
        for s in [
            "plain",
            "yes",
            "null",
            "1e3",
            "a: b",
            "# not a comment",
            "&anchor *alias",
            "quote \" and back\\slash",
            "line\nbreak\ttab\r",
            "bell\u{7} del\u{7f} sep\u{2028}",
            "- item",
            "{flow: map}",
            "",
            "Online shop — browse",
        ] {
            let doc = format!("key: {}\n", yaml_str(s));
            let parsed = yaml_rust2::YamlLoader::load_from_str(&doc).unwrap();
            assert_eq!(parsed[0]["key"].as_str(), Some(s), "{doc}");
        }
        assert_eq!(yaml_str("a\"b"), r#""a\"b""#);
        assert_eq!(compose_str("pa$$word"), r#""pa$$$$word""#);
    }

    #[test]
    fn shell_words_are_single_words() {
        assert_eq!(shell_word("api"), "api");
        assert_eq!(shell_word("orders-db:5432"), "orders-db:5432");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        // What sh makes of it: the word back, unchanged.
        for s in ["it's $HOME `x` \"q\" \\ ;|&", "new\nline"] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_word(s)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), s);
        }
    }

    #[test]
    fn dockerfile_values_cannot_expand_or_end_the_instruction() {
        assert_eq!(dockerfile_str("shop"), "\"shop\"");
        assert_eq!(
            dockerfile_str("a \"b\" $HOME \\ c"),
            r#""a \"b\" \$HOME \\ c""#
        );
        assert_eq!(dockerfile_str("two\nlines"), "\"two lines\"");
    }

    #[test]
    fn code_literals_and_markdown() {
        assert_eq!(json_str("a\"b</script>"), r#""a\"b</script>""#);
        assert_eq!(rust_str("a\"b\\c\n"), r#""a\"b\\c\n""#);
    }

    #[test]
    fn env_names() {
        assert_eq!(env_name("orders-db"), "ORDERS_DB");
        assert_eq!(env_name("3d-render"), "_3D_RENDER");
    }
}
