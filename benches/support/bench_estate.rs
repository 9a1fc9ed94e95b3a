//! `make bench`'s helper (the `bench-estate` example), one job per process:
//!
//! ```text
//! bench-estate json N [--cidrs K] [--collectors C] [--views V,..] [--appliances P,..] [--with JSON]
//! bench-estate read N [--cidrs K] [--collectors C] [--views V,..] [--appliances P,..] [--with JSON]
//! ```
//!
//! `json` prints the benchmark estate of N firewall groups (see `estate.rs`) as the data
//! source's inputs. `read` builds the ReadDataSource request Terraform would send for
//! it, then answers it once through the provider's RPC handler, as the plugin server
//! does, and prints one JSON line: the read's wall time, the size of the encoded state
//! and of the whole gRPC response message, and the process's peak RSS during the read
//! (VmHWM, reset after the request is built, so it is the read's own peak plus what was
//! resident before it). `--views` and `--appliances` select outputs as the data source's
//! arguments of those names do (comma-separated: `--views grouped_rules`,
//! `--appliances 'panorama.*'`); `--with` adds any other top-level inputs (a JSON object).
//! Defaults: 2 CIDRs per group, 4 Log Collectors. Exit status 1 when the read returns
//! an error diagnostic (the line still says which), 2 for a usage error.

#[path = "estate.rs"]
mod estate;

use std::process::ExitCode;
use std::time::Instant;

use panorama_provider::provider::FlowMatrixProvider;
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use prost::Message;
use serde_json::{json, Value as Json};

use estate::Shape;

const USAGE: &str = "usage: bench-estate json|read N [--cidrs K] [--collectors C] \
                     [--views V,...] [--appliances P,...] [--with JSON-OBJECT]";

struct Args {
    command: String,
    shape: Shape,
    extra: Option<Json>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or("missing command")?;
    if command != "json" && command != "read" {
        return Err(format!("unknown command `{command}`"));
    }
    let number = |text: Option<String>, what: &str| -> Result<usize, String> {
        let text = text.ok_or(format!("missing {what}"))?;
        text.parse()
            .map_err(|_| format!("{what} must be a whole number, not `{text}`"))
    };
    let mut shape = Shape::groups(number(args.next(), "N")?);
    let mut extra = serde_json::Map::new();
    let mut list = |name: &str, text: Option<String>| -> Result<(), String> {
        let text = text.ok_or(format!("missing --{name} value"))?;
        let items: Vec<&str> = text.split(',').filter(|item| !item.is_empty()).collect();
        extra.insert(name.to_owned(), json!(items));
        Ok(())
    };
    let mut with = None;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--views" => list("views", args.next())?,
            "--appliances" => list("appliances", args.next())?,
            "--cidrs" => shape.cidrs_per_group = number(args.next(), "--cidrs")?,
            "--collectors" => shape.log_collectors = number(args.next(), "--collectors")?,
            "--with" => {
                let text = args.next().ok_or("missing --with value")?;
                let value =
                    serde_json::from_str(&text).map_err(|e| format!("--with is not JSON: {e}"))?;
                with = Some(value);
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let extra = match with {
        Some(Json::Object(more)) => {
            extra.extend(more);
            Some(Json::Object(extra))
        }
        Some(other) => return Err(format!("--with must be a JSON object, not {other}")),
        None => (!extra.is_empty()).then_some(Json::Object(extra)),
    };
    Ok(Args {
        command,
        shape,
        extra,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("bench-estate: {problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let estate = estate::estate(&args.shape).and_then(|estate| match &args.extra {
        Some(extra) => estate::with_inputs(estate, extra),
        None => Ok(estate),
    });
    let estate = match estate {
        Ok(estate) => estate,
        Err(problem) => {
            eprintln!("bench-estate: {problem}");
            return ExitCode::from(2);
        }
    };
    if args.command == "json" {
        println!("{estate}");
        return ExitCode::SUCCESS;
    }
    match read(&estate) {
        Ok((report, ok)) => {
            println!("{report}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(problem) => {
            eprintln!("bench-estate: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// One read, measured; the report and whether it returned a state without errors.
fn read(estate: &Json) -> Result<(Json, bool), String> {
    let request = estate::read_request(estate)?;
    let request_bytes = request.config.as_ref().map_or(0, |c| c.msgpack.len());
    let provider = FlowMatrixProvider::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let resident_before = status_kib("VmRSS")?;
    reset_peak_rss()?;

    let start = Instant::now();
    let response = runtime
        .block_on(provider.read_data_source(tonic::Request::new(request)))
        .map_err(|status| format!("read_data_source failed: {status}"))?
        .into_inner();
    let took = start.elapsed();
    let peak = status_kib("VmHWM")?;

    let errors: Vec<String> = response
        .diagnostics
        .iter()
        .filter(|d| d.severity() == pb::diagnostic::Severity::Error)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect();
    let state_bytes = response.state.as_ref().map_or(0, |s| s.msgpack.len());
    let ok = errors.is_empty() && response.state.is_some();
    let report = json!({
        "read_seconds": took.as_secs_f64(),
        "request_bytes": request_bytes,
        "state_bytes": state_bytes,
        "message_bytes": response.encoded_len(),
        "rss_before_bytes": resident_before * 1024,
        "peak_rss_bytes": peak * 1024,
        "errors": errors,
    });
    Ok((report, ok))
}

/// A `kB` figure from /proc/self/status, in KiB.
fn status_kib(field: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("/proc/self/status: {e} (Linux only)"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status"))
}

/// Resets VmHWM to the current RSS (Linux 4.0 and later), so the next reading is the
/// peak of what follows.
fn reset_peak_rss() -> Result<(), String> {
    std::fs::write("/proc/self/clear_refs", "5")
        .map_err(|e| format!("cannot reset the peak RSS through /proc/self/clear_refs: {e}"))
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
