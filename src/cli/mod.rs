//! The command line: the flow matrix without Terraform, for change requests, other tools
//! (Ansible, CloudFormation, scripts) and editors.
//!
//! Its own room, as HOUSE.md asks: it parses arguments ([`args`], clap), reads estate
//! files ([`document`], [`yaml`]), and prints ([`output`], [`report`], [`json`]). It
//! calls the engine as the data source does: an estate file becomes the engine's neutral
//! tree ([`crate::flows::input::Input`]) and goes through the same reader and checks
//! ([`crate::flows::compute_input`]), so it gets the same diagnostics at the same paths.
//! It never reaches into `provider`, `tfproto` or `plugin`.
//!
//! Output goes to standard output; every diagnostic to standard error, as Terraform
//! prints it. Exit statuses are [`Status`].

pub mod args;
pub mod audit;
pub mod document;
pub mod json;
pub mod output;
pub mod report;
pub mod schema;
pub mod yaml;

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::Parser as _;

use self::args::{Cli, Command, Direction};
use self::document::{ReadError, Source};
use self::report::{File, Finding};
use crate::flows::{self, FlowMatrix};

/// How a run ended, as its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: done (warnings allowed).
    Success,
    /// 1: the estate (or rules file) is invalid; the diagnostics say why.
    Invalid,
    /// 2: the command line is wrong (clap's own errors included), or a file cannot be read.
    Usage,
    /// 3: `audit` found rules missing or in excess.
    NotCompliant,
}

impl Status {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Invalid => 1,
            Status::Usage => 2,
            Status::NotCompliant => 3,
        }
    }
}

/// Where a run reads and writes.
pub struct Io<'a> {
    /// Where `-` reads from.
    pub stdin: &'a mut dyn Read,
    /// Where results go.
    pub stdout: &'a mut dyn Write,
    /// Where diagnostics and usage errors go.
    pub stderr: &'a mut dyn Write,
}

/// Runs the command line on the process's arguments and standard streams.
pub fn main() -> ExitCode {
    let (stdin, stdout, stderr) = (io::stdin(), io::stdout(), io::stderr());
    let mut io = Io {
        stdin: &mut stdin.lock(),
        stdout: &mut stdout.lock(),
        stderr: &mut stderr.lock(),
    };
    ExitCode::from(run(std::env::args_os(), &mut io).code())
}

/// Runs the command line on `args` (the program name first).
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Status
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with status 0; everything else (a bare run
            // included) to stderr with status 2.
            let text = error.render().to_string();
            let (stream, status) = match error.use_stderr() {
                true => (&mut *io.stderr, Status::Usage),
                false => (&mut *io.stdout, Status::Success),
            };
            return finish(stream.write_all(text.as_bytes()), io, status);
        }
    };
    match cli.command {
        Command::Flows { estate, format } => {
            with_matrix(&estate, io, |matrix| output::flows(matrix, format))
        }
        Command::Rules { estate, format } => {
            with_matrix(&estate, io, |matrix| output::rules(matrix, format))
        }
        Command::Audit {
            estate,
            actual,
            appliance,
            direction,
            format,
        } => run_audit(&estate, &actual, &appliance, direction, format, io),
        Command::Schema => match schema::text() {
            Ok(text) => print(&text, io, Status::Success),
            Err(error) => internal(&error, io),
        },
    }
}

/// Reads and computes the estate, then prints what `view` makes of it.
fn with_matrix(
    estate: &OsStr,
    io: &mut Io<'_>,
    view: impl FnOnce(&FlowMatrix) -> Result<String, String>,
) -> Status {
    match matrix(estate, io) {
        Ok(matrix) => match view(&matrix) {
            Ok(text) => print(&text, io, Status::Success),
            Err(error) => internal(&error, io),
        },
        Err(status) => status,
    }
}

/// The estate's flows, its diagnostics printed on the way; the status to end with if it
/// has none.
fn matrix(estate: &OsStr, io: &mut Io<'_>) -> Result<FlowMatrix, Status> {
    let source = source(estate, io)?;
    let document = match document::parse(&source) {
        Ok(document) => document,
        Err(finding) => return Err(report(&[finding], source.file(), io)),
    };
    let outcome = flows::compute_input(&document.input);
    let findings: Vec<Finding> = outcome
        .diagnostics
        .into_iter()
        .map(|d| Finding::placed(d, &document.lines))
        .collect();
    let status = report(&findings, source.file(), io);
    match outcome.matrix {
        Some(matrix) if status == Status::Success => Ok(matrix),
        None if findings.is_empty() => Err(internal("the estate gave no flows and no reason", io)),
        _ => Err(Status::Invalid),
    }
}

/// Reads a file argument; an unreadable one is a usage error.
fn source(arg: &OsStr, io: &mut Io<'_>) -> Result<Source, Status> {
    match document::read(arg, io.stdin) {
        Ok(source) => Ok(source),
        Err(ReadError::Unreadable(message)) => Err(usage(&message, io)),
        Err(ReadError::NotText { name, offset }) => {
            let file = File {
                name: &name,
                text: "",
            };
            Err(report(&[document::not_text(offset)], file, io))
        }
    }
}

fn run_audit(
    estate: &OsStr,
    actual: &OsStr,
    appliance: &str,
    direction: Direction,
    format: args::AuditFormat,
    io: &mut Io<'_>,
) -> Status {
    if estate == "-" && actual == "-" {
        return usage(
            "ESTATE and ACTUAL_RULES cannot both be `-` (standard input)",
            io,
        );
    }
    let matrix = match matrix(estate, io) {
        Ok(matrix) => matrix,
        Err(status) => return status,
    };
    let required = match audit::required(&matrix, appliance, direction) {
        Ok(required) => required,
        Err(message) => return usage(&message, io),
    };
    let source = match source(actual, io) {
        Ok(source) => source,
        Err(status) => return status,
    };
    let document = match document::parse(&source) {
        Ok(document) => document,
        Err(finding) => return report(&[finding], source.file(), io),
    };
    let placed = |diagnostics: Vec<flows::Diagnostic>| -> Vec<Finding> {
        diagnostics
            .into_iter()
            .map(|d| Finding::placed(d, &document.lines))
            .collect()
    };
    let rules = match audit::actual_rules(&document.input, direction) {
        Ok(rules) => rules,
        Err(found) => return report(&placed(found), source.file(), io),
    };
    let outcome = match audit::compare(required, direction, &rules) {
        Ok(outcome) => outcome,
        Err(found) => return report(&placed(found), source.file(), io),
    };
    let status = match outcome.compliant() {
        true => Status::Success,
        false => Status::NotCompliant,
    };
    match format {
        args::AuditFormat::Text => print(&outcome.text(), io, status),
        args::AuditFormat::Json => match outcome.json() {
            Ok(text) => print(&text, io, status),
            Err(error) => internal(&error, io),
        },
    }
}

/// Prints findings on stderr; `Invalid` if any is an error, else `Success`.
fn report(findings: &[Finding], file: File<'_>, io: &mut Io<'_>) -> Status {
    let status = match report::has_errors(findings) {
        true => Status::Invalid,
        false => Status::Success,
    };
    let written = io
        .stderr
        .write_all(report::render(findings, file).as_bytes());
    finish(written, io, status)
}

/// Prints `text` on stdout and ends with `status`.
fn print(text: &str, io: &mut Io<'_>, status: Status) -> Status {
    let written = io.stdout.write_all(text.as_bytes());
    finish(written, io, status)
}

/// A usage error, as clap words its own.
fn usage(message: &str, io: &mut Io<'_>) -> Status {
    let text = format!("error: {message}\n\nFor more information, try '--help'.\n");
    let written = io.stderr.write_all(text.as_bytes());
    finish(written, io, Status::Usage)
}

/// A failure of the program itself, never of the input.
fn internal(message: &str, io: &mut Io<'_>) -> Status {
    let text = format!(
        "Error: Internal error\n\n{message}. This is a bug: please report it with the estate.\n"
    );
    let written = io.stderr.write_all(text.as_bytes());
    finish(written, io, Status::Invalid);
    Status::Invalid
}

/// Flushes the streams: `status`, unless writing failed. A reader that stopped early
/// (`| head`) is not a failure.
fn finish(written: io::Result<()>, io: &mut Io<'_>, status: Status) -> Status {
    let flushed = written
        .and_then(|()| io.stdout.flush())
        .and_then(|()| io.stderr.flush());
    match flushed {
        Ok(()) => status,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => status,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: cannot write the output: {error}");
            Status::Invalid
        }
    }
}

#[cfg(test)]
mod tests;
