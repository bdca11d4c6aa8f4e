//! codegen names a parameter's flag after the parameter unless `clouddb-cli` already uses
//! the name (`codegen::names::RESERVED_FLAGS`, then `-param` is appended). That list is
//! kept by hand; this test builds real programs (one per vendor) and fails when one has a
//! flag of its own that the list lacks. A program's own flags are its global flags and,
//! on each subcommand, the flags that are neither a parameter's (named by codegen) nor a
//! body field's (under a help heading).

use std::collections::BTreeSet;

use clouddb_cli::Program;

/// The flags of `program` that `clouddb-cli` defines itself.
fn own_flags(program: &dyn Program, bin: &str, spec: &str) -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let service = codegen::lower_file(&codegen::Settings::new(root), spec)
        .unwrap_or_else(|e| panic!("{spec} lowers: {e:?}"));
    let mut command = program.command(bin, true);
    command.build();
    let longs = |command: &clap::Command| -> Vec<(String, bool)> {
        command
            .get_arguments()
            .filter_map(|a| Some((a.get_long()?.to_owned(), a.get_help_heading().is_some())))
            .collect()
    };
    let globals: BTreeSet<String> = longs(&command).into_iter().map(|(l, _)| l).collect();
    let mut own = globals.clone();
    for op in &service.operations {
        let name = codegen::names::subcommand_name(&op.method_name);
        let sub = command
            .find_subcommand(&name)
            .unwrap_or_else(|| panic!("{bin} has the subcommand {name}"));
        let params: BTreeSet<String> = op
            .params
            .iter()
            .map(|p| codegen::names::flag_name(&p.name))
            .collect();
        own.extend(
            longs(sub)
                .into_iter()
                .filter(|(long, field)| !field && !params.contains(long))
                .map(|(long, _)| long),
        );
    }
    own
}

#[test]
fn reserved_flags_cover_every_flag_of_the_programs() {
    let programs: [(&dyn Program, &str, &str); 2] = [
        (
            &huaweicloud_css_cli::PROGRAM,
            "clouddb-css",
            "spec/huaweicloud/css.yaml",
        ),
        (
            &qingcloud_mysql_plus_cli::PROGRAM,
            "clouddb-mysql-plus",
            "spec/qingcloud/mysql-plus.yaml",
        ),
    ];
    for (program, bin, spec) in programs {
        let missing: Vec<String> = own_flags(program, bin, spec)
            .into_iter()
            .filter(|flag| !codegen::names::RESERVED_FLAGS.contains(&flag.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{bin} defines {}, which codegen's RESERVED_FLAGS (codegen/src/names.rs) lacks: add {} there and run `cargo run -p codegen`",
            missing.iter().map(|f| format!("--{f}")).collect::<Vec<_>>().join(", "),
            missing.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", "),
        );
    }
}
