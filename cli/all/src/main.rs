//! `clouddb`: one command-line client for every service, `clouddb <service> <operation>`
//! (`clouddb gaussdb-mysql list-instances`), next to the per-service programs
//! (`clouddb-gaussdb-mysql`). Each service is the generated CLI crate's `PROGRAM` behind a
//! Cargo feature; `clouddb-cli` does the rest. Run it with `--help`.

#![warn(missing_docs, unreachable_pub)]

use clouddb_cli::Program;

/// The services compiled in, in the order `--help` lists them.
static PROGRAMS: &[&dyn Program] = &[
    #[cfg(feature = "gaussdb-mysql")]
    &huaweicloud_gaussdb_mysql_cli::PROGRAM,
    #[cfg(feature = "css")]
    &huaweicloud_css_cli::PROGRAM,
    #[cfg(feature = "dws")]
    &huaweicloud_dws_cli::PROGRAM,
    #[cfg(feature = "mysql-plus")]
    &qingcloud_mysql_plus_cli::PROGRAM,
];

fn main() -> std::process::ExitCode {
    clouddb_cli::main_all(PROGRAMS)
}
