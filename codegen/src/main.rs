//! Command line of the generator.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in std::env::args().skip(1) {
        let doc = match codegen::load::load(&root.join(&file), &file) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        match codegen::lower::lower(&doc, "x") {
            Ok(service) => println!("{service:#?}"),
            Err(e) => eprintln!("{e}"),
        }
    }
}
