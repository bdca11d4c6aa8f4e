//! Client-side checks of documented constraints, run before a request is sent. Every
//! broken constraint is collected, with the path of the value, into one error.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use crate::error::{Error, ValidationIssue};

/// A value with documented constraints. Generated types implement it.
pub trait Validate {
    /// Records every broken constraint of `self` in `v`.
    fn validate(&self, v: &mut Validator);
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.validate(v);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.scoped(&format!("[{i}]"), |v| item.validate(v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, v: &mut Validator) {
        for (key, item) in self {
            v.scoped(&format!("[{key:?}]"), |v| item.validate(v));
        }
    }
}

/// Constraint keywords of one value. `Rules::NONE` with struct update syntax keeps the
/// generated code short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Lower bound of a number.
    pub minimum: Option<f64>,
    /// Upper bound of a number.
    pub maximum: Option<f64>,
    /// Whether `minimum` is exclusive.
    pub exclusive_minimum: bool,
    /// Whether `maximum` is exclusive.
    pub exclusive_maximum: bool,
    /// Minimum length of a string, in characters.
    pub min_length: Option<usize>,
    /// Maximum length of a string, in characters.
    pub max_length: Option<usize>,
    /// Regular expression a string must match.
    pub pattern: Option<&'static str>,
    /// Minimum number of items.
    pub min_items: Option<usize>,
    /// Maximum number of items.
    pub max_items: Option<usize>,
    /// The allowed values of an integer (an integer `enum`).
    pub one_of: Option<&'static [i64]>,
    /// A number the value must be a multiple of.
    pub multiple_of: Option<f64>,
    /// The documented format of the value in words (`Unix time in milliseconds`), named
    /// when the value breaks one of the other rules.
    pub format: Option<&'static str>,
}

impl Rules {
    /// No constraint at all.
    pub const NONE: Rules = Rules {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        min_length: None,
        max_length: None,
        pattern: None,
        format: None,
        min_items: None,
        max_items: None,
        one_of: None,
        multiple_of: None,
    };
}

/// A value [`Rules`] can check.
pub trait Checked {
    /// Records in `v` every rule `self` breaks.
    fn check(&self, rules: &Rules, v: &mut Validator);
}

impl Checked for str {
    fn check(&self, rules: &Rules, v: &mut Validator) {
        let length = self.chars().count();
        if let Some(min) = rules.min_length.filter(|min| length < *min) {
            v.issue(format!(
                "must be at least {min} characters long (is {length})"
            ));
        }
        if let Some(max) = rules.max_length.filter(|max| length > *max) {
            v.issue(format!(
                "must be at most {max} characters long (is {length})"
            ));
        }
        if let Some(pattern) = rules.pattern {
            match compiled(pattern) {
                Ok(re) if !re.is_match(self) => match rules.format {
                    Some(format) => v.issue(format!("must be {format} (the pattern `{pattern}`)")),
                    None => v.issue(format!("must match the pattern `{pattern}`")),
                },
                Ok(_) => {}
                Err(e) => v.issue(format!("has a pattern that does not compile: {e}")),
            }
        }
    }
}

impl Checked for String {
    fn check(&self, rules: &Rules, v: &mut Validator) {
        self.as_str().check(rules, v);
    }
}

macro_rules! checked_integer {
    ($($ty:ty),*) => {$(
        impl Checked for $ty {
            fn check(&self, rules: &Rules, v: &mut Validator) {
                check_range(*self as f64, rules, v);
                check_one_of(i64::from(*self), rules, v);
            }
        }
    )*};
}

checked_integer!(i32, i64);

impl Checked for f64 {
    fn check(&self, rules: &Rules, v: &mut Validator) {
        check_range(*self, rules, v);
    }
}

fn check_one_of(value: i64, rules: &Rules, v: &mut Validator) {
    if let Some(allowed) = rules.one_of.filter(|allowed| !allowed.contains(&value)) {
        let list: Vec<String> = allowed.iter().map(i64::to_string).collect();
        v.issue(format!("must be one of {} (is {value})", list.join(", ")));
    }
}

impl Checked for bool {
    fn check(&self, _rules: &Rules, _v: &mut Validator) {}
}

impl<T: Checked> Checked for Option<T> {
    fn check(&self, rules: &Rules, v: &mut Validator) {
        if let Some(value) = self {
            value.check(rules, v);
        }
    }
}

impl<T> Checked for Vec<T> {
    fn check(&self, rules: &Rules, v: &mut Validator) {
        let count = self.len();
        if let Some(min) = rules.min_items.filter(|min| count < *min) {
            v.issue(format!("must have at least {min} items (has {count})"));
        }
        if let Some(max) = rules.max_items.filter(|max| count > *max) {
            v.issue(format!("must have at most {max} items (has {count})"));
        }
    }
}

/// A list whose items [`Rules`] can check: a `Vec` or an optional `Vec`.
pub trait ItemList {
    /// Records in `v` every rule an item breaks, with the item's index.
    fn check_items(&self, rules: &Rules, v: &mut Validator);
}

impl<T: Checked> ItemList for Vec<T> {
    fn check_items(&self, rules: &Rules, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.scoped(&format!("[{i}]"), |v| item.check(rules, v));
        }
    }
}

impl<T: Checked> ItemList for Option<Vec<T>> {
    fn check_items(&self, rules: &Rules, v: &mut Validator) {
        if let Some(items) = self {
            items.check_items(rules, v);
        }
    }
}

/// `; the format is …` when the rules name a format.
fn format_note(rules: &Rules) -> String {
    rules
        .format
        .map(|f| format!("; the format is {f}"))
        .unwrap_or_default()
}

fn check_range(value: f64, rules: &Rules, v: &mut Validator) {
    if let Some(m) = rules.multiple_of {
        let quotient = value / m;
        if (quotient - quotient.round()).abs() > 1e-9 {
            v.issue(format!("must be a multiple of {m} (is {value})"));
        }
    }
    if let Some(min) = rules.minimum {
        let broken = if rules.exclusive_minimum {
            value <= min
        } else {
            value < min
        };
        if broken {
            let relation = if rules.exclusive_minimum {
                "greater than"
            } else {
                "at least"
            };
            v.issue(format!(
                "must be {relation} {min} (is {value}){}",
                format_note(rules)
            ));
        }
    }
    if let Some(max) = rules.maximum {
        let broken = if rules.exclusive_maximum {
            value >= max
        } else {
            value > max
        };
        if broken {
            let relation = if rules.exclusive_maximum {
                "less than"
            } else {
                "at most"
            };
            v.issue(format!(
                "must be {relation} {max} (is {value}){}",
                format_note(rules)
            ));
        }
    }
}

/// Compiled patterns, shared by every request of the process.
///
/// The cache hands out the shared `Regex` itself, never a clone: a cloned `Regex` starts
/// with an empty pool of matching caches, and building a lazy DFA cache for every check
/// cost more than the rest of a request's validation, encoding and signing together.
fn compiled(pattern: &'static str) -> Result<Arc<Regex>, regex::Error> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(re) = cache.get(pattern) {
        return Ok(Arc::clone(re));
    }
    let re = Arc::new(Regex::new(pattern)?);
    cache.insert(pattern, Arc::clone(&re));
    Ok(re)
}

/// Collects the broken constraints of a request, with the path of each value.
#[derive(Debug, Default)]
pub struct Validator {
    /// The path of the current value as reported (`body.tags[0].key`), grown and cut back
    /// in place by [`scoped`](Self::scoped) so that checking a field allocates nothing.
    path: String,
    issues: Vec<ValidationIssue>,
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `value` against `rules`, as the member `name` of the current value.
    pub fn value<T: Checked + ?Sized>(&mut self, name: &str, value: &T, rules: &Rules) {
        self.scoped(name, |v| value.check(rules, v));
    }

    /// Checks every item of a list (or of an optional list) against `rules`, as the member
    /// `name` of the current value.
    pub fn each<L: ItemList + ?Sized>(&mut self, name: &str, list: &L, rules: &Rules) {
        self.scoped(name, |v| list.check_items(rules, v));
    }

    /// Validates `value`, as the member `name` of the current value.
    pub fn nested<T: Validate + ?Sized>(&mut self, name: &str, value: &T) {
        self.scoped(name, |v| value.validate(v));
    }

    /// Records that an enum holds a value outside its documented set.
    pub fn unknown_value(&mut self, value: &str, known: &[&str]) {
        self.issue(format!(
            "`{value}` is not one of the documented values ({})",
            known.join(", ")
        ));
    }

    /// Records a broken constraint of the current value.
    pub fn issue(&mut self, message: String) {
        let field = self.path.clone();
        self.issues.push(ValidationIssue { field, message });
    }

    /// Runs `f` with `name` appended to the current path (after a `.`, unless the path is
    /// empty or `name` is an index such as `[0]`).
    pub fn scoped(&mut self, name: &str, f: impl FnOnce(&mut Validator)) {
        let outer = self.path.len();
        if !self.path.is_empty() && !name.starts_with('[') {
            self.path.push('.');
        }
        self.path.push_str(name);
        f(self);
        self.path.truncate(outer);
    }

    /// The collected problems as an error, if there are any.
    pub fn finish(self, operation: &'static str) -> Result<(), Error> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(self.issues).for_operation(operation))
        }
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn a_documented_format_is_named_in_the_errors() {
        let rules = Rules {
            pattern: Some("^[0-9]{13}$"),
            format: Some("a Unix time in milliseconds"),
            ..Rules::NONE
        };
        let mut v = Validator::new();
        v.value("from", "2024-05-06", &rules);
        let issues = v.finish("Test").unwrap_err().validation_issues().to_vec();
        assert_eq!(
            issues[0].to_string(),
            "from: must be a Unix time in milliseconds (the pattern `^[0-9]{13}$`)"
        );
        let rules = Rules {
            minimum: Some(1_000_000_000_000.0),
            format: Some("a Unix time in milliseconds"),
            ..Rules::NONE
        };
        let mut v = Validator::new();
        v.value("from", &1_701_914_324_i64, &rules);
        let issues = v.finish("Test").unwrap_err().validation_issues().to_vec();
        assert_eq!(
            issues[0].to_string(),
            "from: must be at least 1000000000000 (is 1701914324); the format is a Unix time in milliseconds"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Body {
        parallel_jobs: i32,
        name: Option<String>,
        ids: Vec<String>,
    }

    impl Validate for Body {
        fn validate(&self, v: &mut Validator) {
            let range = Rules {
                minimum: Some(1.0),
                maximum: Some(32.0),
                ..Rules::NONE
            };
            v.value("parallel_jobs", &self.parallel_jobs, &range);
            let name = Rules {
                max_length: Some(4),
                pattern: Some("^[a-z]+$"),
                ..Rules::NONE
            };
            v.value("name", &self.name, &name);
            v.value(
                "ids",
                &self.ids,
                &Rules {
                    min_items: Some(1),
                    ..Rules::NONE
                },
            );
        }
    }

    #[test]
    fn collects_every_issue_with_its_path() {
        let body = Body {
            parallel_jobs: 40,
            name: Some("Name5".into()),
            ids: vec![],
        };
        let mut v = Validator::new();
        v.nested("body", &vec![body]);
        let err = v.finish("StartRedistribution").unwrap_err();
        let issues: Vec<String> = err
            .validation_issues()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            issues,
            [
                "body[0].parallel_jobs: must be at most 32 (is 40)",
                "body[0].name: must be at most 4 characters long (is 5)",
                "body[0].name: must match the pattern `^[a-z]+$`",
                "body[0].ids: must have at least 1 items (has 0)",
            ]
        );
    }

    #[test]
    fn valid_values_pass_and_none_is_skipped() {
        let body = Body {
            parallel_jobs: 32,
            name: None,
            ids: vec!["a".into()],
        };
        let mut v = Validator::new();
        v.nested("body", &body);
        assert!(v.finish("StartRedistribution").is_ok());
    }

    #[test]
    fn integer_enums() {
        let rules = Rules {
            one_of: Some(&[300, 600, 900]),
            ..Rules::NONE
        };
        let mut v = Validator::new();
        v.value("cycle", &600, &rules);
        v.value("other", &400_i64, &rules);
        let err = v.finish("Op").unwrap_err();
        assert_eq!(
            err.validation_issues()[0].to_string(),
            "other: must be one of 300, 600, 900 (is 400)"
        );
    }

    #[test]
    fn item_rules_and_multiples() {
        let mut v = Validator::new();
        let priorities = vec![1, 17, 3];
        v.each(
            "priorities",
            &priorities,
            &Rules {
                minimum: Some(1.0),
                maximum: Some(16.0),
                ..Rules::NONE
            },
        );
        v.value(
            "size",
            &45,
            &Rules {
                multiple_of: Some(10.0),
                ..Rules::NONE
            },
        );
        v.value(
            "ok",
            &40_i64,
            &Rules {
                multiple_of: Some(10.0),
                ..Rules::NONE
            },
        );
        let none: Option<Vec<i32>> = None;
        v.each(
            "none",
            &none,
            &Rules {
                minimum: Some(1.0),
                ..Rules::NONE
            },
        );
        let err = v.finish("Op").unwrap_err();
        let issues: Vec<String> = err
            .validation_issues()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            issues,
            [
                "priorities[1]: must be at most 16 (is 17)",
                "size: must be a multiple of 10 (is 45)"
            ]
        );
    }

    #[test]
    fn exclusive_bounds() {
        let rules = Rules {
            minimum: Some(0.0),
            exclusive_minimum: true,
            ..Rules::NONE
        };
        let mut v = Validator::new();
        v.value("x", &0.0_f64, &rules);
        v.value("y", &0.5_f64, &rules);
        let err = v.finish("Op").unwrap_err();
        assert_eq!(err.validation_issues().len(), 1);
        assert_eq!(err.validation_issues()[0].field, "x");
    }
}
