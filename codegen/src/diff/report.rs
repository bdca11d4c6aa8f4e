//! The report of a spec review: the changes the rules record for each crate, and how they
//! are printed (grouped by crate, breaking changes first, then the totals).

use std::fmt;

/// One difference between the old and the new generated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Package name of the crate (`huaweicloud-css`).
    pub crate_name: String,
    /// What changed: `crate`, `client`, ``operation `list_jobs` (ListJobs)``,
    /// ``type `Job`, field `name` ``, …
    pub location: String,
    /// How it changed, in a few words.
    pub description: String,
    /// Whether code or calls written against the old crate may stop working.
    pub breaking: bool,
}

/// Every difference found, grouped by crate, breaking changes first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, sorted by crate, then breaking before compatible, then in the order of
    /// the generated API (client, operations, types, error codes).
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// How many changes are compatible.
    pub fn compatible_count(&self) -> usize {
        self.changes.iter().filter(|c| !c.breaking).count()
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut changes: Vec<&Change> = self.changes.iter().collect();
        changes.sort_by(|a, b| {
            a.crate_name
                .cmp(&b.crate_name)
                .then(b.breaking.cmp(&a.breaking))
        });
        if changes.is_empty() {
            writeln!(f, "no changes to the generated API")?;
        }
        let mut current: Option<&str> = None;
        for change in &changes {
            if current != Some(change.crate_name.as_str()) {
                if current.is_some() {
                    writeln!(f)?;
                }
                writeln!(f, "{}", change.crate_name)?;
                current = Some(&change.crate_name);
            }
            let label = if change.breaking {
                "breaking  "
            } else {
                "compatible"
            };
            writeln!(f, "  {label}  {}: {}", change.location, change.description)?;
        }
        if !changes.is_empty() {
            writeln!(f)?;
        }
        write!(
            f,
            "{} breaking, {} compatible",
            self.breaking_count(),
            self.compatible_count()
        )
    }
}

/// Collects the changes of one crate.
pub(super) struct Recorder<'a> {
    crate_name: &'a str,
    changes: &'a mut Vec<Change>,
}

impl<'a> Recorder<'a> {
    pub(super) fn new(crate_name: &'a str, changes: &'a mut Vec<Change>) -> Self {
        Self {
            crate_name,
            changes,
        }
    }

    fn push(&mut self, location: &str, description: String, breaking: bool) {
        self.changes.push(Change {
            crate_name: self.crate_name.to_owned(),
            location: location.to_owned(),
            description,
            breaking,
        });
    }

    pub(super) fn breaking(&mut self, location: &str, description: impl Into<String>) {
        self.push(location, description.into(), true);
    }

    pub(super) fn compatible(&mut self, location: &str, description: impl Into<String>) {
        self.push(location, description.into(), false);
    }
}
