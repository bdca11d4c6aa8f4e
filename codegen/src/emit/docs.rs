//! Rustdoc from spec text: `#[doc]` attributes with markdown-special characters escaped,
//! so that spec prose never becomes a broken link or an HTML tag.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// `#[doc]` attributes for a block of text (paragraphs separated by blank lines).
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inner `#![doc]` attributes for a module's own documentation.
pub(crate) fn module_doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Escapes characters rustdoc would read as markup (`<tag>`, `[link]`), keeping code
/// spans in backticks as they are.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' | '>' | '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the docs; escape it instead.
        return text
            .chars()
            .flat_map(|c| match c {
                '`' | '<' | '>' | '[' | ']' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
    }
    out
}

/// The paragraphs of a [`Docs`]: summary, description, errata.
pub(crate) fn paragraphs(docs: &Docs) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(summary) = &docs.summary {
        parts.push(escape(summary.trim()));
    }
    if let Some(description) = &docs.description {
        parts.push(escape(description.trim()));
    }
    for erratum in &docs.errata {
        parts.push(format!(
            "Erratum of the source document: {}",
            escape(erratum.trim())
        ));
    }
    parts
}

/// A count and its noun, singular or plural as the count asks: `1 operation`, `2 operations`.
/// Every noun the generator counts has a regular plural in `s`.
pub(crate) fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// `#[doc]` attributes for paragraphs, or a fallback sentence when there are none.
pub(crate) fn doc_block(parts: &[String], fallback: &str) -> TokenStream {
    if parts.is_empty() {
        doc_attrs(fallback)
    } else {
        doc_attrs(&parts.join("\n\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_outside_code() {
        assert_eq!(
            escape("value in [1, 32] <b>"),
            "value in \\[1, 32\\] \\<b\\>"
        );
        assert_eq!(escape("use `<a>` or <a>"), "use `<a>` or \\<a\\>");
        assert_eq!(escape("odd ` tick <x>"), "odd \\` tick \\<x\\>");
    }

    #[test]
    fn counts_are_singular_only_for_one() {
        assert_eq!(counted(0, "type"), "0 types");
        assert_eq!(counted(1, "operation"), "1 operation");
        assert_eq!(counted(2, "operation"), "2 operations");
    }

    #[test]
    fn doc_attrs_keep_blank_lines() {
        let tokens = doc_attrs("a\n\nb").to_string();
        assert_eq!(tokens, "# [doc = \" a\"] # [doc = \"\"] # [doc = \" b\"]");
    }
}
