//! Throwaway servers for the twin proof, from Debian's packages: Redis, PostgreSQL,
//! RabbitMQ and nginx, each on a free loopback port, its files in a temporary
//! directory, stopped (with everything it started) when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until something accepts connections on `port`, or panics naming `what`.
pub fn wait_for_port(port: u16, what: &str, within: Duration, child: &mut Child) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before it listened on {port}: {status}");
        }
        sleep(Duration::from_millis(100));
    }
    panic!("{what} did not listen on 127.0.0.1:{port} within {within:?}");
}

/// A program's path, or a panic that says `scripts/setup.sh` installs it.
pub fn program(candidates: &[&str]) -> PathBuf {
    for c in candidates {
        let found = if c.contains('*') {
            glob_first(c)
        } else {
            Some(PathBuf::from(c)).filter(|p| p.exists())
        };
        if let Some(p) = found {
            return p;
        }
    }
    panic!(
        "none of {candidates:?} is installed: run scripts/setup.sh (make test does), which installs Debian's redis-server, postgresql, rabbitmq-server and nginx-light"
    );
}

/// The last (newest) match of a pattern whose one `*` stands for a directory's name
/// (`/usr/lib/postgresql/*/bin/postgres`).
fn glob_first(pattern: &str) -> Option<PathBuf> {
    let (dir, tail) = pattern.split_once("/*")?;
    let mut hits: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| PathBuf::from(format!("{}{tail}", e.path().display())))
        .filter(|p| p.exists())
        .collect();
    hits.sort();
    hits.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A running server: killed, then `stop` run (for what outlives it), when dropped.
pub struct Server {
    pub port: u16,
    child: Child,
    stop: Vec<Command>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for cmd in &mut self.stop {
            let _ = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
    }
}

fn quiet(cmd: &mut Command, log: &Path) {
    let out = std::fs::File::create(log).expect("a log file");
    let err = out.try_clone().expect("a log file");
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
}

pub fn redis(dir: &Path) -> Server {
    let port = free_port();
    let mut cmd = Command::new(program(&["/usr/bin/redis-server"]));
    cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--dir"])
        .arg(dir);
    quiet(&mut cmd, &dir.join("redis.log"));
    let mut child = cmd.spawn().expect("redis-server starts");
    wait_for_port(port, "redis-server", Duration::from_secs(20), &mut child);
    Server {
        port,
        child,
        stop: Vec::new(),
    }
}

/// PostgreSQL, trusting loopback connections as `postgres`. It refuses to run as root,
/// so as root it runs as the `postgres` user the package creates.
pub fn postgres(dir: &Path) -> Server {
    let port = free_port();
    let bin = program(&["/usr/lib/postgresql/*/bin/postgres"]);
    let bin_dir = bin.parent().expect("postgres's directory").to_path_buf();
    let data = dir.join("data");
    let root = is_root();
    let as_owner = |program: PathBuf| -> Command {
        if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    };
    if root {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "chown of {} to postgres", dir.display());
    }
    let mut init = as_owner(bin_dir.join("initdb"));
    init.arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "--no-sync"]);
    quiet(&mut init, &dir.join("initdb.log"));
    let ok = init.status().is_ok_and(|s| s.success());
    assert!(ok, "initdb: see {}", dir.join("initdb.log").display());
    let mut cmd = as_owner(bin.clone());
    cmd.arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir)
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
    quiet(&mut cmd, &dir.join("postgres.log"));
    let mut child = cmd.spawn().expect("postgres starts");
    wait_for_port(port, "postgres", Duration::from_secs(30), &mut child);
    let mut stop = as_owner(bin_dir.join("pg_ctl"));
    stop.arg("-D")
        .arg(&data)
        .args(["-m", "immediate", "-w", "stop"]);
    Server {
        port,
        child,
        stop: vec![stop],
    }
}

/// RabbitMQ, as the user running the test (not through Debian's wrapper, which
/// switches to its own user), the script replaced by the Erlang VM (as under systemd:
/// no shell in between, so killing the child kills the node): its node, port mapper and distribution port on loopback,
/// its database, logs and cookie in `dir`. The port mapper outlives the node, so
/// dropping stops it too.
pub fn rabbitmq(dir: &Path) -> Server {
    let port = free_port();
    let epmd_port = free_port();
    let dist_port = free_port();
    let node = format!("headroom{port}@localhost");
    let mut cmd = Command::new(program(&["/usr/lib/rabbitmq/bin/rabbitmq-server"]));
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("RABBITMQ_NODENAME", &node)
        .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
        .env("RABBITMQ_NODE_PORT", port.to_string())
        .env("RABBITMQ_DIST_PORT", dist_port.to_string())
        .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
        .env("RABBITMQ_LOG_BASE", dir.join("log"))
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("enabled_plugins"))
        .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq"))
        .env(
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
            "-kernel inet_dist_use_interface {127,0,0,1}",
        )
        .env("ERL_EPMD_PORT", epmd_port.to_string())
        .env("ERL_EPMD_ADDRESS", "127.0.0.1")
        .env("RUNNING_UNDER_SYSTEMD", "1");
    quiet(&mut cmd, &dir.join("rabbitmq.log"));
    let child = cmd.spawn().expect("rabbitmq-server starts");
    let mut epmd = Command::new(program(&["/usr/bin/epmd"]));
    epmd.env("ERL_EPMD_PORT", epmd_port.to_string())
        .arg("-kill");
    let mut server = Server {
        port,
        child,
        stop: vec![epmd],
    };
    wait_for_port(
        port,
        "rabbitmq-server",
        Duration::from_secs(60),
        &mut server.child,
    );
    server
}

/// nginx running `site` (a server block, included in a minimal http block), in the
/// foreground with one process, its temporary files in `dir`.
pub fn nginx(dir: &Path, site: &Path, port: u16) -> Server {
    let conf = dir.join("nginx.conf");
    let d = dir.display();
    std::fs::write(
        &conf,
        format!(
            "worker_processes 1;\nmaster_process off;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{ worker_connections 1024; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {};\n}}\n",
            site.display()
        ),
    )
    .expect("nginx.conf written");
    let mut cmd = Command::new(program(&["/usr/sbin/nginx"]));
    cmd.arg("-p").arg(dir).arg("-c").arg(&conf);
    quiet(&mut cmd, &dir.join("nginx.out"));
    let mut child = cmd.spawn().expect("nginx starts");
    wait_for_port(port, "nginx", Duration::from_secs(10), &mut child);
    Server {
        port,
        child,
        stop: Vec::new(),
    }
}
