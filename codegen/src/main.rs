//! Command line of the generator: `cargo run -p codegen` regenerates every crate from
//! `spec/`; `--check` only reports (and exits non-zero) when `generated/` is not fresh.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::{GenerateError, Settings};

const USAGE: &str = "usage: codegen [--check] [--root DIR]

Regenerates every crate in generated/ from the specs in spec/.
  --check     write nothing; exit 1 and list the files that differ
  --root DIR  the workspace root (default: the repository this binary was built from)";

fn main() -> ExitCode {
    let mut check = false;
    let mut root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let settings = Settings::new(root);
    let result = if check {
        codegen::check(&settings)
    } else {
        codegen::write_all(&settings)
    };
    match result {
        Ok(paths) if check && !paths.is_empty() => {
            eprintln!("generated/ is not fresh; these files differ from what the specs produce:");
            for path in &paths {
                eprintln!("  {path}");
            }
            eprintln!("run `cargo run -p codegen` and commit the result");
            ExitCode::FAILURE
        }
        Ok(_) if check => {
            println!("generated/ is fresh");
            ExitCode::SUCCESS
        }
        Ok(paths) => {
            for path in &paths {
                println!("wrote {path}");
            }
            println!("{} file(s) changed", paths.len());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            match error {
                GenerateError::Spec(_) => ExitCode::from(3),
                GenerateError::Io(_) | GenerateError::Internal(_) => ExitCode::from(4),
            }
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
