//! The progress of `--wait` on standard error: on a terminal, one live line redrawn in
//! place (a spinner, the state, the percentage where the service reports one, and the
//! elapsed time, ticking between polls), replaced by a plain line when the wait ends;
//! elsewhere (a pipe, a file, `TERM=dumb`) one plain line per poll.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use clouddb_runtime::Job;

/// How often the live line is redrawn between polls.
const TICK: Duration = Duration::from_millis(250);

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// The progress display of one wait.
pub(crate) struct Progress {
    live: Option<Arc<Mutex<Live>>>,
}

/// The state of the live line.
#[derive(Default)]
struct Live {
    /// The last state reported, and when.
    last: Option<(Job, Instant)>,
    frame: usize,
    ticker: Option<JoinHandle<()>>,
    done: bool,
}

impl Progress {
    /// A display on standard error: live when it is a terminal.
    pub(crate) fn on_stderr() -> Self {
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let live = std::io::stderr().is_terminal() && !dumb;
        Self {
            live: live.then(Arc::default),
        }
    }

    /// The callback the waiter calls after each poll.
    pub(crate) fn callback(&self) -> impl Fn(&Job) + Send + Sync + 'static {
        let live = self.live.clone();
        move |job: &Job| match &live {
            None => eprintln!("{job}"),
            Some(live) => report(live, job),
        }
    }

    /// Ends the live line: the last state stays on screen as a plain line.
    pub(crate) fn finish(&self) {
        let Some(live) = &self.live else { return };
        let (ticker, last) = {
            let mut state = lock(live);
            state.done = true;
            (
                state.ticker.take(),
                state.last.as_ref().map(|(job, _)| line(job, job.elapsed)),
            )
        };
        if let Some(ticker) = ticker {
            let _ = ticker.join();
        }
        if let Some(last) = last {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K{last}\n");
            let _ = stderr.flush();
        }
    }
}

fn lock(live: &Mutex<Live>) -> std::sync::MutexGuard<'_, Live> {
    live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A poll's answer: the line shows it, and starts ticking after the first.
fn report(live: &Arc<Mutex<Live>>, job: &Job) {
    let mut state = lock(live);
    state.last = Some((job.clone(), Instant::now()));
    draw(&mut state);
    if state.ticker.is_none() && !state.done {
        let live = Arc::clone(live);
        state.ticker = Some(std::thread::spawn(move || loop {
            std::thread::sleep(TICK);
            let mut state = lock(&live);
            if state.done {
                break;
            }
            draw(&mut state);
        }));
    }
}

/// Redraws the live line in place.
fn draw(state: &mut Live) {
    let Some((job, at)) = &state.last else { return };
    let elapsed = job.elapsed + at.elapsed();
    let spinner = SPINNER[state.frame % SPINNER.len()];
    state.frame += 1;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "\r\x1b[2K{spinner} {}", line(job, elapsed));
    let _ = stderr.flush();
}

/// `job 42: Running 60% · 1m 05s`.
fn line(job: &Job, elapsed: Duration) -> String {
    let progress = job
        .progress
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.parse::<f64>().is_ok() {
                format!(" {p}%")
            } else {
                format!(" {p}")
            }
        })
        .unwrap_or_default();
    format!(
        "{} {}: {}{progress} · {}",
        job.subject,
        job.id,
        job.status,
        duration(elapsed)
    )
}

/// `5s`, `1m 05s`, `2h 03m`.
fn duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: &str, progress: Option<&str>) -> Job {
        Job {
            id: "j-1".to_owned(),
            subject: "job",
            status: status.to_owned(),
            progress: progress.map(str::to_owned),
            failure_reason: None,
            polls: 1,
            elapsed: Duration::from_secs(3),
            answer: serde_json::Value::Null,
        }
    }

    #[test]
    fn lines_show_state_percentage_and_elapsed_time() {
        assert_eq!(
            line(&job("Running", Some("60")), Duration::from_secs(65)),
            "job j-1: Running 60% · 1m 05s"
        );
        assert_eq!(
            line(&job("Running", Some("60%")), Duration::from_secs(5)),
            "job j-1: Running 60% · 5s"
        );
        assert_eq!(
            line(&job("Completed", None), Duration::from_secs(7384)),
            "job j-1: Completed · 2h 03m"
        );
    }
}
