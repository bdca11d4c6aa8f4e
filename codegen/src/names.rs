//! Every naming rule of the generator: how spec names become Rust identifiers. Naming is
//! decided here, during lowering, and the IR carries the final names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions up to 2024) that can be used as raw
/// identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Why a spec name cannot become a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(pub String);

/// The snake_case field, parameter or method name for a spec name (`jobId` → `job_id`,
/// `type` → `r#type`, `X-Language` → `x_language`).
pub fn snake_ident(spec_name: &str) -> Result<String, NameError> {
    let snake = spec_name.to_snake_case();
    let snake = prefix_leading_digit(&snake, "n");
    check_ascii_ident(spec_name, &snake)?;
    Ok(escape_keyword(&snake))
}

/// The UpperCamelCase type name for a spec name (`mysql_flavors_info` → `MysqlFlavorsInfo`).
pub fn type_ident(spec_name: &str) -> Result<String, NameError> {
    let camel = spec_name.to_upper_camel_case();
    let camel = prefix_leading_digit(&camel, "T");
    check_ascii_ident(spec_name, &camel)?;
    Ok(escape_keyword(&camel))
}

/// The enum variant for a string enum value (`en-us` → `EnUs`, `8.0` → `V80`).
pub fn variant_ident(value: &str) -> Result<String, NameError> {
    if value.is_empty() {
        return Ok("Empty".to_owned());
    }
    let camel = value.to_upper_camel_case();
    let camel = prefix_leading_digit(&camel, "V");
    check_ascii_ident(value, &camel)?;
    Ok(escape_keyword(&camel))
}

/// The type name of a schema written inline in a property or parameter: the owner's name
/// followed by the member's (`ShrinkClusterRequest` + `type` → `ShrinkClusterRequestType`).
pub fn nested_type_ident(owner: &str, member: &str) -> Result<String, NameError> {
    type_ident(&format!("{owner}_{}", member.to_snake_case()))
}

/// The name of the struct holding an operation's whole input.
pub fn input_ident(operation_type: &str) -> String {
    format!("{operation_type}Input")
}

/// The name of an operation's request builder.
pub fn builder_ident(operation_type: &str) -> String {
    format!("{operation_type}Builder")
}

/// The name of the enum an operation returns when its success statuses have different
/// bodies.
pub fn output_ident(operation_type: &str) -> String {
    format!("{operation_type}Output")
}

/// The name of the generated package for a spec file (`spec/huaweicloud/css.yaml` →
/// `huaweicloud-css`): the vendor folder, a dash, the file stem.
pub fn crate_name(vendor_dir: &str, file_stem: &str) -> String {
    format!("{vendor_dir}-{file_stem}")
}

/// The name of the generated package for a spec path relative to the workspace root
/// (`spec/huaweicloud/css.yaml` → `huaweicloud-css`), by [`crate_name`].
pub fn crate_name_of_spec(file: &str) -> String {
    let path = std::path::Path::new(file);
    let vendor = path
        .parent()
        .and_then(std::path::Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate_name(&vendor, &stem)
}

/// The name of the generated library for a package name (`huaweicloud-css` → `huaweicloud_css`).
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// The package name of a service's command-line client (`huaweicloud-css` →
/// `huaweicloud-css-cli`).
pub fn cli_crate_name(crate_name: &str) -> String {
    format!("{crate_name}-cli")
}

/// The program name of a service's command-line client, from its spec file's stem
/// (`css` → `clouddb-css`).
pub fn cli_bin_name(spec_stem: &str) -> String {
    format!("clouddb-{spec_stem}")
}

/// Flags every command-line client defines itself (clap's, the shared ones, those of
/// paged, job, file and body operations, and both vendors'); a parameter whose flag would
/// take one of these names gets `-param` appended. Kept in step with `clouddb-cli` by hand;
/// `tests/tests/cli_flags_reserved.rs` fails when a program has a flag this list lacks.
pub const RESERVED_FLAGS: &[&str] = &[
    "help",
    "version",
    "body",
    "body-file",
    "dry-run",
    "compact",
    "query",
    "output",
    "max-attempts",
    "connect-timeout",
    "attempt-timeout",
    "call-timeout",
    "all",
    "wait",
    "wait-interval",
    "wait-timeout",
    "output-file",
    "region",
    "endpoint",
    "project-id",
    "language",
    "zone",
    "config-file",
];

/// The subcommand of an operation: its method name in kebab-case
/// (`list_immediate_jobs` → `list-immediate-jobs`).
pub fn subcommand_name(method_name: &str) -> String {
    method_name.trim_start_matches("r#").replace('_', "-")
}

/// The flag of a parameter: its Rust name in kebab-case (`job_id` → `job-id`, `r#type` →
/// `type`), with `-param` appended when the CLI already uses the name.
pub fn flag_name(param_name: &str) -> String {
    let flag = param_name
        .trim_start_matches("r#")
        .trim_end_matches('_')
        .replace('_', "-");
    if RESERVED_FLAGS.contains(&flag.as_str()) {
        format!("{flag}-param")
    } else {
        flag
    }
}

fn prefix_leading_digit(name: &str, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name.to_owned()
    }
}

fn check_ascii_ident(spec_name: &str, ident: &str) -> Result<(), NameError> {
    let valid = !ident.is_empty()
        && ident.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && ident.chars().any(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(NameError(format!(
            "`{spec_name}` does not give an ASCII Rust identifier (got `{ident}`)"
        )))
    }
}

fn escape_keyword(ident: &str) -> String {
    if NON_RAW_KEYWORDS.contains(&ident) {
        format!("{ident}_")
    } else if RAW_KEYWORDS.contains(&ident) {
        format!("r#{ident}")
    } else {
        ident.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_idents() {
        let cases = [
            ("jobId", "job_id"),
            ("job_id", "job_id"),
            ("X-Language", "x_language"),
            ("type", "r#type"),
            ("self", "self_"),
            ("availability_zone_mode", "availability_zone_mode"),
            ("ListEngineVersions", "list_engine_versions"),
            ("2fa", "n2fa"),
            ("az_status", "az_status"),
        ];
        for (input, expected) in cases {
            assert_eq!(snake_ident(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn type_idents() {
        let cases = [
            ("MysqlFlavorsInfo", "MysqlFlavorsInfo"),
            ("mysql_flavors_info", "MysqlFlavorsInfo"),
            ("ApiError", "ApiError"),
            ("2xx", "T2xx"),
        ];
        for (input, expected) in cases {
            assert_eq!(type_ident(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn variant_idents() {
        let cases = [
            ("en-us", "EnUs"),
            ("Completed", "Completed"),
            ("done with failure", "DoneWithFailure"),
            ("8.0", "V80"),
            ("", "Empty"),
            ("generalX86", "GeneralX86"),
        ];
        for (input, expected) in cases {
            assert_eq!(variant_ident(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn cli_names() {
        assert_eq!(
            subcommand_name("list_immediate_jobs"),
            "list-immediate-jobs"
        );
        let flags = [
            ("job_id", "job-id"),
            ("r#type", "type"),
            ("self_", "self"),
            ("x_client_token", "x-client-token"),
            ("region", "region-param"),
            ("body_file", "body-file-param"),
        ];
        for (input, expected) in flags {
            assert_eq!(flag_name(input), expected, "{input}");
        }
        assert_eq!(cli_crate_name("huaweicloud-css"), "huaweicloud-css-cli");
        assert_eq!(cli_bin_name("gaussdb-mysql"), "clouddb-gaussdb-mysql");
    }

    #[test]
    fn non_ascii_names_are_errors() {
        assert!(snake_ident("名称").is_err());
        assert!(variant_ident("正常").is_err());
        assert!(type_ident("--").is_err());
    }

    #[test]
    fn nested_and_operation_names() {
        assert_eq!(
            nested_type_ident("ShrinkClusterRequest", "type").as_deref(),
            Ok("ShrinkClusterRequestType")
        );
        assert_eq!(
            nested_type_ident("ListFlavors", "availability_zone_mode").as_deref(),
            Ok("ListFlavorsAvailabilityZoneMode")
        );
        assert_eq!(input_ident("RestartCluster"), "RestartClusterInput");
        assert_eq!(builder_ident("RestartCluster"), "RestartClusterBuilder");
        assert_eq!(output_ident("RestartCluster"), "RestartClusterOutput");
        assert_eq!(
            crate_name("huaweicloud", "gaussdb-mysql"),
            "huaweicloud-gaussdb-mysql"
        );
        assert_eq!(
            lib_name("huaweicloud-gaussdb-mysql"),
            "huaweicloud_gaussdb_mysql"
        );
    }
}
