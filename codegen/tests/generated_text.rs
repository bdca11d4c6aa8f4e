//! The committed generated code reads as written by hand: checks over every generated
//! Rust file for layout slips that compile but no person would write.

use std::fs;
use std::path::{Path, PathBuf};

/// Every generated and golden Rust file with its text.
fn generated_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("generated"), &mut files);
    rust_files(&root.join("codegen/tests/golden"), &mut files);
    files
        .into_iter()
        .map(|file| {
            let text = fs::read_to_string(&file).expect("a generated file is UTF-8");
            (file, text)
        })
        .collect()
}

/// Token spacings that only prettyplease's raw-token printing produces.
const ARTEFACTS: [&str; 5] = [". await", "() .", "(& ", ", & ", "() ["];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("the generated folders are readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// prettyplease prints the arguments of a macro call as raw tokens
/// (`server.requests(). await .len()`, `& body`), so emitters keep anything but plain
/// paths, literals and names out of macro calls.
#[test]
fn generated_code_has_no_raw_token_spacing() {
    let mut found = Vec::new();
    for (file, text) in generated_files() {
        for (number, line) in text.lines().enumerate() {
            // String literals may hold anything; look at the code around them.
            let code: String = line.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
            if ARTEFACTS.iter().any(|a| code.contains(a)) {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "generated code inside a macro call printed as raw tokens; build it outside the macro (a `let` before it):\n{}",
        found.join("\n")
    );
}

/// An item's doc comment comes first and its attributes (`#[cfg(feature = ..)]`, derives)
/// after it, as a person writes them.
#[test]
fn doc_comments_come_before_attributes() {
    let mut found = Vec::new();
    for (file, text) in generated_files() {
        // Open brackets of the attribute being read, and whether the lines read since the
        // last item are attributes.
        let (mut depth, mut attribute_above) = (0usize, false);
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            if depth == 0 && line.starts_with("///") && attribute_above {
                found.push(format!("{}:{}", file.display(), number + 1));
            }
            if depth > 0 || line.starts_with("#[") {
                let code: String = line.split('"').step_by(2).collect();
                depth += code.matches('[').count();
                depth = depth.saturating_sub(code.matches(']').count());
                attribute_above = true;
            } else if !line.starts_with("///") {
                attribute_above = false;
            }
        }
    }
    assert!(
        found.is_empty(),
        "a doc comment under an attribute (emit the docs first, then the attributes):\n{}",
        found.join("\n")
    );
}

/// The names a generated library re-exports at its root (`pub use` items of `src/lib.rs`).
fn root_reexports(lib_rs: &str) -> Vec<String> {
    fn names(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => names(&path.tree, out),
            syn::UseTree::Name(name) => out.push(name.ident.to_string()),
            syn::UseTree::Rename(rename) => out.push(rename.rename.to_string()),
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| names(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let file = syn::parse_file(lib_rs).expect("a generated lib.rs parses");
    let mut out = Vec::new();
    for item in &file.items {
        if let syn::Item::Use(used) = item {
            if matches!(used.vis, syn::Visibility::Public(_)) {
                names(&used.tree, &mut out);
            }
        }
    }
    out
}

/// A schema must not take a name the crate root re-exports (`crate::ApiError` beside
/// `crate::types::ApiError` would be two different types of one name); spec/README.md
/// says how such schemas are named instead.
#[test]
fn schema_names_leave_the_crate_root_alone() {
    let settings = codegen::Settings::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    let mut found = Vec::new();
    for target in &settings.targets {
        let files = codegen::spec_files(&settings, &target.spec_dir).expect("the specs are listed");
        for file in files {
            let service = codegen::lower_file(&settings, &file)
                .unwrap_or_else(|e| panic!("{file} lowers: {e:?}"));
            let lib_rs = settings
                .root
                .join(&target.out_dir)
                .join(&service.crate_name)
                .join("src/lib.rs");
            let lib_rs = fs::read_to_string(&lib_rs).expect("the generated lib.rs is readable");
            let root = root_reexports(&lib_rs);
            for def in service.types.iter().filter(|t| root.contains(&t.name)) {
                found.push(format!(
                    "{file}: {}: the schema's Rust name `{}` is also `crate::{}`; rename the schema (spec/README.md, Schemas)",
                    def.pointer, def.name, def.name
                ));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
