//! The infrastructure a spec names, as containers for docker-compose: which image runs
//! a store, cache or queue, on which port, with which health check. The product comes
//! from the component's `engine`; an engine with no local image here (a managed
//! service such as SQS, say) gets the usual one for its kind, and the scaffold's README
//! says so.

use crate::spec::{Component, ComponentKind};

/// A product the scaffold can run locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Mysql,
    Redis,
    Memcached,
    Kafka,
    Rabbitmq,
    Opensearch,
}

/// Images pinned to a release (pin by digest too for reproducible builds: the README
/// says how).
impl Engine {
    pub fn image(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres:16.4-bookworm",
            Engine::Mysql => "mysql:8.4.2",
            Engine::Redis => "redis:7.4.1-alpine",
            Engine::Memcached => "memcached:1.6.31-alpine",
            Engine::Kafka => "apache/kafka:3.8.0",
            Engine::Rabbitmq => "rabbitmq:3.13.7-alpine",
            Engine::Opensearch => "opensearchproject/opensearch:2.17.1",
        }
    }

    pub fn port(self) -> u16 {
        match self {
            Engine::Postgres => 5432,
            Engine::Mysql => 3306,
            Engine::Redis => 6379,
            Engine::Memcached => 11211,
            Engine::Kafka => 9092,
            Engine::Rabbitmq => 5672,
            Engine::Opensearch => 9200,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Redis => "Redis",
            Engine::Memcached => "Memcached",
            Engine::Kafka => "Kafka",
            Engine::Rabbitmq => "RabbitMQ",
            Engine::Opensearch => "OpenSearch",
        }
    }

    /// The compose health check, as the words of a `CMD-SHELL` (fixed text: no spec
    /// value goes into it).
    pub fn healthcheck(self) -> &'static str {
        match self {
            Engine::Postgres => "pg_isready -U postgres -h 127.0.0.1",
            Engine::Mysql => "mysqladmin ping -h 127.0.0.1 --silent",
            Engine::Redis => "redis-cli ping | grep -q PONG",
            Engine::Memcached => "echo stats | nc 127.0.0.1 11211 | grep -q uptime",
            Engine::Kafka => {
                "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server 127.0.0.1:9092 >/dev/null"
            }
            Engine::Rabbitmq => "rabbitmq-diagnostics -q ping",
            Engine::Opensearch => "curl -fsS http://127.0.0.1:9200/_cluster/health >/dev/null",
        }
    }

    /// Whether the scaffold starts read replicas of it (streaming replication for
    /// PostgreSQL, `--replicaof` for Redis); other engines run their primary only.
    pub fn runs_replicas(self) -> bool {
        matches!(self, Engine::Postgres | Engine::Redis)
    }
}

/// The engine a component runs locally, and a note when it is a stand-in for what the
/// spec names. `None` for kinds that are not infrastructure containers.
pub fn engine_of(c: &Component) -> Option<(Engine, Option<String>)> {
    let named = c.engine.as_deref().map(|e| e.trim().to_ascii_lowercase());
    let fallback = match c.kind {
        ComponentKind::Database => Engine::Postgres,
        ComponentKind::Cache => Engine::Redis,
        ComponentKind::Queue => Engine::Kafka,
        _ => return None,
    };
    let known = match named.as_deref() {
        Some("postgres" | "postgresql" | "aurora-postgres") => Some(Engine::Postgres),
        Some("mysql" | "mariadb" | "aurora-mysql") => Some(Engine::Mysql),
        Some("redis" | "valkey" | "keydb") => Some(Engine::Redis),
        Some("memcached") => Some(Engine::Memcached),
        Some("kafka" | "redpanda") => Some(Engine::Kafka),
        Some("rabbitmq" | "amqp") => Some(Engine::Rabbitmq),
        Some("opensearch" | "elasticsearch") => Some(Engine::Opensearch),
        _ => None,
    };
    match (known, c.engine.as_deref()) {
        (Some(e), _) => Some((e, None)),
        (None, None) => Some((
            fallback,
            Some(format!(
                "no engine given for this {}: {} runs it locally",
                c.kind,
                fallback.name()
            )),
        )),
        (None, Some(other)) => Some((
            fallback,
            Some(format!(
                "engine {other:?} has no local image here: {} stands in for it",
                fallback.name()
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_by_name_and_by_kind() {
        let mut c = Component::new("db", ComponentKind::Database);
        c.engine = Some("PostgreSQL".into());
        assert_eq!(engine_of(&c), Some((Engine::Postgres, None)));
        c.engine = None;
        assert_eq!(engine_of(&c).map(|e| e.0), Some(Engine::Postgres));
        let mut q = Component::new("jobs", ComponentKind::Queue);
        q.engine = Some("sqs".into());
        let (e, note) = engine_of(&q).unwrap();
        assert_eq!(e, Engine::Kafka);
        assert!(note.unwrap().contains("\"sqs\""));
        assert_eq!(
            engine_of(&Component::new("x", ComponentKind::Service)),
            None
        );
    }
}
