//! Output: formatting emitted tokens with prettyplease, heading every file as generated,
//! writing only files whose content changed, removing stale ones, and the drift check.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use syn::parse::Parser;

use crate::emit::{FileKind, OutputFile, RustChunk};
use crate::ir::Service;

/// A generated file, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Path relative to the workspace root.
    pub path: String,
    /// Final content.
    pub contents: String,
}

/// A generated file, or a slice of one, formatted but not yet headed.
#[derive(Debug)]
pub struct Formatted {
    /// Path relative to the workspace root.
    pub path: String,
    /// Whether it is Rust code (headed with `//` comments, its items separated).
    pub rust: bool,
    /// The formatted code, or the text.
    pub contents: String,
}

/// Formats an emitted file's chunks with prettyplease; an error here is a generator bug,
/// reported with the path.
pub fn format(file: OutputFile) -> Result<Formatted, String> {
    let (rust, contents) = match file.kind {
        FileKind::Text(text) => (false, text),
        FileKind::Rust(chunks) => {
            let mut code = String::new();
            for chunk in chunks {
                code.push_str(&format_chunk(&file.path, chunk)?);
            }
            (true, code)
        }
    };
    Ok(Formatted {
        path: file.path,
        rust,
        contents,
    })
}

/// Joins consecutive slices of the same Rust file and heads every Rust file with the
/// header of its service.
pub fn assemble<'a>(
    pieces: impl IntoIterator<Item = (Formatted, &'a Service)>,
) -> Vec<RenderedFile> {
    let mut files: Vec<(Formatted, &Service)> = Vec::new();
    for (piece, service) in pieces {
        match files.last_mut() {
            Some((last, _)) if last.rust && piece.rust && last.path == piece.path => {
                last.contents.push_str(&piece.contents);
            }
            _ => files.push((piece, service)),
        }
    }
    files
        .into_iter()
        .map(|(file, service)| RenderedFile {
            contents: if file.rust {
                let header = crate::emit::header("//", service);
                format!("{header}{}", separate_items(&file.contents))
            } else {
                file.contents
            },
            path: file.path,
        })
        .collect()
}

/// Formats one chunk of a file with prettyplease, its gate put on every item after the
/// item's doc comment (so that the docs stay first, as a person writes them).
fn format_chunk(path: &str, chunk: RustChunk) -> Result<String, String> {
    let invalid = |e: syn::Error| format!("{path}: the generator emitted invalid Rust: {e}");
    let mut parsed = syn::parse_file(&chunk.tokens).map_err(invalid)?;
    if !chunk.gate.is_empty() {
        let gate = syn::Attribute::parse_outer
            .parse_str(&chunk.gate)
            .map_err(invalid)?;
        for item in &mut parsed.items {
            let attrs =
                item_attrs(item).ok_or_else(|| format!("{path}: an item that cannot be gated"))?;
            let after_docs = attrs
                .iter()
                .take_while(|a| a.path().is_ident("doc"))
                .count();
            attrs.splice(after_docs..after_docs, gate.iter().cloned());
        }
    }
    Ok(prettyplease::unparse(&parsed))
}

/// The attributes of an item.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Puts a blank line between items (prettyplease prints them back to back): after a
/// module's own docs, and between an item that ends and the next at the same indentation.
fn separate_items(code: &str) -> String {
    const STARTS: [&str; 14] = [
        "///",
        "#[",
        "pub ",
        "pub(crate) ",
        "fn ",
        "async fn ",
        "impl",
        "static ",
        "const ",
        "mod ",
        "struct ",
        "enum ",
        "type ",
        "#![",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (p, c) = (prev.trim_start(), line.trim_start());
            // A comment line ending in `;` (wrapped docs) ends nothing.
            let ends_item = p == "}" || p == "};" || (p.ends_with(';') && !p.starts_with("//"));
            let starts_item = STARTS.iter().any(|s| c.starts_with(s)) && !c.starts_with("pub use ");
            let after_module_docs = p.starts_with("//!") && !c.starts_with("//!");
            // Bare module declarations are a list, like `use` lines; a `use` after another
            // item starts a group of its own.
            let declarations = is_mod_declaration(p) && is_mod_declaration(c);
            let starts_item = (starts_item || is_use(c)) && !(is_use(p) && is_use(c));
            if after_module_docs
                || (ends_item && starts_item && !declarations && indent(prev) == indent(line))
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// Whether a line is a whole `mod name;` declaration (no body, no attribute before it).
fn is_mod_declaration(line: &str) -> bool {
    let rest = line
        .strip_prefix("pub ")
        .or_else(|| line.strip_prefix("pub(crate) "))
        .unwrap_or(line);
    rest.starts_with("mod ") && rest.ends_with(';')
}

/// Whether a line starts a `use` declaration.
fn is_use(line: &str) -> bool {
    ["use ", "pub use ", "pub(crate) use "]
        .iter()
        .any(|s| line.starts_with(s))
}

/// Writes the files under `root` whose content differs, and removes files under
/// `root/out_dir` that were not generated. Returns the paths written or removed.
pub fn write(root: &Path, out_dir: &str, files: &[RenderedFile]) -> std::io::Result<Vec<String>> {
    let mut changed = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &file.contents)?;
            changed.push(file.path.clone());
        }
    }
    for stale in stale_files(root, out_dir, files)? {
        fs::remove_file(root.join(&stale))?;
        changed.push(stale);
    }
    remove_empty_dirs(&root.join(out_dir))?;
    Ok(changed)
}

/// The paths whose committed content differs from `files`, plus stale files.
pub fn drift(root: &Path, out_dir: &str, files: &[RenderedFile]) -> std::io::Result<Vec<String>> {
    let mut differing: Vec<String> = files
        .iter()
        .filter(|f| {
            fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str())
        })
        .map(|f| f.path.clone())
        .collect();
    differing.extend(stale_files(root, out_dir, files)?);
    differing.sort();
    Ok(differing)
}

/// Files under `root/out_dir` that the generator did not produce.
fn stale_files(root: &Path, out_dir: &str, files: &[RenderedFile]) -> std::io::Result<Vec<String>> {
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut found = Vec::new();
    list_files(&root.join(out_dir), &mut found)?;
    let mut stale = Vec::new();
    for path in found {
        let relative = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if !wanted.contains(relative.as_str()) {
            stale.push(relative);
        }
    }
    stale.sort();
    Ok(stale)
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> std::io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_declarations_are_a_list_and_uses_a_group() {
        let code =
            "//! Docs.\nmod a;\nmod b;\npub mod c;\nuse x::Y;\npub use z::W;\nstatic S: i32 = 1;\n";
        let want = "//! Docs.\n\nmod a;\nmod b;\npub mod c;\n\nuse x::Y;\npub use z::W;\n\nstatic S: i32 = 1;\n";
        assert_eq!(separate_items(code), want);
    }

    #[test]
    fn items_are_separated_but_statements_and_fields_are_not() {
        let code = "//! Docs.\nuse a::b;\nuse c::d;\npub struct A {\n    x: i32,\n    y: i32,\n}\nimpl A {\n    fn f() {\n        let x = 1;\n        g(x);\n    }\n    fn h() {}\n}\nstatic S: i32 = 1;\n/// Doc.\npub fn k() {}\n";
        let want = "//! Docs.\n\nuse a::b;\nuse c::d;\n\npub struct A {\n    x: i32,\n    y: i32,\n}\n\nimpl A {\n    fn f() {\n        let x = 1;\n        g(x);\n    }\n\n    fn h() {}\n}\n\nstatic S: i32 = 1;\n\n/// Doc.\npub fn k() {}\n";
        assert_eq!(separate_items(code), want);
    }

    #[test]
    fn doc_lines_ending_in_a_semicolon_stay_together() {
        let code = "/// One clause;\n/// the next.\npub struct A;\n";
        assert_eq!(separate_items(code), code);
    }
}
