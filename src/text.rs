//! User text made safe for where it is shown. Names, descriptions and keys come from the
//! spec, so they may hold line breaks, terminal escapes or markup: printed raw, a
//! component called `a\nother.yaml:1:1: forged` would add a diagnostic line of its own
//! (or a CI annotation, `::error …`), and a description's `<script>` would reach a
//! Markdown viewer as HTML.

use std::borrow::Cow;

/// Whether `c` would move, hide or reorder what a terminal or a log shows: a control
/// character, a Unicode line or paragraph separator, or a bidirectional override (which
/// can make text read differently from its bytes).
fn is_unsafe_in_a_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` for a terminal, a log or a diagnostic line: every unsafe character written as its
/// Rust escape (`\n`, `\u{1b}`), so what it was stays visible; text without one is
/// returned as it is.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_in_a_line) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_in_a_line(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text on one line, for a comment in any language: every unsafe character (a line
/// break would end the comment and start code) becomes a space.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if is_unsafe_in_a_line(c) { ' ' } else { c })
        .collect()
}

/// Text for one Markdown table cell or line: no line breaks, no cell separators, no code
/// span, and no tag or autolink (those open with `<` and a letter, `/`, `!` or `?`; a
/// `<=` or a `>` inside a line is plain text and stays as written).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            '`' => out.push('\''),
            c if is_unsafe_in_a_line(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A figure with `decimals` decimals, or "unbounded" when it is not finite (a saturated
/// pool, or one waiting on one): no message prints `inf` or `NaN`.
pub fn figure(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "unbounded".to_string()
    }
}

/// [`figure`] of a value that is none when unbounded, as the engine's outputs carry it.
pub fn figure_or_unbounded(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "unbounded".to_string(), |v| figure(v, decimals))
}

/// A utilisation in words: three decimals, or "unbounded" when it has no finite value.
pub fn utilization(u: Option<f64>) -> String {
    figure_or_unbounded(u, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_would_forge_a_line_and_keeps_the_rest() {
        assert_eq!(printable("orders-db"), "orders-db");
        assert!(matches!(printable("orders-db"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\n::error file=x::forged"),
            "a\\n::error file=x::forged"
        );
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(printable("ab\u{202E}cd\r"), "ab\\u{202e}cd\\r");
        assert_eq!(printable("café ✓"), "café ✓");
    }

    #[test]
    fn one_line_and_markdown() {
        assert_eq!(one_line("a\nb: c\r\u{2028}d"), "a b: c  d");
        assert_eq!(markdown_text("a|b<c> -> \nd"), "a\\|b&lt;c> ->  d");
        assert_eq!(markdown_text("<= 0.7 <!-- x"), "<= 0.7 &lt;!-- x");
        assert_eq!(
            markdown_text("<script>alert(1)</script> `x`"),
            "&lt;script>alert(1)&lt;/script> 'x'"
        );
    }
}
