//! The command-line clients on random input, run as the generated programs
//! (`clouddb-mysql-plus` and `clouddb-css`), each case a new process:
//!
//! - random flag values (text, numbers at the edges, durations, JSON of any shape, a
//!   stray `--`, unknown flags), JSON bodies (`--body`, `--body-file`) and dry runs, against an endpoint where
//!   nothing listens: no run may panic or be killed, every run ends with one of the
//!   documented exit statuses, and a usage error (2) says what is wrong on standard error;
//! - answers of random JSON, written with random whitespace and every kind of token
//!   (escapes, surrogate pairs, `1.50`, `-0`, `1E+2`, integers beyond 64 bits): the
//!   re-indented output (`cli/src/call.rs`, `reformat`) keeps every token byte for byte,
//!   in pretty and in `--compact` form.
//!
//! The inputs come from a generator seeded per case (`fastrand`); a failure names the
//! arguments or the answer. CI runs the case counts below; a longer run multiplies them
//! (`CLOUDDB_FUZZ_SCALE`) and may pick another seed (`CLOUDDB_FUZZ_SEED`):
//!
//! ```text
//! CLOUDDB_FUZZ_SCALE=20 cargo test -p clouddb-conformance --test fuzz_cli
//! ```

use std::process::{Command, Stdio};

use clouddb_conformance::cli::{closed_endpoint, program, Cli, Run};
use clouddb_conformance::faults::{ScriptedServer, Step};

/// Runs of random flags in CI.
const FLAG_CASES: u64 = 160;
/// Random answers re-indented in CI.
const ANSWER_CASES: u64 = 80;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn rng(case: u64, salt: u64) -> fastrand::Rng {
    let seed = env_number("CLOUDDB_FUZZ_SEED", 0x5EED_2026);
    fastrand::Rng::with_seed(seed ^ salt ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A subcommand and its flags with the kind of value each takes (`None` for a switch).
struct Subcommand {
    name: String,
    flags: Vec<(String, Option<String>)>,
    /// The flags its usage line requires.
    required: Vec<String>,
}

/// Reads the subcommands and their flags from the program's own help.
fn subcommands(bin: &str) -> Vec<Subcommand> {
    let help = |args: &[&str]| {
        let output = Command::new(bin)
            .args(args)
            .env_clear()
            .stdin(Stdio::null())
            .output()
            .expect("the program runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let names: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .expect("the help lists commands")
        .lines()
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // A command's line is indented by two spaces; its wrapped description by more.
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .filter(|name| name != "help")
        .collect();
    names
        .into_iter()
        .map(|name| {
            let text = help(&[&name, "--help"]);
            let flags = text
                .lines()
                .filter_map(|line| {
                    let line = line
                        .trim_start()
                        .trim_start_matches("-h, ")
                        .trim_start_matches("-V, ");
                    let rest = line.strip_prefix("--")?;
                    let mut words = rest.split_whitespace();
                    let flag = words.next()?.to_owned();
                    let kind = words
                        .next()
                        .filter(|w| w.starts_with('<'))
                        .map(|w| w.trim_matches(|c| c == '<' || c == '>').to_owned());
                    Some((flag, kind))
                })
                // The endpoint and the attempts are set for every case.
                .filter(|(flag, _)| {
                    ![
                        "help",
                        "version",
                        "endpoint",
                        "config-file",
                        "max-attempts",
                        "connect-timeout",
                        "dry-run",
                    ]
                    .contains(&flag.as_str())
                })
                .collect();
            let required = text
                .lines()
                .find(|line| line.starts_with("Usage:"))
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|word| word.strip_prefix("--"))
                .map(str::to_owned)
                .collect();
            Subcommand {
                name,
                flags,
                required,
            }
        })
        .collect()
}

fn random_text(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..8) {
        0 => String::new(),
        1 => "-".to_owned(),
        2 => "--".to_owned(),
        3 => "x".repeat(rng.usize(1..5000)),
        4 => (0..rng.usize(1..10))
            .map(|_| rng.char(..))
            .filter(|c| *c != '\0')
            .collect(),
        5 => "{\"a\": [1, 2".to_owned(),
        _ => (0..rng.usize(1..12)).map(|_| rng.alphanumeric()).collect(),
    }
}

fn random_number(rng: &mut fastrand::Rng) -> String {
    let edges = [
        "0",
        "-1",
        "1",
        "2147483647",
        "2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "1e3",
        "1.5",
        "-0",
        "NaN",
        "inf",
        "1e400",
        " 7",
        "0x10",
        "",
    ];
    if rng.bool() {
        rng.i64(..).to_string()
    } else {
        edges[rng.usize(..edges.len())].to_owned()
    }
}

fn random_seconds(rng: &mut fastrand::Rng) -> String {
    let edges = [
        "0",
        "-1",
        "0.5",
        "1e20",
        "1e300",
        "inf",
        "NaN",
        "1e-300",
        "18446744073709551616",
        "0.000000001",
        "5",
        "1.7976931348623157e308",
        "x",
    ];
    edges[rng.usize(..edges.len())].to_owned()
}

/// JSON text of any shape, valid or not.
fn random_json_text(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0 => "[".repeat(200) + &"]".repeat(200),
        1 => "{\"a\":".repeat(150) + "1" + &"}".repeat(150),
        2 => "{".to_owned(),
        3 => "null".to_owned(),
        4 => "\"\\ud800\"".to_owned(),
        5 => random_text(rng),
        _ => json_value_text(rng, 3, false),
    }
}

/// A value that is likely valid for its kind, so that a case gets past the flags.
fn plausible_value(rng: &mut fastrand::Rng, kind: Option<&str>) -> String {
    match kind {
        Some("INTEGER" | "N") => rng.i32(1..100).to_string(),
        Some("NUMBER" | "SECONDS") => format!("{}.5", rng.u8(..9)),
        Some("JSON") => {
            ["{}", "[]", "{\"a\":1}", "[{\"k\":\"v\"}]", "\"x\"", "1"][rng.usize(..6)].to_owned()
        }
        _ => (0..rng.usize(1..12)).map(|_| rng.alphanumeric()).collect(),
    }
}

fn random_value(rng: &mut fastrand::Rng, kind: Option<&str>) -> String {
    if rng.u8(..4) != 0 {
        return plausible_value(rng, kind);
    }
    match kind {
        Some("INTEGER" | "N" | "NUMBER") => random_number(rng),
        Some("SECONDS") => random_seconds(rng),
        Some("JSON") => random_json_text(rng),
        _ if rng.u8(..10) == 0 => random_number(rng),
        _ => random_text(rng),
    }
}

/// A case's arguments: a subcommand, some of its flags with random values, sometimes an
/// unknown flag or a stray argument, sometimes `--dry-run`.
fn random_args(rng: &mut fastrand::Rng, subcommands: &[Subcommand], cli: &Cli) -> Vec<String> {
    let sub = &subcommands[rng.usize(..subcommands.len())];
    let mut args = vec![sub.name.clone()];
    // Most cases give few flags, mostly plausible, so that many get past the flags.
    let keep = rng.u8(1..4);
    for (flag, kind) in &sub.flags {
        if !sub.required.contains(flag) && rng.u8(..4) >= keep {
            continue;
        }
        match kind.as_deref() {
            None => args.push(format!("--{flag}")),
            Some("PATH" | "FILE") => {
                // A file, not standard input: a run that ends before reading its input
                // would break the pipe of the harness that writes it.
                let path = cli.write("body.json", &random_json_text(rng));
                args.push(format!("--{flag}"));
                args.push(path.to_string_lossy().into_owned());
            }
            Some("DIR") => {
                // Whatever a run writes goes to its own home, never to the working tree.
                args.push(format!("--{flag}"));
                args.push(cli.home().join("out").to_string_lossy().into_owned());
            }
            kind => {
                args.push(format!("--{flag}"));
                args.push(random_value(rng, kind));
            }
        }
    }
    match rng.u8(..12) {
        0 => args.push("--no-such-flag".to_owned()),
        1 => args.push("stray".to_owned()),
        2 => args.insert(0, "no-such-command".to_owned()),
        _ => {}
    }
    if rng.u8(..3) == 0 {
        args.push("--dry-run".to_owned());
    }
    args.extend(["--max-attempts", "1", "--connect-timeout", "2"].map(str::to_owned));
    args
}

/// The problems with a run, if any.
fn judge(run: &Run) -> Option<String> {
    let Some(code) = run.code else {
        return Some("killed by a signal".to_owned());
    };
    if run.stderr.contains("panicked") || code == 101 {
        return Some("panicked".to_owned());
    }
    if !(0..=5).contains(&code) {
        return Some(format!("undocumented exit status {code}"));
    }
    if code == 2 && !run.stderr.trim_start().starts_with("error:") {
        return Some("a usage error without a message".to_owned());
    }
    if code != 0 && run.stderr.trim().is_empty() {
        return Some(format!("exit status {code} without a message"));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_flags_never_panic_and_usage_errors_exit_2_with_a_message() {
    let cases = FLAG_CASES * env_number("CLOUDDB_FUZZ_SCALE", 1).max(1);
    let programs = [
        ("qingcloud-mysql-plus-cli", "clouddb-mysql-plus"),
        ("huaweicloud-css-cli", "clouddb-css"),
    ];
    let endpoint = closed_endpoint();
    let mut failures = Vec::new();
    let mut statuses = [0u32; 6];
    let mut usage = std::collections::BTreeMap::new();
    for (p, (package, bin)) in programs.iter().enumerate() {
        let bin = program(package, bin);
        let subcommands = subcommands(&bin);
        assert!(
            subcommands.len() > 40,
            "{bin}: {} subcommands",
            subcommands.len()
        );
        for case in 0..cases {
            let mut rng = rng(case, p as u64);
            let cli = if p == 0 {
                Cli::qingcloud(&bin, &endpoint)
            } else {
                Cli::huawei(&bin, &endpoint)
            };
            let args = random_args(&mut rng, &subcommands, &cli);
            let run = cli.args(&args).run().await;
            if let Some(code) = run.code.filter(|c| (0..=5).contains(c)) {
                statuses[code as usize] += 1;
            }
            if std::env::var_os("CLOUDDB_FUZZ_VERBOSE").is_some() {
                let first: String = run
                    .stderr
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(70)
                    .collect();
                *usage.entry(first).or_insert(0u32) += 1;
            }
            if let Some(problem) = judge(&run) {
                let stderr: String = run.stderr.chars().take(400).collect();
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a.char_indices().nth(60) {
                        Some((cut, _)) => format!("{}…", &a[..cut]),
                        None => a.clone(),
                    })
                    .collect();
                failures.push(format!(
                    "{bin} case {case}: {problem}\nargs: {args:?}\nstderr: {stderr}"
                ));
            }
        }
    }
    eprintln!(
        "{} runs; exit statuses 0-5: {statuses:?}; {} failing",
        2 * cases,
        failures.len()
    );
    for (message, count) in &usage {
        eprintln!("{count:5} {message}");
    }
    assert!(statuses[2] > 0, "no usage error was tried");
    assert!(
        failures.is_empty(),
        "{} failing run(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------
// The JSON re-indenter
// ---------------------------------------------------------------------------------------

fn whitespace(rng: &mut fastrand::Rng, on: bool) -> String {
    if !on {
        return String::new();
    }
    (0..rng.usize(..3))
        .map(|_| [" ", "\n", "\t", "\r\n"][rng.usize(..4)])
        .collect()
}

fn json_string(rng: &mut fastrand::Rng) -> String {
    format!("\"{}\"", json_string_body(rng))
}

/// The inside of a JSON string: text, escapes of every kind, JSON punctuation.
fn json_string_body(rng: &mut fastrand::Rng) -> String {
    let pieces = [
        "a",
        "Ω",
        "中",
        "😀",
        "\\\"",
        "\\\\",
        "\\/",
        "\\n",
        "\\t",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\u0000",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\\b\\f\\r",
    ];
    (0..rng.usize(..6))
        .map(|_| pieces[rng.usize(..pieces.len())])
        .collect()
}

fn json_number(rng: &mut fastrand::Rng) -> String {
    let numbers = [
        "0",
        "-0",
        "1.50",
        "1E+2",
        "1e-7",
        "-12.000",
        "123456789012345678901234567890",
        "18446744073709551615",
        "-9223372036854775808",
        "0.1",
        "2.5e308",
    ];
    if rng.bool() {
        rng.i64(..).to_string()
    } else {
        numbers[rng.usize(..numbers.len())].to_owned()
    }
}

/// JSON text with random whitespace between its tokens (`spaced`).
fn json_value_text(rng: &mut fastrand::Rng, depth: u32, spaced: bool) -> String {
    let choice = if depth == 0 { rng.u8(..5) } else { rng.u8(..7) };
    match choice {
        0 => json_string(rng),
        1 => json_number(rng),
        2 => ["true", "false", "null"][rng.usize(..3)].to_owned(),
        3 | 4 => json_string(rng),
        5 => {
            let items: Vec<String> = (0..rng.usize(..4))
                .map(|_| {
                    let (a, b) = (whitespace(rng, spaced), whitespace(rng, spaced));
                    format!("{a}{}{b}", json_value_text(rng, depth - 1, spaced))
                })
                .collect();
            let inner = if items.is_empty() {
                whitespace(rng, spaced)
            } else {
                items.join(",")
            };
            format!("[{inner}]")
        }
        _ => {
            // Keys are distinct, so that the parsed value has every field.
            let fields: Vec<String> = (0..rng.usize(..4))
                .map(|i| {
                    let (a, b, c, d) = (
                        whitespace(rng, spaced),
                        whitespace(rng, spaced),
                        whitespace(rng, spaced),
                        whitespace(rng, spaced),
                    );
                    let key = format!("\"k{i}{}\"", json_string_body(rng));
                    format!(
                        "{a}{key}{b}:{c}{}{d}",
                        json_value_text(rng, depth - 1, spaced)
                    )
                })
                .collect();
            let inner = if fields.is_empty() {
                whitespace(rng, spaced)
            } else {
                fields.join(",")
            };
            format!("{{{inner}}}")
        }
    }
}

/// The tokens of JSON text: strings as written, numbers and literals, punctuation.
fn tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\n' | b'\t' | b'\r' => i += 1,
            b'{' | b'}' | b'[' | b']' | b',' | b':' => {
                out.push(&text[i..i + 1]);
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push(&text[start..i]);
            }
            _ => {
                let start = i;
                while i < bytes.len() && !b" \n\t\r{}[],:\"".contains(&bytes[i]) {
                    i += 1;
                }
                out.push(&text[start..i]);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_re_indented_with_every_token_kept_byte_for_byte() {
    let cases = ANSWER_CASES * env_number("CLOUDDB_FUZZ_SCALE", 1).max(1);
    let bin = program("qingcloud-mysql-plus-cli", "clouddb-mysql-plus");
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut rng = rng(case, 0xA115);
        // The answer must have the operation's shape (an object with `ret_code` 0); the
        // random JSON goes into fields the spec does not describe, which are printed too.
        let extra = json_value_text(&mut rng, 4, true);
        let (a, b, c) = (
            whitespace(&mut rng, true),
            whitespace(&mut rng, true),
            whitespace(&mut rng, true),
        );
        let answer = format!("{a}{{{b}\"ret_code\"{c}:{a}0{b},{c}\"zz_fuzz\":{a}{extra}{b}}}{c}");
        if serde_json::from_str::<serde_json::Value>(&answer).is_err() {
            // Some strings (a lone surrogate escape) are not valid JSON for the parser.
            continue;
        }
        let compact = rng.bool();
        let server = ScriptedServer::start(vec![Step::answer(200, &answer)]).await;
        let mut cli =
            Cli::qingcloud(&bin, &server.uri()).args(["describe-clusters", "--max-attempts", "1"]);
        if compact {
            cli = cli.args(["--compact"]);
        }
        let run = cli.run().await;
        let problem = if run.code != Some(0) {
            Some(format!("exit status {:?}: {}", run.code, run.stderr))
        } else if tokens(run.stdout.trim_end()) != tokens(&answer) {
            Some(format!("the tokens changed\noutput: {}", run.stdout))
        } else if compact && run.stdout.trim_end().lines().count() != 1 {
            Some(format!(
                "--compact printed more than one line: {}",
                run.stdout
            ))
        } else if !compact && !pretty_layout_matches(&run.stdout) {
            Some(format!("not serde_json's pretty layout: {}", run.stdout))
        } else {
            None
        };
        if let Some(problem) = problem {
            failures.push(format!(
                "case {case} (compact: {compact}): {problem}\nanswer: {answer}"
            ));
        }
    }
    eprintln!("{cases} answers re-indented, {} failing", failures.len());
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Whether pretty output is laid out line by line as `serde_json::to_string_pretty` lays
/// out the same value (numbers compared as written, so only the layout is checked).
fn pretty_layout_matches(output: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(output) else {
        return false;
    };
    let Ok(expected) = serde_json::to_string_pretty(&value) else {
        return false;
    };
    let indents = |text: &str| -> Vec<usize> {
        text.trim_end()
            .lines()
            .map(|line| line.len() - line.trim_start().len())
            .collect()
    };
    // Object keys may be sorted differently by the parsed value; the indentation of each
    // line does not depend on that.
    let mut got = indents(output);
    let mut want = indents(&expected);
    got.sort_unstable();
    want.sort_unstable();
    got == want
}
