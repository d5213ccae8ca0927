//! The YAML boundary: every byte of YAML that Headroom reads or writes passes through
//! this module, so the library behind it can be swapped without touching anything else.
//!
//! Reading: yaml-rust2's event parser builds a tree of [`Node`]s that remember their line
//! and column; a serde deserializer over that tree gives typed values and errors that
//! carry the position and the field path. (serde_yaml, the usual choice, is unmaintained
//! and exposes no positions for the semantic checks that run after deserialization.)
//! Hostile input is bounded: aliases may not expand past [`MAX_NODES`] nodes, nesting may
//! not pass [`MAX_DEPTH`] levels, and there is exactly one document.
//!
//! Writing: [`to_canonical_yaml`] emits any `Serialize` value in one canonical layout —
//! keys in declaration order, short collections in flow style — so exports are
//! byte-stable and diff well.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::Serialize;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::diagnostic::closest;
use super::path::{Path, Seg};

/// The most nodes a document may hold, counting every alias expansion.
pub const MAX_NODES: u64 = 2_000_000;
/// The deepest nesting of collections a document may have.
pub const MAX_DEPTH: usize = 64;

/// A position in the source text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug)]
pub struct Node {
    pub mark: Mark,
    pub value: Value,
    /// Nodes in this subtree, counting alias expansions.
    size: u64,
}

#[derive(Debug)]
pub enum Value {
    /// A scalar as written; `plain` is false when it was quoted or a block scalar, in
    /// which case it is always text.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Rc<Node>>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_mark: Mark,
    pub value: Rc<Node>,
}

impl Node {
    /// The value under `key`, for a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &*e.value),
            _ => None,
        }
    }

    /// The position of the node at `path` below this one; for a path that leads nowhere
    /// (a field left out), the position of the deepest node on the way.
    pub fn locate(&self, path: &[Seg]) -> Mark {
        let mut node = self;
        let mut mark = self.mark;
        for seg in path {
            let next = match (&node.value, seg) {
                (Value::Map(entries), Seg::Key(key)) => entries
                    .iter()
                    .find(|e| e.key == *key)
                    .map(|e| (e.key_mark, &*e.value)),
                (Value::Seq(items), Seg::Index(i)) => items.get(*i).map(|n| (n.mark, &**n)),
                _ => None,
            };
            match next {
                Some((m, n)) => {
                    mark = m;
                    node = n;
                }
                None => break,
            }
        }
        mark
    }

    /// A copy of this mapping without the entry `key` (None if there is no such entry).
    pub fn without_key(&self, key: &str) -> Option<Node> {
        let Value::Map(entries) = &self.value else {
            return None;
        };
        entries.iter().any(|e| e.key == key).then(|| Node {
            mark: self.mark,
            value: Value::Map(entries.iter().filter(|e| e.key != key).cloned().collect()),
            size: self.size,
        })
    }

    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain `~`, `null` (any case YAML allows) or nothing at all.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null_text(text))
    }

    /// How the node reads in a message: `"text"`, `a list`, `a mapping`.
    fn describe(&self) -> String {
        match &self.value {
            Value::Scalar { text, .. } if self.is_null() && text.is_empty() => "nothing".into(),
            Value::Scalar { text, plain: true } => text.clone(),
            Value::Scalar { text, plain: false } => format!("{text:?}"),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }
}

fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A syntax error, or a document that breaks one of the bounds above.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub mark: Mark,
    pub message: String,
}

fn mark_of(m: &yaml_rust2::scanner::Marker) -> Mark {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Mark {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// `mark` moved back onto the text: at the end of a text without a final line break the
/// scanner reports the start of a line after the last, which no editor can show; the
/// error is then placed just after the last character.
fn within(mark: Mark, text: &str) -> Mark {
    let mut last = (0, "");
    for (i, line) in lines(text).enumerate() {
        last = (i + 1, line);
    }
    // After a final line break an editor shows one more, empty line.
    let shown = last.0 + usize::from(text.ends_with(['\n', '\r']));
    if mark.line <= shown || last.0 == 0 {
        return mark;
    }
    Mark {
        line: last.0,
        column: last.1.chars().count() + 1,
    }
}

/// Parses one YAML document into a positioned tree.
pub fn parse(text: &str) -> Result<Rc<Node>, SyntaxError> {
    enum Frame {
        Seq {
            mark: Mark,
            anchor: usize,
            items: Vec<Rc<Node>>,
            size: u64,
        },
        Map {
            mark: Mark,
            anchor: usize,
            entries: Vec<Entry>,
            /// Each key seen so far and the line it is at: a linear duplicate check.
            seen: std::collections::HashMap<String, usize>,
            key: Option<(String, Mark)>,
            size: u64,
        },
    }
    let err = |mark: Mark, message: String| SyntaxError { mark, message };

    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Rc<Node>> = None;
    let mut documents = 0;

    loop {
        let (event, marker) = parser.next_token().map_err(|e| {
            let scan = scan_flow(text);
            match (scan.too_deep, scan.unclosed) {
                (Some(mark), _) => err(mark, format!("nesting is deeper than {MAX_DEPTH} levels")),
                (None, Some((mark, bracket))) if e.info().contains("flow") => err(
                    mark,
                    format!(
                        "YAML syntax error: this `{bracket}` is never closed ({})",
                        e.info()
                    ),
                ),
                _ => err(
                    within(mark_of(e.marker()), text),
                    format!("YAML syntax error: {}", e.info()),
                ),
            }
        })?;
        let mark = mark_of(&marker);
        let completed: Rc<Node> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        mark,
                        "a spec is one YAML document, but a second one starts here".into(),
                    ));
                }
                continue;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => node.clone(),
                None => return Err(err(mark, "alias to an unknown anchor".into())),
            },
            Event::Scalar(text, style, anchor, tag) => {
                if tag.is_some() {
                    return Err(err(mark, "YAML tags (`!…`) are not used in specs".into()));
                }
                let plain = matches!(style, TScalarStyle::Plain);
                let node = Rc::new(Node {
                    mark,
                    value: Value::Scalar { text, plain },
                    size: 1,
                });
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if tag.is_some() {
                    return Err(err(mark, "YAML tags (`!…`) are not used in specs".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        mark,
                        format!("nesting is deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        mark,
                        anchor,
                        items: Vec::new(),
                        size: 1,
                    }
                } else {
                    Frame::Map {
                        mark,
                        anchor,
                        entries: Vec::new(),
                        seen: std::collections::HashMap::new(),
                        key: None,
                        size: 1,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Seq {
                        mark,
                        anchor,
                        items,
                        size,
                    }) => (
                        Node {
                            mark,
                            value: Value::Seq(items),
                            size,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        mark,
                        anchor,
                        entries,
                        size,
                        ..
                    }) => (
                        Node {
                            // A block mapping's start event comes after its first key;
                            // the mapping starts where that key does.
                            mark: entries.first().map_or(mark, |e| e.key_mark.min(mark)),
                            value: Value::Map(entries),
                            size,
                        },
                        anchor,
                    ),
                    None => {
                        return Err(err(mark, "YAML syntax error: unbalanced collection".into()))
                    }
                };
                let node = Rc::new(node);
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
        };

        // Attach the completed node to its parent, or make it the document.
        match stack.last_mut() {
            None => {
                if completed.size > MAX_NODES {
                    return Err(err(
                        completed.mark,
                        format!("the document expands to more than {MAX_NODES} nodes (aliases?)"),
                    ));
                }
                root = Some(completed);
            }
            Some(Frame::Seq { items, size, .. }) => {
                *size = size.saturating_add(completed.size);
                if *size > MAX_NODES {
                    return Err(err(
                        completed.mark,
                        format!("the document expands to more than {MAX_NODES} nodes (aliases?)"),
                    ));
                }
                items.push(completed);
            }
            Some(Frame::Map {
                entries,
                seen,
                key,
                size,
                ..
            }) => {
                *size = size.saturating_add(completed.size);
                if *size > MAX_NODES {
                    return Err(err(
                        completed.mark,
                        format!("the document expands to more than {MAX_NODES} nodes (aliases?)"),
                    ));
                }
                match key.take() {
                    Some((key, key_mark)) => entries.push(Entry {
                        key,
                        key_mark,
                        value: completed,
                    }),
                    None => {
                        let Value::Scalar { text, .. } = &completed.value else {
                            return Err(err(
                                completed.mark,
                                "a mapping key must be plain text, not a list or a mapping".into(),
                            ));
                        };
                        if let Some(first) = seen.get(text) {
                            return Err(err(
                                completed.mark,
                                format!("duplicate key `{text}` (first at line {first})"),
                            ));
                        }
                        seen.insert(text.clone(), completed.mark.line);
                        *key = Some((text.clone(), completed.mark));
                    }
                }
            }
        }
    }
    root.ok_or_else(|| {
        err(
            Mark { line: 1, column: 1 },
            "the file is empty: a spec needs at least `version`, `name` and `components`".into(),
        )
    })
}

/// What a pass over the flow brackets (`[ ] { }`) of a document finds, outside quoted
/// scalars and comments. yaml-rust2's scanner gives up on deep flow nesting before it
/// emits a single event (so the depth check in [`parse`] never sees it), and it reports
/// a bracket left open at the end of the file: this says where the problem really is.
struct FlowScan {
    /// The bracket that first nests deeper than [`MAX_DEPTH`].
    too_deep: Option<Mark>,
    /// The innermost bracket never closed, and which one it is.
    unclosed: Option<(Mark, char)>,
}

/// The lines of `text`, whichever line breaks it uses: YAML reads LF, CRLF and a bare CR
/// alike (`str::lines` splits on LF only), so everything that splits a spec into lines
/// goes through here. As with `str::lines`, a final break ends the last line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut after_cr = false;
    text.split_inclusive(['\n', '\r']).filter_map(move |piece| {
        // The LF of a CRLF arrives as a piece of its own, after the CR's.
        let lf_of_crlf = after_cr && piece == "\n";
        after_cr = piece.ends_with('\r');
        (!lf_of_crlf).then(|| piece.strip_suffix(['\n', '\r']).unwrap_or(piece))
    })
}

fn scan_flow(text: &str) -> FlowScan {
    // A document that is not itself a flow collection is a block mapping or list: one
    // level, as the depth check in `parse` counts it.
    let first = lines(text)
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let block_root = usize::from(first.is_some_and(|l| !l.starts_with(['[', '{'])));
    let mut open: Vec<(Mark, char)> = Vec::new();
    let mut too_deep = None;
    let (mut line, mut column) = (1usize, 0usize);
    let (mut quote, mut comment, mut prev) = (None::<char>, false, '\n');
    let mut chars = text.chars().peekable();
    while let Some(raw) = chars.next() {
        // Each line break (LF, CRLF or a bare CR) is read as one '\n'.
        let c = match raw {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' => '\n',
            other => other,
        };
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            '"' if quote == Some('"') && prev != '\\' => quote = None,
            '\'' if quote == Some('\'') => quote = None,
            // A quote opens a quoted scalar only where a scalar can start.
            '"' | '\''
                if quote.is_none() && matches!(prev, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':') =>
            {
                quote = Some(c)
            }
            _ if quote.is_some() => {}
            '#' if matches!(prev, ' ' | '\t' | '\n') => comment = true,
            '[' | '{' => {
                open.push((Mark { line, column }, c));
                if open.len() + block_root > MAX_DEPTH && too_deep.is_none() {
                    too_deep = Some(Mark { line, column });
                }
            }
            ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
        prev = c;
    }
    FlowScan {
        too_deep,
        unclosed: open.last().copied(),
    }
}

/// A typed value could not be read from a node.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub mark: Option<Mark>,
    /// Where below the node that was deserialized, outermost first.
    pub path: Path,
    /// A predicate about the field at `path`: "must be >= 0, got -1".
    pub message: String,
    /// The number as written, when a whole number was outside its type's range: the
    /// caller may know the field's own, narrower range and say that instead.
    pub out_of_range: Option<String>,
}

impl DeError {
    /// An error about the node at `mark` itself.
    pub fn new(mark: Mark, message: impl Into<String>) -> Self {
        DeError {
            mark: Some(mark),
            path: Path::default(),
            message: message.into(),
            out_of_range: None,
        }
    }
    fn at(mut self, mark: Mark) -> Self {
        self.mark.get_or_insert(mark);
        self
    }
    fn within(mut self, seg: Seg) -> Self {
        self.path.0.insert(0, seg);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.message)
    }
}
impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            mark: None,
            path: Path::default(),
            message: msg.to_string(),
            out_of_range: None,
        }
    }
    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!("must be {exp}, got {unexp}"))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let hint = closest(variant, expected)
            .map(|near| format!(" (did you mean `{near}`?)"))
            .unwrap_or_default();
        Self::custom(format_args!(
            "must be one of {}, got `{variant}`{hint}",
            backticked(expected)
        ))
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let hint = match closest(field, expected) {
            Some(near) => format!(" (did you mean `{near}`?)"),
            None if expected.len() <= 6 => format!(" (expected {})", backticked(expected)),
            None => String::new(),
        };
        let mut e = Self::custom(format_args!("is not a known field{hint}"));
        e.path.0.push(Seg::Key(field.to_string()));
        e
    }
    fn missing_field(field: &'static str) -> Self {
        let mut e = Self::custom("is required");
        e.path.0.push(Seg::Key(field.to_string()));
        e
    }
    fn duplicate_field(field: &'static str) -> Self {
        let mut e = Self::custom("is given twice");
        e.path.0.push(Seg::Key(field.to_string()));
        e
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a typed value from a node.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, DeError> {
    T::deserialize(NodeDe(node))
}

struct NodeDe<'a>(&'a Node);

impl NodeDe<'_> {
    fn fail(&self, message: impl Into<String>) -> DeError {
        DeError {
            mark: Some(self.0.mark),
            path: Path::default(),
            message: message.into(),
            out_of_range: None,
        }
    }

    /// The scalar's text if it is a plain scalar (numbers and booleans are never quoted).
    fn plain(&self, what: &str) -> Result<&str, DeError> {
        match &self.0.value {
            Value::Scalar { text, plain: true } if !self.0.is_null() => Ok(text),
            _ => Err(self.fail(format!("must be {what}, got {}", self.0.describe()))),
        }
    }

    fn unsigned(&self, max: u64) -> Result<u64, DeError> {
        let text = self.plain("a whole number")?;
        let out_of_range = |message: String| DeError {
            out_of_range: Some(text.to_string()),
            ..self.fail(message)
        };
        let digits = text.strip_prefix('+').unwrap_or(text);
        if let Some(neg) = digits.strip_prefix('-') {
            if parse_number(neg).is_some() {
                return Err(out_of_range(format!("must be >= 0, got {text}")));
            }
        }
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return match digits.parse::<u64>() {
                Ok(v) if v <= max => Ok(v),
                _ => Err(out_of_range(format!("must be at most {max}, got {text}"))),
            };
        }
        match parse_number(text) {
            Some(v) if v.is_finite() && v.fract() != 0.0 => {
                Err(self.fail(format!("must be a whole number, got {text}")))
            }
            Some(_) => Err(out_of_range(format!("must be at most {max}, got {text}"))),
            None => Err(self.fail(format!("must be a whole number, got {}", self.0.describe()))),
        }
    }

    fn float(&self) -> Result<f64, DeError> {
        let text = self.plain("a number")?;
        match parse_number(text) {
            // `-0` reads as 0: the canonical form writes it so, and a budget of "-0 USD"
            // would otherwise be reported as such until the file is saved and read again.
            Some(v) if v.is_finite() => Ok(v + 0.0),
            Some(_) => Err(self.fail(format!("must be a finite number, got {text}"))),
            None => Err(self.fail(format!("must be a number, got {}", self.0.describe()))),
        }
    }
}

/// A YAML 1.2 core-schema number, or None if `text` is not one.
fn parse_number(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let starts_ok = body.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let chars_ok = body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !starts_ok || !chars_ok {
        return None;
    }
    text.parse::<f64>().ok()
}

macro_rules! deserialize_unsigned {
    ($($method:ident => $visit:ident : $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let v = self.unsigned(<$ty>::MAX as u64)?;
            visitor.$visit(v as $ty).map_err(|e: DeError| e.at(self.0.mark))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.0.value {
            Value::Scalar { .. } if self.0.is_null() => visitor.visit_unit(),
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => visitor.visit_bool(true),
                "false" | "False" | "FALSE" => visitor.visit_bool(false),
                t => match (t.parse::<i64>(), parse_number(t)) {
                    (Ok(i), _) => visitor.visit_i64(i),
                    (_, Some(f)) => visitor.visit_f64(f),
                    _ => visitor.visit_str(t),
                },
            },
            Value::Scalar { text, plain: false } => visitor.visit_str(text),
            Value::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
            }),
            Value::Map(entries) => visitor.visit_map(MapDe {
                entries: entries.iter(),
                value: None,
            }),
        };
        result.map_err(|e: DeError| e.at(self.0.mark))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let value = match self.plain("true or false")? {
            "true" | "True" | "TRUE" => true,
            "false" | "False" | "FALSE" => false,
            _ => return Err(self.fail(format!("must be true or false, got {}", self.0.describe()))),
        };
        visitor
            .visit_bool(value)
            .map_err(|e: DeError| e.at(self.0.mark))
    }

    deserialize_unsigned!(
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64
    );

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.float()?;
        visitor.visit_f64(v).map_err(|e: DeError| e.at(self.0.mark))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Scalar { text, .. } if !self.0.is_null() => visitor
                .visit_str(text)
                .map_err(|e: DeError| e.at(self.0.mark)),
            _ => Err(self.fail(format!("must be text, got {}", self.0.describe()))),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Seq(items) => visitor
                .visit_seq(SeqDe {
                    items: items.iter(),
                    index: 0,
                })
                .map_err(|e: DeError| e.at(self.0.mark)),
            _ => Err(self.fail(format!("must be a list, got {}", self.0.describe()))),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Map(entries) => visitor
                .visit_map(MapDe {
                    entries: entries.iter(),
                    value: None,
                })
                .map_err(|e: DeError| e.at(self.0.mark)),
            _ => Err(self.fail(format!(
                "must be a mapping of fields, got {}",
                self.0.describe()
            ))),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Scalar { text, .. } if !self.0.is_null() => {
                let access: de::value::StrDeserializer<'_, DeError> =
                    text.as_str().into_deserializer();
                visitor
                    .visit_enum(access)
                    .map_err(|e: DeError| e.at(self.0.mark))
            }
            _ => Err(self.fail(format!(
                "must be one of {}, got {}",
                backticked(variants),
                self.0.describe()
            ))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

struct SeqDe<'a> {
    items: std::slice::Iter<'a, Rc<Node>>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'_> {
    type Error = DeError;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(NodeDe(node))
            .map(Some)
            .map_err(|e| e.at(node.mark).within(Seg::Index(index)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a> {
    entries: std::slice::Iter<'a, Entry>,
    value: Option<&'a Entry>,
}

impl<'de> de::MapAccess<'de> for MapDe<'_> {
    type Error = DeError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let key: de::value::StrDeserializer<'_, DeError> = entry.key.as_str().into_deserializer();
        seed.deserialize(key)
            .map(Some)
            .map_err(|e| e.at(entry.key_mark))
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        let Some(entry) = self.value.take() else {
            return Err(de::Error::custom("value requested before its key"));
        };
        // An error about this value itself is reported at its key, where the eye looks for
        // the field; one from deeper inside keeps its own position.
        seed.deserialize(NodeDe(&entry.value)).map_err(|e| {
            let mark = if e.path.is_empty() {
                entry.key_mark
            } else {
                e.mark.unwrap_or(entry.key_mark)
            };
            DeError {
                mark: Some(mark),
                ..e
            }
            .within(Seg::Key(entry.key.clone()))
        })
    }
}

// ---------------------------------------------------------------------------------------
// Writing

/// How a document is laid out beyond the fixed rules of [`to_canonical_yaml`].
pub struct Layout<'a> {
    /// Top-level lists whose items are written one per line in flow style when they fit
    /// (`- { from: a, to: b }`), as a list of edges reads best.
    pub flow_item_lists: &'a [&'a str],
}

/// Comments to put back into an emitted document, each by the path of the node it
/// belongs to (see [`notes_of`]): the lines above the node, the comment at the end of
/// its line, and the lines after the last node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notes {
    pub above: Vec<(Vec<Seg>, String)>,
    pub trailing: Vec<(Vec<Seg>, String)>,
    pub footer: Vec<String>,
    /// The text read, by line, and the lines each node was written on (first, last;
    /// 1-based): a node whose value has not changed is written as it was, its
    /// spacing, number forms and comments at the end of its lines kept.
    lines: Vec<String>,
    spans: Vec<(Vec<Seg>, usize, usize)>,
    /// Each list item read, by its path, and what it is (`identity`): an item is found
    /// again by it, wherever the list has moved it.
    items: Vec<(Vec<Seg>, String)>,
}

/// What a list item is, to find it again after the list changed: a named item by its
/// name; an edge by its ends, op, mode and classes; anything else by its place.
fn identity(fields: &[(&str, String)]) -> Option<String> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(name) = get("name") {
        return Some(format!("name={name}"));
    }
    let (from, to) = (get("from")?, get("to")?);
    Some(format!(
        "edge={from}>{to}/{}/{}/{}",
        get("op").unwrap_or(""),
        get("mode").unwrap_or(""),
        get("classes").unwrap_or("")
    ))
}

/// Each item's identity with its occurrence among equal ones (`#1`, `#2`, …).
fn numbered(ids: impl Iterator<Item = Option<String>>) -> Vec<Option<String>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    ids.map(|id| {
        let id = id?;
        let n = seen.entry(id.clone()).or_insert(0);
        *n += 1;
        Some(format!("{id}#{n}"))
    })
    .collect()
}

/// The identities of the items of a list in `value`.
fn identities(items: &[serde_json::Value]) -> Vec<Option<String>> {
    numbered(items.iter().map(|item| {
        let serde_json::Value::Object(m) = item else {
            return None;
        };
        let fields: Vec<(&str, String)> = m
            .iter()
            .map(|(k, v)| (k.as_str(), flow(v).unwrap_or_default()))
            .collect();
        identity(&fields)
    }))
}

impl Notes {
    /// The comments placed at `path` itself, or (`within`) anywhere below it: a node
    /// written on one line carries its children's comments.
    fn at<'a>(
        list: &'a [(Vec<Seg>, String)],
        path: &'a [Seg],
        within: bool,
    ) -> impl Iterator<Item = &'a str> + 'a {
        list.iter()
            .filter(move |(p, _)| {
                if within {
                    p.starts_with(path)
                } else {
                    p == path
                }
            })
            .map(|(_, c)| c.as_str())
    }

    /// The source lines of the node at `path`, if it was read from one span of lines.
    fn source(&self, path: &[Seg]) -> Option<&[String]> {
        let (_, first, last) = self.spans.iter().find(|(p, _, _)| p == path)?;
        self.lines.get(first.checked_sub(1)?..*last)
    }

    /// Each comment whose node is gone (the spec changed since it was read) moves to the
    /// nearest ancestor still there, or to the end: none is lost.
    fn placed_in(mut self, value: &serde_json::Value) -> Notes {
        // Each path read, in the list places the items have now; None when its node is
        // gone (an item found by its identity, anything else by its place).
        let moved = |path: &[Seg]| -> Option<Vec<Seg>> {
            let mut out: Vec<Seg> = Vec::new();
            let mut v = value;
            for (depth, seg) in path.iter().enumerate() {
                let seg = match (seg, v) {
                    (Seg::Index(_), serde_json::Value::Array(now)) => {
                        let read = self.items.iter().find(|(p, _)| p[..] == path[..=depth]);
                        match read {
                            Some((_, id)) => {
                                let j = identities(now)
                                    .iter()
                                    .position(|x| x.as_deref() == Some(id.as_str()))?;
                                Seg::Index(j)
                            }
                            None => seg.clone(),
                        }
                    }
                    _ => seg.clone(),
                };
                v = match (v, &seg) {
                    (serde_json::Value::Object(m), Seg::Key(k)) => m.get(k)?,
                    (serde_json::Value::Array(a), Seg::Index(i)) => a.get(*i)?,
                    _ => return None,
                };
                out.push(seg);
            }
            Some(out)
        };
        // A comment whose node is gone stays with the nearest enclosing node still
        // there (a gone item's with its list), or goes to the end.
        let mut footer = Vec::new();
        for list in [&mut self.above, &mut self.trailing] {
            for (path, comment) in list.iter_mut() {
                let placed = (1..=path.len()).rev().find_map(|cut| moved(&path[..cut]));
                match placed {
                    Some(p) => *path = p,
                    None => {
                        path.clear();
                        footer.push(std::mem::take(comment));
                    }
                }
            }
            list.retain(|(p, _)| !p.is_empty());
        }
        let spans = std::mem::take(&mut self.spans);
        self.spans = spans
            .into_iter()
            .filter_map(|(p, first, last)| moved(&p).map(|p| (p, first, last)))
            .collect();
        footer.append(&mut self.footer);
        self.footer = footer;
        self
    }
}

/// The comments of `text` below its leading comment block, each attached to a node:
/// a run of comment lines to the first node that starts on the next line with content,
/// a comment at the end of a line to the innermost node that starts on that line (or,
/// on a continuation line, before it), and what follows the last node to the end.
/// A text that does not parse has none to attach.
pub fn notes_of(text: &str) -> Notes {
    let Ok(root) = parse(text) else {
        return Notes::default();
    };
    // (line, depth, path) of every entry's key and every item, and the identity of
    // every item of a list of mappings.
    let mut starts: Vec<(usize, usize, Vec<Seg>)> = Vec::new();
    let mut items: Vec<(Vec<Seg>, String)> = Vec::new();
    type Starts = Vec<(usize, usize, Vec<Seg>)>;
    type Items = Vec<(Vec<Seg>, String)>;
    fn walk(node: &Node, path: &mut Vec<Seg>, starts: &mut Starts, items: &mut Items) {
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    path.push(Seg::Key(e.key.clone()));
                    starts.push((e.key_mark.line, path.len(), path.clone()));
                    walk(&e.value, path, starts, items);
                    path.pop();
                }
            }
            Value::Seq(list) => {
                let ids = numbered(list.iter().map(|item| match &item.value {
                    Value::Map(entries) => {
                        let fields: Vec<(&str, String)> = entries
                            .iter()
                            .map(|e| (e.key.as_str(), node_flow(&e.value)))
                            .collect();
                        identity(&fields)
                    }
                    _ => None,
                }));
                for (i, (item, id)) in list.iter().zip(ids).enumerate() {
                    path.push(Seg::Index(i));
                    starts.push((item.mark.line, path.len(), path.clone()));
                    if let Some(id) = id {
                        items.push((path.clone(), id));
                    }
                    walk(item, path, starts, items);
                    path.pop();
                }
            }
            Value::Scalar { .. } => {}
        }
    }
    walk(&root, &mut Vec::new(), &mut starts, &mut items);
    starts.sort_by_key(|(line, depth, _)| (*line, *depth));
    let all: Vec<&str> = lines(text).collect();
    let content = |n: usize| {
        all.get(n - 1).is_some_and(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
    };
    // A node's lines run to the last line with content before the next node at its
    // depth or above.
    let spans: Vec<(Vec<Seg>, usize, usize)> = starts
        .iter()
        .map(|(line, depth, path)| {
            let next = starts
                .iter()
                .filter(|(l, d, _)| *l > *line && *d <= *depth)
                .map(|(l, _, _)| *l)
                .min()
                .unwrap_or(all.len() + 1);
            let mut last = next - 1;
            while last > *line && !content(last) {
                last -= 1;
            }
            (path.clone(), *line, last)
        })
        .collect();
    // The outermost node starting on `line`; the innermost starting on it or before.
    let outer_at = |line: usize| {
        starts
            .iter()
            .filter(|(l, _, _)| *l >= line)
            .min_by_key(|(l, d, _)| (*l, *d))
            .map(|(_, _, p)| p.clone())
    };
    let inner_at = |line: usize| {
        let last = starts
            .iter()
            .filter(|(l, _, _)| *l <= line)
            .map(|(l, _, _)| *l)
            .max()?;
        starts
            .iter()
            .filter(|(l, _, _)| *l == last)
            .max_by_key(|(_, d, _)| *d)
            .map(|(_, _, p)| p.clone())
    };
    let mut notes = Notes {
        lines: all.iter().map(|l| l.to_string()).collect(),
        spans,
        items,
        ..Notes::default()
    };
    let mut pending: Vec<String> = Vec::new();
    let header = leading_comments(text).len();
    for (i, line) in lines(text).enumerate().skip(header) {
        let number = i + 1;
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            pending.push(trimmed.to_string());
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if !pending.is_empty() {
            match outer_at(number) {
                Some(p) => notes
                    .above
                    .extend(pending.drain(..).map(|c| (p.clone(), c))),
                None => notes.footer.append(&mut pending),
            }
        }
        if let Some(at) = comment_at(line) {
            let comment = line[at..].trim_end().to_string();
            match inner_at(number) {
                Some(p) => notes.trailing.push((p, comment)),
                None => notes.footer.push(comment),
            }
        }
    }
    notes.footer.append(&mut pending);
    notes
}

/// Whether a node read back says the value `v` would be written as: the same scalars
/// (numbers by value, `2` and `2.0` alike), lists item by item, mappings key by key
/// (in any order: the order read is kept).
fn same_value(node: &Node, v: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (&node.value, v) {
        (Value::Map(entries), J::Object(m)) => {
            entries.len() == m.len()
                && entries
                    .iter()
                    .all(|e| m.get(&e.key).is_some_and(|c| same_value(&e.value, c)))
        }
        (Value::Seq(items), J::Array(a)) => {
            items.len() == a.len() && items.iter().zip(a).all(|(n, c)| same_value(n, c))
        }
        (Value::Scalar { text, plain }, J::String(s)) => {
            text == s && (!*plain || plain_safe(s) || !looks_typed(text))
        }
        (Value::Scalar { text, plain: true }, J::Number(n)) => text
            .parse::<f64>()
            .ok()
            .zip(n.as_f64())
            .is_some_and(|(a, b)| a == b),
        (Value::Scalar { text, plain: true }, J::Bool(b)) => {
            text == if *b { "true" } else { "false" }
        }
        (Value::Scalar { text, plain: true }, J::Null) => is_null_text(text),
        _ => false,
    }
}

/// A node as the one-line flow form its value would be emitted in (for identities:
/// `flow` of the value it reads as, texts and lists alike).
fn node_flow(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, .. } => scalar(&serde_json::Value::String(text.clone())),
        Value::Seq(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|n| node_flow(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|e| format!("{}: {}", e.key, node_flow(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Whether plain text would read as something other than text (a number, a boolean,
/// null).
fn looks_typed(text: &str) -> bool {
    is_null_text(text) || matches!(text, "true" | "false") || text.parse::<f64>().is_ok()
}

/// The comment lines at the very top of a text (a file's header, e.g. the schema hint).
pub fn leading_comments(text: &str) -> Vec<&str> {
    lines(text)
        .take_while(|l| l.trim_start().starts_with('#'))
        .collect()
}

/// Where a line's comment starts: a `#` at the start or after a space, outside quotes.
pub fn comment_at(line: &str) -> Option<usize> {
    let (mut single, mut double, mut prev) = (false, false, ' ');
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && (prev == ' ' || prev == '\t') => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

/// Emits `value` as canonical YAML, after `header` comment lines (written as given),
/// with `notes` put back where their nodes are written.
///
/// Layout: block style for mappings, except small nested ones (at most three scalar
/// fields, like `{ min: 2, max: 8 }`) which go inline when they fit; lists of scalars in
/// flow style, wrapped at the page width; top-level sections and the items of top-level
/// lists of mappings separated by blank lines, except items written in flow style.
/// A comment stands above its node's line at the node's indentation, or at the end of
/// the line that writes the node (a node written inline carries its children's).
pub fn to_canonical_yaml<T: Serialize>(
    value: &T,
    header: &[&str],
    layout: &Layout,
    notes: &Notes,
) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    let notes = notes.clone().placed_in(&value);
    let mut w = Writer {
        out: String::new(),
        notes: &notes,
        path: Vec::new(),
    };
    for line in header {
        w.out.push_str(line);
        w.out.push('\n');
    }
    match &value {
        serde_json::Value::Object(map) => {
            for (i, (key, v)) in w.ordered(map).into_iter().enumerate() {
                if i > 0 && !is_scalar(v) {
                    w.out.push('\n');
                }
                let flow_items = layout.flow_item_lists.contains(&key.as_str());
                w.entry(0, key, v, flow_items, false);
            }
        }
        other => {
            w.out.push_str(&scalar(other));
            w.out.push('\n');
        }
    }
    for line in &notes.footer {
        w.out.push_str(line);
        w.out.push('\n');
    }
    Ok(w.out)
}

const WIDTH: usize = 100;
/// Nested mappings with at most this many scalar fields may be written inline.
const INLINE_MAP_FIELDS: usize = 3;

/// The emitter: the text so far, the comments to place, the path of the node at hand.
struct Writer<'a> {
    out: String,
    notes: &'a Notes,
    path: Vec<Seg>,
}

impl Writer<'_> {
    /// The node at hand's source lines, when they still say `v` in the same place:
    /// written with `lead` (its indentation, or the item's dash), as one node.
    fn unchanged(&self, lead: &str, v: &serde_json::Value, item: bool) -> Option<Vec<String>> {
        let lines = self.notes.source(&self.path)?;
        let first = lines.first()?;
        let rest = first.strip_prefix(lead)?;
        if rest.starts_with(' ') {
            return None;
        }
        // Read back, dedented (an item's first entry without its dash).
        let width = lead.len();
        let mut snippet = String::new();
        for (i, l) in lines.iter().enumerate() {
            let body = if i == 0 {
                rest
            } else {
                l.get(width.min(l.len())..)?
            };
            if i > 0 && !l.get(..width.min(l.len()))?.trim().is_empty() {
                return None;
            }
            snippet.push_str(body);
            snippet.push('\n');
        }
        let node = parse(&snippet).ok()?;
        let read = match (&node.value, item, self.path.last()) {
            // An item is read without its dash: the value itself.
            (_, true, _) => &*node,
            (Value::Map(entries), false, Some(Seg::Key(key)))
                if entries.len() == 1 && entries[0].key == *key =>
            {
                &*entries[0].value
            }
            _ => return None,
        };
        same_value(read, v).then(|| lines.iter().map(|l| l.trim_end().to_string()).collect())
    }

    /// The keys of the mapping at hand in the order they were read, then the others
    /// in `m`'s (canonical) order.
    fn ordered<'v>(
        &self,
        m: &'v serde_json::Map<String, serde_json::Value>,
    ) -> Vec<(&'v String, &'v serde_json::Value)> {
        let depth = self.path.len();
        let line_of = |k: &str| {
            self.notes.spans.iter().find_map(|(p, line, _)| {
                (p.len() == depth + 1
                    && p.starts_with(&self.path)
                    && p[depth] == Seg::Key(k.to_string()))
                .then_some(*line)
            })
        };
        let mut entries: Vec<(usize, Option<usize>, (&String, &serde_json::Value))> = m
            .iter()
            .enumerate()
            .map(|(i, kv)| (i, line_of(kv.0), kv))
            .collect();
        entries.sort_by_key(|(i, line, _)| (line.is_none(), line.unwrap_or(0), *i));
        entries.into_iter().map(|(_, _, kv)| kv).collect()
    }

    /// Writes the source lines and drops nothing: their comments are in them.
    fn verbatim(&mut self, lines: &[String]) {
        for l in lines {
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    /// The block header `key:` as it was read (spacing before its comment kept).
    fn unchanged_header(&self, header: &str) -> Option<String> {
        let first = self.notes.source(&self.path)?.first()?;
        let code = match comment_at(first) {
            Some(at) => &first[..at],
            None => first,
        };
        (code.trim_end() == header).then(|| first.trim_end().to_string())
    }
    /// The comments above the node at hand (`within`: and below it), at `pad`.
    fn above(&mut self, pad: &str, within: bool) {
        for c in Notes::at(&self.notes.above, &self.path, within) {
            self.out.push_str(pad);
            self.out.push_str(c);
            self.out.push('\n');
        }
    }

    /// `text` (one or more lines, no final line break) with the node's trailing
    /// comments at the end of its last line.
    fn line(&mut self, text: &str, within: bool) {
        self.out.push_str(text);
        let trailing: Vec<&str> = Notes::at(&self.notes.trailing, &self.path, within).collect();
        if !trailing.is_empty() {
            // At the column the comment stood at, when the new text leaves room.
            let column = self
                .notes
                .source(&self.path)
                .and_then(|lines| lines.last())
                .and_then(|l| comment_at(l).map(|at| l[..at].chars().count()));
            let width = text.rsplit('\n').next().unwrap_or(text).chars().count();
            let gap = column.filter(|&c| c >= width + 2).map_or(2, |c| c - width);
            self.out.push_str(&" ".repeat(gap));
            self.out.push_str(&trailing.join(" "));
        }
        self.out.push('\n');
    }

    /// One mapping entry; `no_above`: it is an item's first, which shares the dash's
    /// line, and its comments above went before the dash.
    fn entry(
        &mut self,
        indent: usize,
        key: &str,
        v: &serde_json::Value,
        flow_items: bool,
        no_above: bool,
    ) {
        use serde_json::Value as J;
        self.path.push(Seg::Key(key.to_string()));
        let pad = " ".repeat(indent);
        // As it was read, when it says the same (the first of an item with its dash).
        let lead = if no_above && indent >= 2 {
            format!("{}- ", " ".repeat(indent - 2))
        } else {
            pad.clone()
        };
        if let Some(lines) = self.unchanged(&lead, v, false) {
            // Unchanged since it was read: as it was, comments inside it included.
            if !no_above {
                self.above(&pad, false);
            }
            self.verbatim(&lines);
            self.path.pop();
            return;
        }
        let key = scalar(&J::String(key.to_string()));
        let prefix = format!("{pad}{key}: ");
        let one_line = match v {
            J::Array(items) if items.iter().all(is_scalar) => Some(format!(
                "{prefix}{}",
                wrapped_flow_list(items, prefix.len())
            )),
            J::Object(m) if m.is_empty() => Some(format!("{prefix}{{}}")),
            J::Object(m) => inline_map(m)
                .filter(|f| indent > 0 && prefix.len() + f.len() <= WIDTH)
                .map(|flow| format!("{prefix}{flow}")),
            J::Array(_) => None,
            scalar_value => Some(format!("{prefix}{}", scalar(scalar_value))),
        };
        match (one_line, v) {
            (Some(text), _) => {
                if !no_above {
                    self.above(&pad, true);
                }
                self.line(&text, true);
            }
            (None, J::Array(_) | J::Object(_)) => {
                if !no_above {
                    self.above(&pad, false);
                }
                let header = format!("{pad}{key}:");
                match self.unchanged_header(&header) {
                    Some(line) => {
                        // The line as read, and a comment moved here from a child
                        // that is gone (the line's own is in it already).
                        let own = comment_at(&line).map(|at| line[at..].to_string());
                        let moved: Vec<&str> = Notes::at(&self.notes.trailing, &self.path, false)
                            .filter(|c| own.as_deref() != Some(*c))
                            .collect();
                        let joined = if moved.is_empty() {
                            line
                        } else {
                            format!("{line}  {}", moved.join(" "))
                        };
                        self.verbatim(&[joined]);
                    }
                    None => self.line(&header, false),
                }
                match v {
                    J::Array(items) => self.items(indent + 2, items, flow_items, indent == 0),
                    J::Object(m) => {
                        for (k, child) in self.ordered(m) {
                            self.entry(indent + 2, k, child, false, false);
                        }
                    }
                    _ => {}
                }
            }
            (None, _) => {}
        }
        self.path.pop();
    }

    fn items(
        &mut self,
        indent: usize,
        items: &[serde_json::Value],
        flow_items: bool,
        top_level: bool,
    ) {
        use serde_json::Value as J;
        let pad = " ".repeat(indent);
        for (i, item) in items.iter().enumerate() {
            self.path.push(Seg::Index(i));
            let block = matches!(item, J::Object(m) if !m.is_empty() && !flow_items);
            if let Some(lines) = self.unchanged(&format!("{pad}- "), item, true) {
                // Unchanged since it was read: as it was, comments inside it included.
                if block && i > 0 && top_level {
                    self.out.push('\n');
                }
                self.above(&pad, false);
                self.verbatim(&lines);
                self.path.pop();
                continue;
            }
            match item {
                J::Object(m) if flow_items && !m.is_empty() => {
                    // `- { from: a, to: b, ... }`, wrapped under its opening brace when long.
                    let parts: Vec<String> = m
                        .iter()
                        .map(|(k, c)| {
                            format!(
                                "{}: {}",
                                scalar(&J::String(k.clone())),
                                flow(c).unwrap_or_default()
                            )
                        })
                        .collect();
                    self.above(&pad, true);
                    self.line(
                        &format!("{pad}- {}", wrapped(&parts, "{ ", " }", indent + 2)),
                        true,
                    );
                }
                J::Object(m) if !m.is_empty() => {
                    if i > 0 && top_level {
                        self.out.push('\n');
                    }
                    // `- key: value`: the first entry shares the dash's line, so its
                    // comments above go above the dash, with the item's.
                    self.above(&pad, false);
                    if let Some((first, _)) = self.ordered(m).first() {
                        self.path.push(Seg::Key((*first).clone()));
                        self.above(&pad, false);
                        self.path.pop();
                    }
                    let start = self.out.len();
                    for (n, (k, child)) in self.ordered(m).into_iter().enumerate() {
                        self.entry(indent + 2, k, child, false, n == 0);
                    }
                    // The dash in place of the first entry's indentation (a first entry
                    // written as it was read has its dash already: the same text).
                    self.out
                        .replace_range(start..start + indent + 2, &format!("{pad}- "));
                }
                item => {
                    self.above(&pad, true);
                    self.line(
                        &format!("{pad}- {}", flow(item).unwrap_or_else(|| scalar(item))),
                        true,
                    );
                }
            }
            self.path.pop();
        }
    }
}

/// A small mapping of scalars inline: `{ min: 2, max: 8 }`.
fn inline_map(m: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    (m.len() <= INLINE_MAP_FIELDS && m.values().all(is_scalar))
        .then(|| flow(&serde_json::Value::Object(m.clone())))
        .flatten()
}

/// The one-line flow form of any value.
fn flow(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    match v {
        J::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(flow).collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        J::Object(m) if m.is_empty() => Some("{}".into()),
        J::Object(m) => {
            let parts: Option<Vec<String>> = m
                .iter()
                .map(|(k, c)| Some(format!("{}: {}", scalar(&J::String(k.clone())), flow(c)?)))
                .collect();
            Some(format!("{{ {} }}", parts?.join(", ")))
        }
        scalar_value => Some(scalar(scalar_value)),
    }
}

fn is_scalar(v: &serde_json::Value) -> bool {
    !matches!(
        v,
        serde_json::Value::Object(_) | serde_json::Value::Array(_)
    )
}

/// A long list of scalars, in flow style wrapped at the page width.
fn wrapped_flow_list(items: &[serde_json::Value], column: usize) -> String {
    let parts: Vec<String> = items.iter().map(scalar).collect();
    wrapped(&parts, "[", "]", column)
}

/// `open part, part, ... close`, starting at `column`, wrapped at the page width with
/// continuation lines aligned after `open`.
fn wrapped(parts: &[String], open: &str, close: &str, column: usize) -> String {
    let mut out = String::from(open);
    let indent = column + open.len();
    let mut line_len = indent;
    for (i, part) in parts.iter().enumerate() {
        let sep = if i + 1 < parts.len() { "," } else { close };
        if i > 0 {
            if line_len + 1 + part.chars().count() + sep.len() > WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line_len = indent;
            } else {
                out.push(' ');
                line_len += 1;
            }
        }
        out.push_str(part);
        out.push_str(sep);
        line_len += part.chars().count() + sep.len();
    }
    if parts.is_empty() {
        out.push_str(close.trim());
    }
    out
}

/// A scalar as YAML: numbers shortest-exact, text plain where that reads back as the same
/// text, double-quoted (JSON escapes, valid YAML) otherwise.
fn scalar(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            // Whole numbers without a trailing ".0"; `{}` on f64 is the shortest text that
            // parses back to the same bits.
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            (_, _, Some(f)) => format!("{f}"),
            _ => n.to_string(),
        },
        J::String(s) if plain_safe(s) => s.clone(),
        J::String(s) => serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
        other => other.to_string(),
    }
}

/// Whether `s` can be written unquoted and still read back as the same text.
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let first_ok = first.is_alphanumeric()
        || first == '_'
        || first == '/'
        || (!first.is_ascii() && !first.is_whitespace());
    let body_ok = s.chars().all(|c| {
        c.is_alphanumeric()
            || " -_./()'".contains(c)
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
    });
    let resolves_to_text = !is_null_text(s)
        && !matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        && parse_number(s).is_none()
        && s.parse::<i64>().is_err();
    first_ok && body_ok && resolves_to_text && !s.ends_with(' ') && !s.contains("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_lf_crlf_and_a_bare_cr_alike() {
        for text in [
            "# a\nb: 1\n\nc: 2\n",
            "# a\r\nb: 1\r\n\r\nc: 2\r\n",
            "# a\rb: 1\r\rc: 2\r",
            "# a\nb: 1\r\n\rc: 2",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                ["# a", "b: 1", "", "c: 2"],
                "{text:?}"
            );
        }
        assert_eq!(lines("").count(), 0);
    }

    #[test]
    fn minus_zero_reads_as_zero_as_the_canonical_form_writes_it() {
        let doc = parse("-0").unwrap();
        let v: f64 = from_node(&doc).unwrap();
        assert_eq!(v.to_bits(), 0.0f64.to_bits());
        let doc = parse("-0.5").unwrap();
        assert_eq!(from_node::<f64>(&doc).unwrap(), -0.5);
    }

    #[test]
    fn positions_are_one_based() {
        let doc = parse("a: 1\nb:\n  c: x\n").unwrap();
        assert_eq!(
            doc.locate(&[Seg::Key("b".into()), Seg::Key("c".into())]),
            Mark { line: 3, column: 3 }
        );
        assert_eq!(
            doc.locate(&[Seg::Key("a".into())]),
            Mark { line: 1, column: 1 }
        );
    }

    #[test]
    fn an_error_at_the_end_of_a_text_without_a_final_line_break_is_on_its_last_line() {
        // "components: [" is 13 characters: the error sits just after them, on line 3,
        // where the scanner said line 4 (a line the file does not have).
        for text in [
            "version: 1\nname: x\ncomponents: [",
            "version: 1\r\nname: x\r\ncomponents: [",
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(
                e.mark,
                Mark {
                    line: 3,
                    column: 14
                },
                "{text:?}: {}",
                e.message
            );
        }
        // With the line break, line 4 exists (empty) and the mark stays.
        let e = parse("version: 1\nname: x\ncomponents: [\n").unwrap_err();
        assert_eq!(e.mark.line, 4);
    }

    #[test]
    fn alias_bomb_is_refused_not_expanded() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = parse(&doc).unwrap_err();
        assert!(e.message.contains("expands to more than"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&doc).unwrap_err();
        assert!(e.message.contains("deeper than 64"), "{}", e.message);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let e = parse("version: 1\nname: x # it's [fine]\ndescription: \"[\"\nkind: [service\n")
            .unwrap_err();
        assert_eq!(e.mark, Mark { line: 4, column: 7 }, "{}", e.message);
        assert!(
            e.message.contains("this `[` is never closed"),
            "{}",
            e.message
        );
    }

    #[test]
    fn plain_scalars_that_would_change_type_are_quoted() {
        for s in [
            "true", "null", "1.5", "12", "", " lead", "a: b", "x #y", "-x", "[a]", ".inf", "a,b",
        ] {
            let out = scalar(&serde_json::Value::String(s.into()));
            let doc = parse(&format!("k: {out}\n")).unwrap();
            let back: std::collections::BTreeMap<String, String> = from_node(&doc).unwrap();
            assert_eq!(back["k"], s, "{out}");
        }
        assert_eq!(
            scalar(&serde_json::Value::String("orders-db".into())),
            "orders-db"
        );
    }
}
