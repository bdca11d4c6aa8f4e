//! Writes the table of every operation of the generated crates this package tests
//! (`$OUT_DIR/operations.rs`), for the decoding fuzz test (`tests/fuzz_decode.rs`): one
//! entry per `*Input` type that a crate's `operations` module exports, with the spec file
//! it was generated from. Reading the generated sources keeps the table complete as
//! operations are added, without a hand-kept list.

use std::fmt::Write as _;
use std::path::Path;

/// The generated crates among this package's dev-dependencies: directory and crate name.
const CRATES: [(&str, &str); 6] = [
    (
        "codegen/tests/golden/fixture-showcase-action",
        "fixture_showcase_action",
    ),
    (
        "codegen/tests/golden/fixture-showcase-rest",
        "fixture_showcase_rest",
    ),
    ("generated/huaweicloud-css", "huaweicloud_css"),
    ("generated/huaweicloud-dws", "huaweicloud_dws"),
    (
        "generated/huaweicloud-gaussdb-mysql",
        "huaweicloud_gaussdb_mysql",
    ),
    ("generated/qingcloud-mysql-plus", "qingcloud_mysql_plus"),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the package is inside the workspace");
    let mut table = String::from(
        "/// Every operation of the tested generated crates: `(spec file, decoder entry)`.\n\
         pub(crate) fn operations() -> ::std::vec::Vec<Entry> {\n    ::std::vec![\n",
    );
    for (dir, crate_name) in CRATES {
        let module = root.join(dir).join("src/operations/mod.rs");
        println!("cargo:rerun-if-changed={}", module.display());
        let text = std::fs::read_to_string(&module)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", module.display()));
        let spec = text
            .lines()
            .next()
            .and_then(|line| line.split(" from ").nth(1))
            .and_then(|rest| rest.split(". Do not edit").next())
            .unwrap_or_else(|| panic!("{} does not name its spec", module.display()));
        let mut inputs = Vec::new();
        for statement in text.split("pub use ").skip(1) {
            let statement = statement.split(';').next().unwrap_or_default();
            let Some((module, items)) = statement.split_once("::") else {
                continue;
            };
            for item in items.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if item.ends_with("Input") && item.starts_with(|c: char| c.is_ascii_uppercase()) {
                    inputs.push((module.trim().to_owned(), item.to_owned()));
                }
            }
        }
        inputs.sort_unstable();
        inputs.dedup();
        assert!(
            !inputs.is_empty(),
            "{} exports no operation",
            module.display()
        );
        for (file, input) in inputs {
            let source = root.join(dir).join(format!("src/operations/{file}.rs"));
            println!("cargo:rerun-if-changed={}", source.display());
            let source = std::fs::read_to_string(&source)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", source.display()));
            // A file answer is its bytes: decoded, never encoded as JSON.
            let function =
                if source.contains("type Output = ::clouddb_runtime::export::bytes::Bytes;") {
                    "file_entry"
                } else {
                    "entry"
                };
            let _ = writeln!(
                table,
                "        {function}::<{crate_name}::operations::{input}>({spec:?}),"
            );
        }
    }
    table.push_str("    ]\n}\n");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("operations.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
