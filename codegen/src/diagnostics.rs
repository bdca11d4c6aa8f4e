//! Spec problems: each names the spec file, a JSON pointer into it and a reason, and they
//! are collected so that one run reports every problem at once.

use std::fmt;

/// One problem found in a spec document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecError {
    /// Spec file, as given to the generator (relative to the workspace root).
    pub file: String,
    /// JSON pointer to the offending node, as a URI fragment (`#/paths/~1v3~1jobs/get`).
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub reason: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.pointer, self.reason)
    }
}

/// All the problems found in one run, in a deterministic order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    errors: Vec<SpecError>,
}

impl Diagnostics {
    /// Records one problem.
    pub fn push(&mut self, file: &str, pointer: &Pointer, reason: impl Into<String>) {
        self.errors.push(SpecError {
            file: file.to_owned(),
            pointer: pointer.to_string(),
            reason: reason.into(),
        });
    }

    /// Moves every problem of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.errors.extend(other.errors);
    }

    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems, sorted by file and pointer, without duplicates.
    pub fn into_sorted(mut self) -> Vec<SpecError> {
        self.errors.sort();
        self.errors.dedup();
        self.errors
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.clone().into_sorted();
        for error in &errors {
            writeln!(f, "error: {error}")?;
        }
        write!(f, "{} problem(s) found", errors.len())
    }
}

/// A JSON pointer (RFC 6901) built one segment at a time while walking a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer {
    segments: Vec<String>,
}

impl Pointer {
    /// The pointer to the document root (`#`).
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a `$ref`-style pointer (`#/components/schemas/X`) into its segments.
    pub fn parse(fragment: &str) -> Option<Self> {
        let rest = fragment.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Self::root());
        }
        let rest = rest.strip_prefix('/')?;
        let segments = rest
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        Some(Self { segments })
    }

    /// The pointer one segment deeper.
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment.to_string());
        Self { segments }
    }

    /// The raw (unescaped) segments.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        for segment in &self.segments {
            write!(f, "/{}", segment.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let p = Pointer::root()
            .join("paths")
            .join("/v3/{project_id}/jobs")
            .join("a~b");
        assert_eq!(p.to_string(), "#/paths/~1v3~1{project_id}~1jobs/a~0b");
        assert_eq!(Pointer::parse(&p.to_string()), Some(p));
    }

    #[test]
    fn pointer_parse_rejects_external_refs() {
        assert_eq!(Pointer::parse("other.yaml#/x"), None);
        assert_eq!(Pointer::parse("#"), Some(Pointer::root()));
    }

    #[test]
    fn diagnostics_sort_and_count() {
        let mut d = Diagnostics::default();
        d.push("b.yaml", &Pointer::root().join("x"), "second");
        d.push("a.yaml", &Pointer::root(), "first");
        assert_eq!(
            d.to_string(),
            "error: a.yaml: #: first\nerror: b.yaml: #/x: second\n2 problem(s) found"
        );
    }
}
