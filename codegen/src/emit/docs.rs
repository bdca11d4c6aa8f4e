//! Rustdoc from spec text: `#[doc]` attributes with markdown-special characters escaped,
//! so that spec prose never becomes a broken link or an HTML tag.

use proc_macro2::TokenStream;
use quote::quote;
use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter};

use crate::ir::Docs;

/// The width of generated doc text: after `/// ` and the indentation of a field or a
/// method, a line ends by column 100.
pub(crate) const DOC_WIDTH: usize = 92;

/// `#[doc]` attributes for a block of text (paragraphs separated by blank lines), its
/// prose wrapped by [`wrap`].
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let text = wrap(text);
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

/// Inner `#![doc]` attributes for a module's own documentation, its prose wrapped by
/// [`wrap`].
pub(crate) fn module_doc_attrs(text: &str) -> TokenStream {
    let text = wrap(text);
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

/// `//!` comment lines for a file written as text, its prose wrapped by [`wrap`].
pub(crate) fn inner_doc_comment(text: &str) -> String {
    let mut out = String::new();
    for line in wrap(text).lines() {
        if line.is_empty() {
            out.push_str("//!\n");
        } else {
            out.push_str(&format!("//! {line}\n"));
        }
    }
    out
}

/// Wraps the prose of markdown `text` at [`DOC_WIDTH`] so that it renders as before: the
/// lines of a paragraph of plain text are joined and filled again (markdown reads a single
/// line break as a space), at spaces, never inside a word (a URL, a code span without
/// spaces, a hyphenated name); code blocks, tables, headings, quotes, list items, indented
/// lines and hard line breaks are kept as they are.
pub(crate) fn wrap(text: &str) -> String {
    let options = Options::new(DOC_WIDTH)
        .break_words(false)
        .word_splitter(WordSplitter::NoHyphenation)
        .word_separator(WordSeparator::Custom(markdown_words));
    let mut in_code_block = false;
    let mut out = Vec::new();
    // The lines of the paragraph being read, joined by spaces.
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, out: &mut Vec<String>| {
        if !paragraph.is_empty() {
            let filled = textwrap::wrap(paragraph, &options);
            out.extend(filled.into_iter().map(|l| l.into_owned()));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~");
        if fence {
            in_code_block = !in_code_block;
        }
        let prose = !fence && !in_code_block && !line.trim().is_empty() && is_paragraph_text(line);
        if !prose {
            flush(&mut paragraph, &mut out);
            out.push(line.to_owned());
            continue;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        // Two trailing spaces or a backslash are a hard line break: it ends the line still.
        let text = line.trim_end_matches([' ', '\\']);
        paragraph.push_str(text);
        let hard_break = &line[text.len()..];
        if hard_break.starts_with("  ") || hard_break.ends_with('\\') {
            flush(&mut paragraph, &mut out);
            if let Some(last) = out.last_mut() {
                last.push_str(hard_break);
            }
        } else {
            paragraph.push_str(hard_break.trim_end());
        }
    }
    flush(&mut paragraph, &mut out);
    out.join("\n")
}

/// Whether a line is paragraph text, which markdown reads the same however it is broken
/// into lines (rather than a list item, table row, heading, quote or indented code).
fn is_paragraph_text(line: &str) -> bool {
    let first = line.split(' ').next().unwrap_or_default();
    !line.starts_with([' ', '\t', '|']) && !starts_block(first)
}

/// Whether a word at the start of a line would begin a markdown block (a list item, a
/// heading, a quote, a fence, a rule or a heading underline) instead of going on with the
/// paragraph above.
fn starts_block(word: &str) -> bool {
    let ordered = word
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let rule = !word.is_empty() && word.bytes().all(|b| matches!(b, b'-' | b'=' | b'*' | b'_'));
    matches!(word, "+" | "*" | "-")
        || ordered
        || rule
        || (word.starts_with('#') && word.bytes().all(|b| b == b'#'))
        || word.starts_with(['>', '|'])
        || word.starts_with("```")
        || word.starts_with("~~~")
}

/// The words of a line for [`textwrap`], split at spaces, where a word that must not begin
/// a line ([`starts_block`]) stays with the word before it, and so does the word after one
/// that ends in a backslash (a backslash at the end of a line is a hard line break).
fn markdown_words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    // (start, end) of each word with the spaces after it.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < line.len() {
        let word_end = line[start..].find(' ').map_or(line.len(), |i| start + i);
        let end = line.len() - line[word_end..].trim_start_matches(' ').len();
        let word = &line[start..word_end];
        match words.last_mut() {
            Some(last) if starts_block(word) || line[last.0..last.1].trim_end().ends_with('\\') => {
                last.1 = end;
            }
            _ => words.push((start, end)),
        }
        start = end;
    }
    Box::new(
        words
            .into_iter()
            .map(move |(start, end)| Word::from(&line[start..end])),
    )
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
    fn prose_wraps_at_spaces_within_the_width() {
        let long = "word ".repeat(40);
        let wrapped = wrap(long.trim_end());
        assert!(wrapped.lines().count() > 1, "{wrapped}");
        assert!(wrapped.lines().all(|l| l.len() <= DOC_WIDTH), "{wrapped}");
        assert_eq!(wrapped.replace('\n', " "), long.trim_end());
    }

    #[test]
    fn urls_and_hyphenated_names_stay_whole() {
        let url = format!("https://example.com/{}", "a-b-c/".repeat(30));
        let text = format!("See {url} and ap-southeast-1 {}", "filler ".repeat(20));
        let wrapped = wrap(text.trim_end());
        assert!(wrapped.lines().any(|l| l == url), "{wrapped}");
        assert!(wrapped.contains("ap-southeast-1"), "{wrapped}");
    }

    #[test]
    fn no_line_starts_a_markdown_block() {
        let hazards = [
            "-", "*", "+", "1.", "2)", "#", ">x", "---", "===", "```rust", "|",
        ];
        for hazard in hazards {
            for at in 80..100 {
                let text = format!("{} {hazard} {}", "a".repeat(at), "b ".repeat(60));
                let wrapped = wrap(&text);
                assert!(
                    wrapped.lines().skip(1).all(|l| !l.starts_with(hazard)),
                    "{hazard}: {wrapped}"
                );
            }
        }
    }

    #[test]
    fn wide_characters_wrap_at_spaces() {
        let text = "表 表。 ".repeat(40);
        assert_eq!(wrap(text.trim_end()).replace('\n', " "), text.trim_end());
    }

    #[test]
    fn a_line_never_ends_in_a_backslash() {
        for at in 80..100 {
            let text = format!("{} C:\\ {}", "a".repeat(at), "b ".repeat(60));
            assert!(wrap(&text).lines().all(|l| !l.ends_with('\\')), "{text}");
        }
    }

    #[test]
    fn the_lines_of_a_paragraph_are_filled_again() {
        let text = "They are split over\nfiles by tag.\n\nNext paragraph\nhere.";
        assert_eq!(
            wrap(text),
            "They are split over files by tag.\n\nNext paragraph here."
        );
        let long = format!("{}\nend", "word ".repeat(30).trim_end());
        let wrapped = wrap(&long);
        assert!(wrapped.lines().all(|l| l.len() <= DOC_WIDTH), "{wrapped}");
        assert_eq!(wrapped.replace('\n', " "), long.replace('\n', " "));
    }

    #[test]
    fn hard_line_breaks_stay() {
        assert_eq!(
            wrap("one  \ntwo\\\nthree\nfour"),
            "one  \ntwo\\\nthree four"
        );
    }

    #[test]
    fn blocks_are_kept_as_they_are() {
        let long = "x ".repeat(60);
        let text = format!(
            "```\n{long}\n```\n| {long} |\n- {long}\n1. {long}\n    {long}\n# {long}\n> {long}"
        );
        assert_eq!(wrap(&text), text);
    }

    #[test]
    fn doc_attrs_keep_blank_lines() {
        let tokens = doc_attrs("a\n\nb").to_string();
        assert_eq!(tokens, "# [doc = \" a\"] # [doc = \"\"] # [doc = \" b\"]");
    }
}
