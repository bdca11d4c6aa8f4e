//! Regenerating every spec from scratch without writing: what `codegen::check` does (load
//! and parse each YAML document, validate and lower it, emit every crate, format it, and
//! compare it with the files on disk), for the vendor specs and the golden fixtures.
//!
//! The same group also times the phases on their own, so a slow run shows where the time
//! goes: `lower` (load, parse, validate, lower), `generate` (that plus emitting and
//! formatting) and `check` (that plus reading and comparing the files on disk).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::Settings;
use criterion::{criterion_group, criterion_main, Criterion};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the codegen crate is inside the workspace")
        .to_path_buf()
}

/// Loads and lowers every spec of every target, as the first phase of `generate` does.
fn lower_all(settings: &Settings) -> usize {
    let mut services = 0;
    for target in &settings.targets {
        for file in codegen::spec_files(settings, &target.spec_dir).expect("the spec folder reads")
        {
            codegen::lower_file(settings, &file).expect("the spec lowers");
            services += 1;
        }
    }
    services
}

fn regenerate(c: &mut Criterion) {
    let settings = Settings::new(workspace_root());
    let differing = codegen::check(&settings).expect("every spec generates");
    if !differing.is_empty() {
        // Still a full regeneration; the comparison just finds differences.
        eprintln!(
            "note: {} generated file(s) differ from their specs: {}",
            differing.len(),
            differing.join(", ")
        );
    }
    eprintln!("codegen: {} spec(s)", lower_all(&settings));

    let mut group = c.benchmark_group("codegen/all-specs");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("check", |b| {
        b.iter(|| codegen::check(black_box(&settings)).expect("every spec generates"))
    });
    group.bench_function("generate", |b| {
        b.iter(|| codegen::generate(black_box(&settings)).expect("every spec generates"))
    });
    group.bench_function("lower", |b| b.iter(|| lower_all(black_box(&settings))));
    group.finish();
}

criterion_group!(benches, regenerate);
criterion_main!(benches);
