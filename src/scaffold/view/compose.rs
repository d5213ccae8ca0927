//! docker-compose.yml: a [`ComposeService`] for each component the scaffold runs
//! locally (generated code, the spec's images, the gateway, the infrastructure and its
//! read replicas) and Prometheus when the practices ask for it; and the host ports that
//! the load test and a person reach them on.

use super::{env_of, image_of, EnvVar, NGINX_IMAGE};
use crate::scaffold::escape;
use crate::scaffold::infra::Engine;
use crate::scaffold::layout::{Deploy, Language, Layout};
use crate::spec::Spec;

pub const PROMETHEUS_IMAGE: &str = "prom/prometheus:v2.54.1";

#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// `CMD` or `CMD-SHELL` words, already JSON-escaped for the flow list.
    pub test: Vec<String>,
}

/// One docker-compose service.
#[derive(Debug, Clone)]
pub struct ComposeService {
    pub name: String,
    pub comment: String,
    pub image: Option<String>,
    pub build: Option<String>,
    pub command: Vec<String>,
    pub user: Option<String>,
    pub environment: Vec<EnvVar>,
    pub ports: Vec<String>,
    pub volumes: Vec<String>,
    pub healthcheck: Option<Healthcheck>,
    pub depends_on: Vec<(String, &'static str)>,
}

fn cmd(words: &[&str]) -> Healthcheck {
    Healthcheck {
        test: std::iter::once("CMD")
            .chain(words.iter().copied())
            .map(escape::json_str)
            .collect(),
    }
}

fn shell(script: &str) -> Healthcheck {
    Healthcheck {
        test: vec![escape::json_str("CMD-SHELL"), escape::json_str(script)],
    }
}

pub(super) fn compose_services(
    spec: &Spec,
    layout: &Layout,
    host_ports: &[Option<u16>],
    monitoring: bool,
) -> Vec<ComposeService> {
    let healthy = |name: &str| -> &'static str {
        match layout
            .units
            .iter()
            .find(|u| u.name == name)
            .map(|u| &u.deploy)
        {
            Some(Deploy::Image(_)) => "service_started",
            _ => "service_healthy",
        }
    };
    let mut out = Vec::new();
    for (i, unit) in layout.units.iter().enumerate() {
        let c = &spec.components[i];
        let depends_on: Vec<(String, &'static str)> = unit
            .depends_on
            .iter()
            .map(|d| (d.clone(), healthy(d)))
            .collect();
        // Published on the loopback only: a scaffold run on a laptop is not a server.
        let ports: Vec<String> = host_ports[i]
            .map(|h| vec![format!("127.0.0.1:{h}:{}", unit.port)])
            .unwrap_or_default();
        match &unit.deploy {
            Deploy::Outside => {}
            Deploy::Code { runtime, .. } => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!(
                    "{} {}: generated {} skeleton (services/{})",
                    c.kind,
                    unit.name,
                    match runtime {
                        Language::Rust => "Rust",
                        Language::Node => "Node",
                    },
                    unit.name
                ),
                image: Some(image_of(spec, unit)),
                build: Some(format!("./services/{}", unit.name)),
                command: Vec::new(),
                user: None,
                environment: env_of(unit, false),
                ports,
                volumes: Vec::new(),
                // The image's own HEALTHCHECK (the binary asks itself for /healthz).
                healthcheck: None,
                depends_on,
            }),
            Deploy::Image(image) => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!("{} {}: the spec's image", c.kind, unit.name),
                image: Some(image.clone()),
                build: None,
                command: Vec::new(),
                user: None,
                environment: env_of(unit, false),
                ports,
                volumes: Vec::new(),
                healthcheck: None,
                depends_on,
            }),
            Deploy::Gateway => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!(
                    "load balancer {}: nginx{}",
                    unit.name,
                    c.engine
                        .as_deref()
                        .filter(|e| !e.eq_ignore_ascii_case("nginx"))
                        .map(|e| format!(" standing in for {e}"))
                        .unwrap_or_default()
                ),
                image: Some(NGINX_IMAGE.to_string()),
                build: None,
                command: Vec::new(),
                user: None,
                environment: Vec::new(),
                ports,
                volumes: vec![format!(
                    "./gateway/{}/nginx.conf:/etc/nginx/conf.d/default.conf:ro",
                    unit.name
                )],
                healthcheck: Some(cmd(&["wget", "-qO-", "http://127.0.0.1:8080/healthz"])),
                depends_on,
            }),
            Deploy::Infra { engine, note } => {
                let mut environment = Vec::new();
                let mut volumes = Vec::new();
                let replicas = crate::scaffold::layout::replica_names(spec, i, &unit.deploy);
                match engine {
                    Engine::Postgres => {
                        environment.push(EnvVar {
                            name: "POSTGRES_PASSWORD".into(),
                            value: "${POSTGRES_PASSWORD:-headroom}".into(),
                        });
                        if !replicas.is_empty() {
                            environment.push(EnvVar {
                                name: "REPLICATION_PASSWORD".into(),
                                value: "${REPLICATION_PASSWORD:-replicator}".into(),
                            });
                            volumes.push("./infra/postgres/init-replication.sh:/docker-entrypoint-initdb.d/10-replication.sh:ro".to_string());
                        }
                    }
                    Engine::Mysql => environment.push(EnvVar {
                        name: "MYSQL_ROOT_PASSWORD".into(),
                        value: "${MYSQL_ROOT_PASSWORD:-headroom}".into(),
                    }),
                    Engine::Kafka => {
                        let partitions = c.partitions.unwrap_or(crate::spec::defaults::PARTITIONS);
                        for (k, v) in [
                            ("KAFKA_NODE_ID", "1".to_string()),
                            ("KAFKA_PROCESS_ROLES", "broker,controller".to_string()),
                            (
                                "KAFKA_LISTENERS",
                                "PLAINTEXT://:9092,CONTROLLER://:9093".to_string(),
                            ),
                            (
                                "KAFKA_ADVERTISED_LISTENERS",
                                format!("PLAINTEXT://{}:9092", unit.name),
                            ),
                            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER".to_string()),
                            (
                                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT".to_string(),
                            ),
                            (
                                "KAFKA_CONTROLLER_QUORUM_VOTERS",
                                "1@localhost:9093".to_string(),
                            ),
                            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1".to_string()),
                            (
                                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                                "1".to_string(),
                            ),
                            ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1".to_string()),
                            // The spec's partitions: the most consumers that drain it at once.
                            ("KAFKA_NUM_PARTITIONS", partitions.to_string()),
                        ] {
                            environment.push(EnvVar {
                                name: k.into(),
                                value: v,
                            });
                        }
                    }
                    Engine::Opensearch => {
                        for (k, v) in [
                            ("discovery.type", "single-node"),
                            ("DISABLE_SECURITY_PLUGIN", "true"),
                            ("DISABLE_INSTALL_DEMO_CONFIG", "true"),
                            ("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m"),
                        ] {
                            environment.push(EnvVar {
                                name: k.into(),
                                value: v.into(),
                            });
                        }
                    }
                    Engine::Rabbitmq => {
                        // Its default guest user may only connect from the broker's own host.
                        environment.push(EnvVar {
                            name: "RABBITMQ_DEFAULT_USER".into(),
                            value: super::RABBITMQ_USER.into(),
                        });
                        environment.push(EnvVar {
                            name: "RABBITMQ_DEFAULT_PASS".into(),
                            value: super::RABBITMQ_PASSWORD.into(),
                        });
                    }
                    Engine::Redis | Engine::Memcached => {}
                }
                let mut comment = format!("{} {}: {}", c.kind, unit.name, engine.name());
                if let Some(n) = note {
                    comment.push_str(&format!(" ({n})"));
                }
                out.push(ComposeService {
                    name: unit.name.clone(),
                    comment,
                    image: Some(engine.image().to_string()),
                    build: None,
                    command: Vec::new(),
                    user: None,
                    environment,
                    ports: Vec::new(),
                    volumes,
                    healthcheck: Some(shell(engine.healthcheck())),
                    depends_on: Vec::new(),
                });
                for (k, r) in replicas.iter().enumerate() {
                    let primary = escape::shell_word(&unit.name);
                    let (command, user, environment) = match engine {
                        Engine::Postgres => (
                            vec![
                                "bash".to_string(),
                                "-c".to_string(),
                                format!(
                                    "if [ ! -s /var/lib/postgresql/data/pgdata/PG_VERSION ]; then until pg_basebackup -h {primary} -U replicator -D /var/lib/postgresql/data/pgdata -R -X stream; do sleep 1; done; fi; exec postgres -D /var/lib/postgresql/data/pgdata"
                                ),
                            ],
                            Some("postgres".to_string()),
                            vec![EnvVar {
                                name: "PGPASSWORD".into(),
                                value: "${REPLICATION_PASSWORD:-replicator}".into(),
                            }],
                        ),
                        _ => (
                            vec![
                                "redis-server".to_string(),
                                "--replicaof".to_string(),
                                unit.name.clone(),
                                engine.port().to_string(),
                            ],
                            None,
                            Vec::new(),
                        ),
                    };
                    out.push(ComposeService {
                        name: r.clone(),
                        comment: format!(
                            "read replica {} of {} ({} in the spec)",
                            k + 1,
                            unit.name,
                            format_args!("components[{i}].replication.read_replicas")
                        ),
                        image: Some(engine.image().to_string()),
                        build: None,
                        command,
                        user,
                        environment,
                        ports: Vec::new(),
                        volumes: Vec::new(),
                        healthcheck: Some(shell(engine.healthcheck())),
                        depends_on: vec![(unit.name.clone(), "service_healthy")],
                    });
                }
            }
        }
    }
    if monitoring {
        out.push(ComposeService {
            name: "prometheus".into(),
            comment:
                "practices.monitoring: Prometheus scraping every service, with the SLO alert rules"
                    .into(),
            image: Some(PROMETHEUS_IMAGE.to_string()),
            build: None,
            // No lifecycle API (it lets anyone who reaches the port stop Prometheus),
            // and the port on the loopback only.
            command: vec!["--config.file=/etc/prometheus/prometheus.yml".to_string()],
            user: None,
            environment: Vec::new(),
            ports: vec!["127.0.0.1:9090:9090".to_string()],
            volumes: vec![
                "./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro".to_string(),
                "./monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro".to_string(),
            ],
            healthcheck: Some(cmd(&["wget", "-qO-", "http://127.0.0.1:9090/-/ready"])),
            depends_on: Vec::new(),
        });
    }
    out
}

/// Host ports for what a person or k6 reaches from outside: gateways and the services
/// classes enter at. The spec's port when it has one and it is free, else the next free
/// one from 8080.
pub(super) fn host_ports(spec: &Spec, layout: &Layout) -> Vec<Option<u16>> {
    let mut taken: Vec<u16> = vec![9090];
    let mut out = vec![None; layout.units.len()];
    let entries: Vec<usize> = layout.classes.iter().filter_map(|c| c.entry).collect();
    for (i, u) in layout.units.iter().enumerate() {
        let published = u.deploy == Deploy::Gateway || (entries.contains(&i) && u.deploy.is_app());
        if !published {
            continue;
        }
        let wanted = spec.components[i].port.unwrap_or(8080);
        let mut p = wanted;
        while taken.contains(&p) {
            p = p.saturating_add(1);
        }
        taken.push(p);
        out[i] = Some(p);
    }
    out
}
