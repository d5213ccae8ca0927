//! Logs and trace context. Every log line is JSON with the request's W3C trace id; the
//! `traceparent` header is read from requests and sent on to dependencies, so traces
//! join up across services. To export spans, add `tracing-opentelemetry` and
//! `opentelemetry-otlp` and a layer in `init_logs` (OTEL_EXPORTER_OTLP_ENDPOINT).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderMap;

pub fn init_logs(level: &str) {
    let level = match level.to_ascii_lowercase().as_str() {
        "trace" => tracing::Level::TRACE,
        "debug" => tracing::Level::DEBUG,
        "warn" => tracing::Level::WARN,
        "error" => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    tracing_subscriber::fmt()
        .json()
        .with_max_level(level)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .init();
}

/// A request's place in a trace: its trace id and the id of its own span.
#[derive(Clone)]
pub struct Context {
    pub trace_id: String,
    pub span_id: String,
}

fn random_hex(bytes: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(bytes * 2);
    out
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit()) && s.bytes().any(|b| b != b'0')
}

impl Context {
    /// Joins the caller's trace (a valid `traceparent`) or starts one.
    pub fn from_headers(headers: &HeaderMap) -> Context {
        let parent = headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let parts: Vec<&str> = v.trim().split('-').collect();
                (parts.len() == 4 && is_hex(parts[1], 32) && is_hex(parts[2], 16))
                    .then(|| parts[1].to_ascii_lowercase())
            });
        Context {
            trace_id: parent.unwrap_or_else(|| random_hex(16)),
            span_id: random_hex(8),
        }
    }

    /// The header for a call made from this span.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-01", self.trace_id, self.span_id)
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object from keys and values that are JSON already.
pub fn json_object(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", json_string(k)))
        .collect();
    format!("{}{}{}", '{', body.join(","), '}')
}
