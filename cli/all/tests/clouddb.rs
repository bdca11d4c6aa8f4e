//! Tests of the all-in-one `clouddb` against the conformance harness's local servers: it
//! dispatches `clouddb <service> <operation>`, QingCloud's rebuild takes the node id as a
//! flag and waits for its job, `--wait` shows a live progress line on a terminal (run under
//! a pseudo-terminal, its screen read back with a terminal emulator) and plain lines
//! elsewhere, and the whole program's completions and man pages.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

use clouddb_conformance::cli::Cli;
use clouddb_conformance::{huawei, qingcloud, TestServer as _};

const BIN: &str = env!("CARGO_BIN_EXE_clouddb");

#[tokio::test]
async fn help_lists_every_service_and_each_service_its_operations() {
    let run = Cli::new(BIN).args(["--help"]).run().await;
    run.expect_exit(0).expect_stdout("Exit status:");
    for service in [
        "gaussdb-mysql",
        "css",
        "dws",
        "mysql-plus",
        "completion",
        "man",
    ] {
        run.expect_stdout(&format!("\n  {service} "));
    }
    let css = Cli::new(BIN).args(["css", "--help"]).run().await;
    css.expect_exit(0)
        .expect_stdout("Usage: clouddb css [OPTIONS] <COMMAND>")
        .expect_stdout("list-clusters-details");
    let op = Cli::new(BIN)
        .args(["css", "create-cluster", "--help"])
        .run()
        .await;
    op.expect_exit(0)
        .expect_stdout("--cluster.instance.volume.size <INTEGER>")
        .expect_stdout("Example:\n  clouddb css create-cluster --cluster.name ");
    Cli::new(BIN).args(["nonsense"]).run().await.expect_exit(2);
    Cli::new(BIN)
        .args(["css", "no-such-operation"])
        .run()
        .await
        .expect_exit(2)
        .expect_stderr("no-such-operation");
}

/// A QingCloud server whose rebuild answers a job, and whose job list says it succeeded.
async fn rebuild_server() -> qingcloud::Server {
    let server = qingcloud::Server::start().await;
    server
        .answer(
            200,
            Some(r#"{"action":"DescribeJobsResponse","ret_code":0,"total_count":1,"job_set":[{"job_id":"j-rebuild","status":"successful"}]}"#),
        )
        .await;
    server
        .answer_once(
            200,
            r#"{"action":"RunClusterCustomServiceResponse","ret_code":0,"job_id":"j-rebuild"}"#,
        )
        .await;
    server
}

#[tokio::test]
async fn qingcloud_rebuild_takes_the_node_id_as_a_flag_and_waits_for_its_job() {
    let server = rebuild_server().await;
    let run = Cli::qingcloud(BIN, &server.uri())
        .args(["mysql-plus", "rebuild-read-only-node", "--cluster", "cl-1"])
        .args(["--node-id", "cln-42", "--wait", "--wait-interval", "0.01"])
        .args(["--query", "{job: id, status: status}", "--compact"])
        .run()
        .await;
    run.expect_exit(0);
    assert_eq!(
        run.stdout,
        "{\"job\":\"j-rebuild\",\"status\":\"successful\"}\n"
    );
    let requests = server.requests().await;
    assert_eq!(requests.len(), 2, "the rebuild, then one poll of its job");
    let query = |i: usize| -> Vec<(String, String)> {
        requests[i]
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let rebuild = query(0);
    let has = |k: &str, v: &str| rebuild.iter().any(|(a, b)| a == k && b == v);
    assert!(has("action", "RunClusterCustomService"), "{rebuild:?}");
    assert!(has("service", "rebuildme"), "{rebuild:?}");
    assert!(has("cluster", "cl-1"), "{rebuild:?}");
    assert!(
        has("service_params", r#"{"node_id":"cln-42"}"#),
        "{rebuild:?}"
    );
    let poll = query(1);
    assert!(
        poll.iter().any(|(k, v)| k == "jobs.1" && v == "j-rebuild"),
        "{poll:?}"
    );
}

#[tokio::test]
async fn qingcloud_rebuild_without_the_node_id_names_the_flag() {
    let server = rebuild_server().await;
    let run = Cli::qingcloud(BIN, &server.uri())
        .args(["mysql-plus", "rebuild-read-only-node", "--cluster", "cl-1"])
        .run()
        .await;
    run.expect_exit(2).expect_stderr("--node-id");
    assert!(server.requests().await.is_empty(), "a request was sent");
}

/// A GaussDB server whose deletion starts a job that is 40 % done, then 80 %, then done.
async fn job_server() -> huawei::Server {
    let server = huawei::Server::start().await;
    server
        .answer(
            200,
            Some(r#"{"job":{"id":"job-7","status":"Completed","process":"100"}}"#),
        )
        .await;
    server.answer_once(202, r#"{"job_id":"job-7"}"#).await;
    for process in ["40", "80"] {
        let running =
            format!(r#"{{"job":{{"id":"job-7","status":"Running","process":"{process}"}}}}"#);
        server.answer_once(200, &running).await;
    }
    server
}

fn delete_and_wait(server: &huawei::Server) -> Cli {
    Cli::huawei(BIN, &server.uri())
        .args(["gaussdb-mysql", "delete-instance", "--instance-id", "i-1"])
        .args(["--wait", "--wait-interval", "0.4", "--query", "status"])
}

#[tokio::test]
async fn wait_prints_plain_progress_lines_when_standard_error_is_no_terminal() {
    let server = job_server().await;
    let run = delete_and_wait(&server).run().await;
    run.expect_exit(0);
    assert_eq!(run.stdout, "\"Completed\"\n");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "one line per poll: {}", run.stderr);
    assert!(
        lines[0].starts_with("job job-7 is `Running` (40)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("job job-7 is `Running` (80)"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("job job-7 is `Completed` (100)"),
        "{}",
        lines[2]
    );
    assert!(
        !run.stderr.contains('\x1b') && !run.stderr.contains('\r'),
        "no terminal codes"
    );
}

/// What a run under a pseudo-terminal showed: the screen after each chunk of output, the
/// bytes written to the terminal, and the standard output (a pipe).
struct TerminalRun {
    screens: Vec<String>,
    raw: String,
    stdout: String,
    code: Option<i32>,
}

/// Runs `cli` with its standard error on a pseudo-terminal of 100 columns, reading the
/// terminal through a vt100 emulator as the program writes.
fn run_on_terminal(cli: Cli) -> TerminalRun {
    let (mut master, slave) = open_terminal();
    let mut command = cli.command();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave))
        .env("TERM", "xterm");
    let mut child = command.spawn().expect("the program starts");
    // The parent's copy of the terminal's end is closed, so reading ends with the child.
    drop(command);
    let mut parser = vt100::Parser::new(24, 100, 0);
    let (mut screens, mut raw) = (Vec::new(), Vec::new());
    let mut buffer = [0u8; 4096];
    loop {
        match master.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                raw.extend_from_slice(&buffer[..n]);
                parser.process(&buffer[..n]);
                screens.push(parser.screen().contents());
            }
        }
    }
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let status = child.wait().expect("the program ends");
    let _ = std::fs::remove_dir_all(cli.home());
    TerminalRun {
        screens,
        raw: String::from_utf8_lossy(&raw).into_owned(),
        stdout,
        code: status.code(),
    }
}

/// A pseudo-terminal: the controlling end (to read) and the program's end.
fn open_terminal() -> (std::fs::File, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new descriptors into the integers given; the other
    // pointers may be null, and the size is read only.
    let done = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(done, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty and are owned by nothing else.
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            OwnedFd::from_raw_fd(slave),
        )
    }
}

/// The lines of a screen that show something.
fn shown(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| !l.trim().is_empty()).collect()
}

#[tokio::test]
async fn wait_shows_a_live_progress_line_on_a_terminal() {
    let server = job_server().await;
    let cli = delete_and_wait(&server);
    let run = tokio::task::spawn_blocking(move || run_on_terminal(cli))
        .await
        .expect("the run finishes");
    assert_eq!(run.code, Some(0), "{}", run.raw);
    assert_eq!(run.stdout, "\"Completed\"\n");
    // While the job runs, the screen shows one line, redrawn in place: the state, the
    // percentage and the elapsed time, after a spinner.
    let live = |needle: &str| {
        run.screens
            .iter()
            .find(|screen| screen.contains(needle))
            .unwrap_or_else(|| panic!("no screen showed {needle:?}: {:?}", run.screens))
    };
    for needle in ["job job-7: Running 40% · ", "job job-7: Running 80% · "] {
        let screen = live(needle);
        assert_eq!(shown(screen).len(), 1, "one live line: {screen:?}");
        let line = shown(screen)[0];
        assert!(
            line.trim_end().ends_with('s'),
            "the elapsed time ends the line: {line:?}"
        );
        assert!(
            !line.starts_with("job"),
            "a spinner leads the line: {line:?}"
        );
    }
    // The line is redrawn (carriage return, erase line) rather than printed again.
    assert!(run.raw.matches("\r\x1b[2K").count() >= 3, "{:?}", run.raw);
    // At the end the last state stays, alone, as a plain line.
    let last = run.screens.last().expect("the screen showed something");
    let lines = shown(last);
    assert_eq!(lines.len(), 1, "{last:?}");
    assert!(
        lines[0].starts_with("job job-7: Completed 100% · "),
        "{last:?}"
    );
}

#[tokio::test]
async fn the_live_line_ticks_between_polls() {
    // One slow poll: the elapsed time on screen moves while nothing is asked.
    let server = huawei::Server::start().await;
    server
        .answer(200, Some(r#"{"job":{"id":"job-8","status":"Completed"}}"#))
        .await;
    server.answer_once(202, r#"{"job_id":"job-8"}"#).await;
    server
        .answer_once(200, r#"{"job":{"id":"job-8","status":"Running"}}"#)
        .await;
    let cli = Cli::huawei(BIN, &server.uri())
        .args(["gaussdb-mysql", "delete-instance", "--instance-id", "i-1"])
        .args(["--wait", "--wait-interval", "2.5"]);
    let run = tokio::task::spawn_blocking(move || run_on_terminal(cli))
        .await
        .expect("the run finishes");
    assert_eq!(run.code, Some(0), "{}", run.raw);
    let running: Vec<&String> = run
        .screens
        .iter()
        .filter(|s| s.contains("job job-8: Running · "))
        .collect();
    let distinct: std::collections::BTreeSet<&String> = running.iter().copied().collect();
    assert!(
        distinct.len() >= 4,
        "the spinner and the clock move between polls: {running:?}"
    );
    assert!(
        running
            .iter()
            .any(|s| s.contains("Running · 3s") || s.contains("Running · 4s")),
        "the elapsed time counts up: {running:?}"
    );
}

#[tokio::test]
async fn completions_and_man_pages_cover_every_service() {
    let bash = Cli::new(BIN).args(["completion", "bash"]).run().await;
    bash.expect_exit(0)
        .expect_stdout("complete -F _clouddb ")
        .expect_stdout("mysql-plus")
        .expect_stdout("--node-id");
    // The script is valid bash that registers the completion of `clouddb`.
    let script = std::env::temp_dir().join(format!("clouddb-{}.bash", std::process::id()));
    std::fs::write(&script, &bash.stdout).expect("the script is written");
    let checked = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p clouddb",
            script.display()
        ))
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_file(&script);
    assert!(checked.status.success(), "{checked:?}");
    assert!(String::from_utf8_lossy(&checked.stdout).contains("_clouddb clouddb"));
    let dir = std::env::temp_dir().join(format!("clouddb-man-{}", std::process::id()));
    let dir_text = dir.display().to_string();
    let man = Cli::new(BIN).args(["man", "--dir", &dir_text]).run().await;
    man.expect_exit(0);
    for page in [
        "clouddb.1",
        "clouddb-css.1",
        "clouddb-mysql-plus-rebuild-read-only-node.1",
    ] {
        let text =
            std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
