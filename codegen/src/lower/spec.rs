//! The document being lowered and the problems found in it. Every step reads the document
//! and records problems through a [`Spec`]; the reading that any step may need lives here
//! (documentation and errata) and in `extensions.rs` (`x-` extensions) and `refs.rs`
//! (`$ref`s).

use serde_json::Value;

use super::extensions::ErrataSpec;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::Docs;
use crate::load::Document;

/// The `x-` extensions of an OpenAPI object.
pub(crate) type Extensions = indexmap::IndexMap<String, Value>;

/// The document being lowered, and the problems found in it so far.
pub(crate) struct Spec<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) diags: Diagnostics,
}

impl<'a> Spec<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        Self {
            doc,
            diags: Diagnostics::default(),
        }
    }

    /// Records a problem at `pointer`.
    pub(crate) fn error(&mut self, pointer: &Pointer, reason: impl Into<String>) {
        self.diags.push(&self.doc.file, pointer, reason);
    }

    /// Reads `x-doc-erratum` (a string or a list of strings) from an extension map.
    pub(crate) fn errata(&mut self, extensions: &Extensions, pointer: &Pointer) -> Vec<String> {
        self.extension_in::<ErrataSpec>(extensions, "x-doc-erratum", pointer)
            .map_or_else(Vec::new, Vec::from)
    }

    /// Documentation from a description and the errata of the same node.
    pub(crate) fn docs(
        &mut self,
        summary: Option<&String>,
        description: Option<&String>,
        extensions: &Extensions,
        pointer: &Pointer,
    ) -> Docs {
        Docs {
            summary: summary.cloned(),
            description: description.cloned(),
            errata: self.errata(extensions, pointer),
        }
    }
}
