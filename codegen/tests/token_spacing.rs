//! The generated code reads as written by hand: prettyplease prints the arguments of a
//! macro call as raw tokens (`server.requests(). await .len()`, `& body`), so emitters keep
//! anything but plain paths, literals and names out of macro calls. This test finds the
//! traces such tokens leave in the committed output.

use std::fs;
use std::path::{Path, PathBuf};

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

#[test]
fn generated_code_has_no_raw_token_spacing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("generated"), &mut files);
    rust_files(&root.join("codegen/tests/golden"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("a generated file is UTF-8");
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
