//! Running a generated command-line client as a child process for its tests: with a clean
//! environment and an empty home directory of its own (so the developer's credentials are
//! never read), the test credentials where asked for, and checks of the exit status and
//! of what it printed.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::{huawei, qingcloud};

/// A security token the Huawei tests put in the environment, which must never be printed.
pub const SECURITY_TOKEN: &str = "test-security-token-must-not-show";

/// The path of the program `bin` of the package `package` (a generated command-line
/// client) next to the running test, built first if the test runs alone.
pub fn program(package: &str, bin: &str) -> String {
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test runs from target/<profile>/deps");
    let path = dir.join(bin);
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command.args(["build", "--quiet", "-p", package, "--bin", bin]);
        if dir.ends_with("release") {
            command.arg("--release");
        }
        let status = command.status().expect("cargo runs");
        assert!(status.success(), "cannot build {bin}");
    }
    path.to_string_lossy().into_owned()
}

/// One run of a command-line client, being set up.
#[derive(Debug)]
pub struct Cli {
    bin: PathBuf,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    home: PathBuf,
}

impl Cli {
    /// A run of `bin` with an empty home directory and no credentials.
    pub fn new(bin: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let home = std::env::temp_dir().join(format!(
            "clouddb-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if let Err(e) = std::fs::create_dir_all(&home) {
            panic!("cannot create {}: {e}", home.display());
        }
        Self {
            bin: PathBuf::from(bin),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            home,
        }
    }

    /// A run against a local Huawei server: the test keys and project id in the vendor's
    /// environment variables, `--endpoint` and `--language`.
    pub fn huawei(bin: &str, endpoint: &str) -> Self {
        Self::new(bin)
            .env("HUAWEICLOUD_SDK_AK", huawei::ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", huawei::SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", huawei::PROJECT_ID)
            .args(["--endpoint", endpoint, "--language", huawei::LANGUAGE])
    }

    /// A run against a local QingCloud server: the test keys in `~/.qingcloud/config.yaml`,
    /// `--endpoint` and `--zone`.
    pub fn qingcloud(bin: &str, endpoint: &str) -> Self {
        let cli = Self::new(bin);
        cli.write(
            ".qingcloud/config.yaml",
            &format!(
                "qy_access_key_id: {}\nqy_secret_access_key: {}\n",
                qingcloud::ACCESS_KEY_ID,
                qingcloud::SECRET_ACCESS_KEY
            ),
        );
        cli.args(["--endpoint", endpoint, "--zone", qingcloud::ZONE])
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable of the child.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Gives the child this standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Writes a file under the run's home directory and returns its path.
    pub fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.home.join(relative);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, contents));
        if let Err(e) = written {
            panic!("cannot write {}: {e}", path.display());
        }
        path
    }

    /// The run's home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Runs the program to its end (on a blocking thread, so that a local server on the
    /// test's runtime keeps answering).
    pub async fn run(self) -> Run {
        match tokio::task::spawn_blocking(move || self.run_blocking()).await {
            Ok(run) => run,
            Err(e) => panic!("the run did not finish: {e}"),
        }
    }

    /// The process the run starts, with its arguments and environment (a clean one, the
    /// run's home directory and the test credentials), its standard streams unset: for a
    /// test that connects them itself (to a terminal, say). The home directory stays until
    /// the caller removes it ([`Cli::home`]).
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.bin);
        command
            .args(&self.args)
            .env_clear()
            .env("HOME", &self.home)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command
    }

    fn run_blocking(self) -> Run {
        let mut command = self.command();
        command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => panic!("cannot start {}: {e}", self.bin.display()),
        };
        if let (Some(text), Some(mut stdin)) = (&self.stdin, child.stdin.take()) {
            if let Err(e) = stdin.write_all(text.as_bytes()) {
                panic!("cannot write the standard input: {e}");
            }
        }
        let output = match child.wait_with_output() {
            Ok(output) => output,
            Err(e) => panic!("cannot wait for {}: {e}", self.bin.display()),
        };
        let _ = std::fs::remove_dir_all(&self.home);
        Run {
            args: self.args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// What a run did: its exit status and what it printed.
#[derive(Debug)]
pub struct Run {
    args: Vec<OsString>,
    /// The exit status (`None`: ended by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\nargs: {:?}\nexit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }

    /// Checks the exit status.
    #[track_caller]
    pub fn expect_exit(&self, code: i32) -> &Self {
        if self.code != Some(code) {
            self.fail(&format!("expected exit status {code}"));
        }
        self
    }

    /// Checks that standard output contains `text`.
    #[track_caller]
    pub fn expect_stdout(&self, text: &str) -> &Self {
        if !self.stdout.contains(text) {
            self.fail(&format!("standard output does not contain {text:?}"));
        }
        self
    }

    /// Checks that standard error contains `text`.
    #[track_caller]
    pub fn expect_stderr(&self, text: &str) -> &Self {
        if !self.stderr.contains(text) {
            self.fail(&format!("standard error does not contain {text:?}"));
        }
        self
    }

    /// Checks that neither output shows `secret`, as it is or percent-encoded as the
    /// vendors encode query values (a parameter's value in a URL).
    #[track_caller]
    pub fn expect_hidden(&self, secret: &str) -> &Self {
        let encoded = clouddb_runtime::signing::encode_strict(secret);
        for shown in [secret, encoded.as_str()] {
            if self.stdout.contains(shown) || self.stderr.contains(shown) {
                self.fail(&format!("the secret {secret:?} was printed (as {shown:?})"));
            }
        }
        self
    }

    /// Checks that standard output is the JSON `expected` modulo the documented leniency,
    /// or empty for `None`.
    #[track_caller]
    pub fn expect_json(&self, expected: Option<&str>) -> &Self {
        let Some(expected) = expected else {
            if !self.stdout.is_empty() {
                self.fail("expected no output");
            }
            return self;
        };
        let actual: Value = match serde_json::from_str(&self.stdout) {
            Ok(value) => value,
            Err(e) => self.fail(&format!("standard output is not JSON: {e}")),
        };
        let expected: Value = match serde_json::from_str(expected) {
            Ok(value) => value,
            Err(e) => self.fail(&format!("the expected JSON does not parse: {e}")),
        };
        if let Err(difference) = crate::matches_leniently(&expected, &actual) {
            self.fail(&format!("unexpected JSON: {difference}"));
        }
        self
    }

    /// Checks that standard output is one line.
    #[track_caller]
    pub fn expect_one_line(&self) -> &Self {
        if self.stdout.trim_end().lines().count() != 1 {
            self.fail("expected one line of output");
        }
        self
    }
}

/// An endpoint where nothing listens (a port that was free a moment ago).
pub fn closed_endpoint() -> String {
    let listener = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(listener) => listener,
        Err(e) => panic!("cannot bind a local port: {e}"),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(9);
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The words of a command line as a POSIX shell splits them: blanks separate words,
/// single quotes keep everything up to the next one, double quotes keep everything but
/// `\"` and `\\`, and a backslash outside quotes keeps the next character.
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(word.take()),
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let word = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::shell_words;

    #[test]
    fn words_split_as_a_shell_splits_them() {
        assert_eq!(
            shell_words(r#"op --a 'x y' --b='it'\''s' --c "q\"d" e\ f ''"#),
            ["op", "--a", "x y", "--b=it's", "--c", "q\"d", "e f", ""]
        );
    }
}
