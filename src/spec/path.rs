//! A path into a spec (`components[3].replication.read_replicas`): how a diagnostic says
//! which field it is about, whether the spec came from a YAML file (which turns the path
//! into a line and column) or from the desktop app (which turns it into an inspector field).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }
    pub fn key(mut self, key: &str) -> Self {
        self.0.push(Seg::Key(key.to_string()));
        self
    }
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Seg::Index(index));
        self
    }
    pub fn join(mut self, tail: &Path) -> Self {
        self.0.extend(tail.0.iter().cloned());
        self
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_written_in_a_spec() {
        let p = Path::root()
            .key("components")
            .index(3)
            .key("replication")
            .key("read_replicas");
        assert_eq!(p.to_string(), "components[3].replication.read_replicas");
    }
}
