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
