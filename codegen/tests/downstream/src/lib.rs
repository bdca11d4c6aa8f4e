//! The compatibility promise of `codegen diff`, compiled: the same user code, written
//! against the crate generated from `fixtures/good/fixture/compat-before.yaml`, still
//! compiles against the crate of `compat-after.yaml`, which adds an enum value and an
//! optional field of an answer-only struct (changes `diff` reports as compatible; the
//! `diff` test checks that). Generated string enums and answer-only structs are
//! `#[non_exhaustive]`, so user code matches them with a wildcard arm and destructures them
//! with `..`, which is what keeps it compiling.

/// The user code, once per crate.
macro_rules! user_code {
    ($api:ident) => {
        /// Describes a widget as a user would, matching its state and reading its fields.
        pub fn describe(widget: &$api::types::Widget) -> String {
            use $api::types::{Widget, WidgetState};
            let Widget { id, state, .. } = widget;
            let state = match state {
                Some(WidgetState::Ready) => "ready",
                Some(WidgetState::Busy) => "busy",
                Some(WidgetState::Unknown(other)) => other.as_str(),
                Some(_) => "another documented state",
                None => "unknown",
            };
            format!("{}: {state}", id.as_deref().unwrap_or("?"))
        }

        /// Decodes an answer as the client would.
        pub fn decode(json: &str) -> Option<$api::types::Widget> {
            serde_json::from_str(json).ok()
        }
    };
}

/// Against the old crate.
pub mod before {
    use fixture_compat_before as api;
    user_code!(api);
}

/// Against the new crate.
pub mod after {
    use fixture_compat_after as api;
    user_code!(api);
}

#[cfg(test)]
mod tests {
    /// An answer of the new service, with the added value and field.
    const NEW_ANSWER: &str = r#"{"id": "w-1", "state": "broken", "size": 3}"#;

    #[test]
    fn the_old_crate_reads_a_new_answer_keeping_the_new_value() {
        let widget = super::before::decode(NEW_ANSWER).expect("decodes");
        assert_eq!(super::before::describe(&widget), "w-1: broken");
    }

    #[test]
    fn the_new_crate_knows_the_new_value() {
        let widget = super::after::decode(NEW_ANSWER).expect("decodes");
        assert_eq!(widget.size, Some(3));
        assert_eq!(
            super::after::describe(&widget),
            "w-1: another documented state"
        );
    }
}
