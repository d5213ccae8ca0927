//! One client stub per dependency, each with its edge's timeout and retry policy from
//! the spec. HTTP dependencies get a GET of the same class path (so the next service
//! counts the class too) with the trace context; stores, caches and queues get a TCP
//! connect to their address: replace it with the real driver call, and keep the policy.
{%- for c in v.connections %}
//! - {{ c.target|line }} ({{ c.uses|line }}): {{ c.var|line }}, timeout {{ c.timeout_ms|line }} ms ({{ c.timeout_from|line }}), {{ c.retries|line }} retries ({{ c.retries_from|line }}).
{%- endfor %}

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::config::{Config, Dependency};
use crate::trace::{json_object, json_string, Context};

#[allow(dead_code)]
#[derive(Clone, Copy)]
enum Protocol {
    Http,
    Tcp,
}

#[allow(dead_code)]
pub struct Client {
    name: &'static str,
    protocol: Protocol,
    address: String,
    timeout: Duration,
    retries: u32,
}

/// What one call came to, after its retries.
pub struct Outcome {
    pub dependency: &'static str,
    pub ok: bool,
    pub attempts: u32,
    pub elapsed: Duration,
    pub error: Option<String>,
}

impl Outcome {
    #[allow(dead_code)]
    pub fn to_json(&self) -> String {
        json_object(&[
            ("dependency", json_string(self.dependency)),
            ("ok", self.ok.to_string()),
            ("attempts", self.attempts.to_string()),
            ("ms", format!("{:.3}", self.elapsed.as_secs_f64() * 1000.0)),
            (
                "error",
                self.error.as_deref().map_or("null".to_string(), json_string),
            ),
        ])
    }
}

#[allow(dead_code)]
impl Client {
    fn new(name: &'static str, protocol: Protocol, d: &Dependency) -> Self {
        Client {
            name,
            protocol,
            address: d.address.clone(),
            timeout: d.timeout,
            retries: d.retries,
        }
    }

    /// One call with the edge's policy: each attempt within the timeout, up to
    /// 1 + retries attempts, a short backoff between them.
    pub async fn call(&self, path: &str, ctx: &Context) -> Outcome {
        let started = Instant::now();
        let mut error = None;
        let mut attempts = 0;
        while attempts <= self.retries {
            if attempts > 0 {
                tokio::time::sleep(Duration::from_millis(10 << attempts.min(6))).await;
            }
            attempts += 1;
            let attempt = async {
                match self.protocol {
                    Protocol::Http => {
                        let url = format!("{}{}", self.address.trim_end_matches('/'), path);
                        match http_get(&url, &ctx.traceparent(), self.timeout).await {
                            Ok(status) if status < 500 => Ok(()),
                            Ok(status) => Err(format!("HTTP {status}")),
                            Err(e) => Err(e),
                        }
                    }
                    // TODO: the driver's call in place of a connect.
                    Protocol::Tcp => TcpStream::connect(self.address.as_str())
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string()),
                }
            };
            match tokio::time::timeout(self.timeout, attempt).await {
                Ok(Ok(())) => {
                    return Outcome {
                        dependency: self.name,
                        ok: true,
                        attempts,
                        elapsed: started.elapsed(),
                        error: None,
                    }
                }
                Ok(Err(e)) => error = Some(e),
                Err(_) => error = Some(format!("timed out after {} ms", self.timeout.as_millis())),
            }
        }
        tracing::warn!(dependency = self.name, attempts, error = error.as_deref().unwrap_or(""), "call failed");
        Outcome {
            dependency: self.name,
            ok: false,
            attempts,
            elapsed: started.elapsed(),
            error,
        }
    }
}

pub struct Deps {
{%- for c in v.connections %}
    pub {{ c.field }}: Client,
{%- endfor %}
}

impl Deps {
    #[allow(unused_variables)]
    pub fn new(config: &Config) -> Self {
        Deps {
{%- for c in v.connections %}
            {{ c.field }}: Client::new({{ c.target|rust }}, Protocol::{{ c.protocol }}, &config.{{ c.field }}),
{%- endfor %}
        }
    }
}
{% if !v.consumes.is_empty() %}
/// Consumes from {% for c in v.consumes %}{% if !loop.first %}, {% endif %}{{ v.connections[*c].target|line }}{% endfor %} until shutdown begins.
pub async fn consume(
    app: std::sync::Arc<crate::App>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = stopping.wait_for(|s| *s) => break,
            _ = tick.tick() => {
                // TODO: receive a message with the queue's client and handle it here.
{%- for c in v.consumes %}
                let _ = &app.deps.{{ v.connections[*c].field }};
{%- endfor %}
            }
        }
    }
    tracing::info!("consumer stopped");
}
{% endif %}
/// A GET over HTTP/1.1 (plain http only), answering the status code.
pub async fn http_get(url: &str, traceparent: &str, timeout: Duration) -> Result<u16, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// is supported by this stub"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let request = async {
        let mut stream = TcpStream::connect(host).await.map_err(|e| e.to_string())?;
        let mut head = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        if !traceparent.is_empty() {
            head.push_str(&format!("traceparent: {traceparent}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&buf);
        text.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| "not an HTTP response".to_string())
    };
    tokio::time::timeout(timeout, request)
        .await
        .map_err(|_| format!("timed out after {} ms", timeout.as_millis()))?
}
