//! Configuration from environment variables. The defaults are the scaffold's: the
//! addresses of this {{ v.kind|line }}'s dependencies as docker-compose and Kubernetes name
//! them (from the spec's edges), and each edge's timeout and retries.

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;
use std::time::Duration;

pub struct Dependency {
    pub address: String,
    /// Read replicas' addresses (comma-separated in the environment), if any.
    #[allow(dead_code)]
    pub replicas: Vec<String>,
    pub timeout: Duration,
    pub retries: u32,
}

pub struct Config {
    pub service: String,
    pub bind_address: IpAddr,
    pub port: u16,
    pub log_level: String,
    /// How long to keep serving, not ready, after SIGTERM (for endpoints to update).
    pub shutdown_delay: Duration,
    /// The most time requests in flight get to finish after that.
    pub shutdown_grace: Duration,
{%- for c in v.connections %}
    /// {{ c.target|line }}: {{ c.uses|line }}.
    pub {{ c.field }}: Dependency,
{%- endfor %}
}

fn var(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_string())
}

fn parse<T: FromStr>(key: &str, default: T) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(key) {
        Ok(v) => v.trim().parse().map_err(|e| format!("{key}={v:?}: {e}")),
        Err(_) => Ok(default),
    }
}

#[allow(dead_code)]
fn dependency(prefix: &str, var_name: &str, address: &str, timeout_ms: u64, retries: u32) -> Result<Dependency, String> {
    Ok(Dependency {
        address: var(var_name, address),
        replicas: std::env::var(format!("{prefix}_REPLICA_ADDRS"))
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        timeout: Duration::from_millis(parse(&format!("{prefix}_TIMEOUT_MS"), timeout_ms)?),
        retries: parse(&format!("{prefix}_RETRIES"), retries)?,
    })
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        Ok(Config {
            service: var("SERVICE_NAME", {{ v.name|rust }}),
            bind_address: parse("BIND_ADDRESS", IpAddr::V4(Ipv4Addr::UNSPECIFIED))?,
            port: parse("PORT", {{ v.port }})?,
            log_level: var("LOG_LEVEL", "info"),
            shutdown_delay: Duration::from_millis(parse("SHUTDOWN_DELAY_MS", 0)?),
            shutdown_grace: Duration::from_millis(parse("SHUTDOWN_GRACE_MS", 20_000)?),
{%- for c in v.connections %}
            {{ c.field }}: dependency({{ c.env|rust }}, {{ c.var|rust }}, {{ c.address|rust }}, {{ c.timeout_ms }}, {{ c.retries }})?,
{%- endfor %}
        })
    }
}
