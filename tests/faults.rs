//! The process under faults, against the real binary: its parent dying, a socket under
//! a permissive umask, Shutdown and StopProvider during long work, a health check during
//! a huge validation, and an oversized request.

mod common;

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::*;
use panorama_provider::plugin::services::MAX_REQUEST_SIZE;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::{msgpack, Type, Value};
use prost::Message as _;

/// An estate of `groups` firewall groups, each with two CIDRs, a Collector Group and
/// Cortex Data Lake: the largest shape a group takes.
fn estate(groups: usize) -> serde_json::Value {
    let firewalls: serde_json::Map<String, serde_json::Value> = (0..groups)
        .map(|i| {
            let group = serde_json::json!({
                "version": "10.1",
                "addresses": [
                    format!("10.{}.{}.0/24", i / 256 % 256, i % 256),
                    format!("fd00:{:x}:{:x}::/64", i / 65536, i % 65536),
                ],
                "collector_group": "east",
                "cortex_data_lake": true,
            });
            (format!("branch-{i:05}"), group)
        })
        .collect();
    serde_json::json!({
        "panorama": {
            "version": "10.2",
            "nodes": {
                "primary": { "addresses": { "mgt": ["192.168.0.1"] } },
                "secondary": { "addresses": { "mgt": ["192.168.0.2"] } },
            },
        },
        "log_collectors": {
            "lc-east": { "version": "10.2", "collector_group": "east", "addresses": { "mgt": ["192.168.1.1"] } },
        },
        "cortex_data_lake": { "addresses": ["100.64.0.0/16"] },
        "firewalls": firewalls,
    })
}

fn value_type() -> Type {
    FlowMatrixDataSource::new()
        .expect("schema derives")
        .schema()
        .block
        .value_type()
}

/// The estate as Terraform sends it: each input a `dynamic` value with the type it was
/// written with, unset attributes null.
fn wire(estate: &serde_json::Value) -> pb::DynamicValue {
    let ty = value_type();
    let config = Value::from_literal_object(estate, &ty).expect("an estate of the schema");
    msgpack::to_dynamic_value(&config, &ty).expect("encodes")
}

fn read_request(config: pb::DynamicValue) -> Vec<u8> {
    pb::read_data_source::Request {
        type_name: "panorama_flow_matrix".into(),
        config: Some(config),
        ..Default::default()
    }
    .encode_to_vec()
}

fn validate_request(config: pb::DynamicValue) -> Vec<u8> {
    pb::validate_data_resource_config::Request {
        type_name: "panorama_flow_matrix".into(),
        config: Some(config),
    }
    .encode_to_vec()
}

const READ: &str = "/tfplugin6.Provider/ReadDataSource";
const VALIDATE: &str = "/tfplugin6.Provider/ValidateDataResourceConfig";
const STOP: &str = "/tfplugin6.Provider/StopProvider";
const CALL_FUNCTION: &str = "/tfplugin6.Provider/CallFunction";

/// Starts a call on its own connection and thread; the result arrives on the handle.
fn call_in_background(socket: &Path, path: &'static str, message: Vec<u8>) -> Answer {
    let mut sock = plain_connect(socket).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    std::thread::spawn(move || {
        let result = grpc_unary(&mut sock, path, &message);
        (result, Instant::now())
    })
}

/// CPU time the process has used (user + system), from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// Whether `pid` has ended (gone, or a zombie nobody reaped yet).
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat[stat.rfind(')').expect("comm") + 2..].starts_with('Z'),
    }
}

/// Waits until the read is underway: the process has spent `cpu` of CPU time on it.
fn wait_for_work(pid: u32, since: Duration, cpu: Duration) {
    let start = Instant::now();
    while cpu_time(pid) < since + cpu {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the read never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The tests that time a busy provider run one at a time, so they do not slow each
/// other down on a small machine.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Groups that keep the debug build busy for several seconds per read.
const LONG_READ_GROUPS: usize = 2_000;

/// Starts a long read, applies `stop` once it is underway, and asserts the process
/// exits cleanly within a second of it, socket removed.
fn exits_within_a_second_during_a_long_read(stop: impl FnOnce(&Plugin)) {
    let _serial = one_at_a_time();
    let mut plugin = start(None);
    let pid = plugin.child.id();
    let before = cpu_time(pid);
    let request = read_request(wire(&estate(LONG_READ_GROUPS)));
    let read = call_in_background(&plugin.socket, READ, request);
    wait_for_work(pid, before, Duration::from_millis(300));
    let since = Instant::now();
    stop(&plugin);
    let (status, _) = plugin
        .wait_exit(Duration::from_secs(30))
        .expect("process exited");
    let took = since.elapsed();
    eprintln!("exited {took:?} after being stopped");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(status.code(), Some(0));
    assert!(!plugin.socket.exists(), "socket left behind");
    // The read was answered "Stopped" or cut off with the connection; either way it ended.
    let _ = read.join();
}

#[test]
fn shutdown_during_a_long_read_exits_within_a_second() {
    exits_within_a_second_during_a_long_read(|plugin| {
        let mut sock = plain_connect(&plugin.socket).expect("connect");
        shutdown_rpc(&mut sock).expect("Shutdown answered");
    });
}

#[test]
fn sigterm_during_a_long_read_exits_within_a_second() {
    exits_within_a_second_during_a_long_read(|plugin| plugin.signal("TERM"));
}

/// Starts a long call (`path` with `request`), sends StopProvider once it is underway,
/// and returns its answer after asserting that the work itself stopped: the process goes
/// idle within a moment (the rest of the work would take seconds of CPU) instead of
/// computing on, and still serves.
fn stop_provider_during(path: &'static str, request: Vec<u8>) -> Vec<u8> {
    let _serial = one_at_a_time();
    let plugin = start(None);
    let pid = plugin.child.id();
    let before = cpu_time(pid);
    let call = call_in_background(&plugin.socket, path, request);
    wait_for_work(pid, before, Duration::from_millis(300));
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    grpc_unary(&mut sock, STOP, &[]).expect("StopProvider answered");
    let (answer, _) = call.join().expect("call thread");
    let answer = answer.expect("call answered");
    let stopped = Instant::now();
    let idle = loop {
        let from = cpu_time(pid);
        std::thread::sleep(Duration::from_millis(500));
        let spent = cpu_time(pid) - from;
        if spent < Duration::from_millis(50) {
            break stopped.elapsed();
        }
        assert!(
            stopped.elapsed() < Duration::from_millis(1500),
            "still computing {:?} after Stopped ({spent:?} of CPU in the last 0.5 s)",
            stopped.elapsed()
        );
    };
    eprintln!("idle within {idle:?} of the Stopped answer");
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    assert!(health_check(&mut sock).expect("health check"));
    answer
}

#[test]
fn stop_provider_stops_the_computation_not_just_the_answer() {
    let answer = stop_provider_during(READ, read_request(wire(&estate(LONG_READ_GROUPS))));
    let response =
        pb::read_data_source::Response::decode(answer.as_slice()).expect("response decodes");
    assert!(response.state.is_none());
    assert_eq!(response.diagnostics.len(), 1, "{:?}", response.diagnostics);
    assert_eq!(response.diagnostics[0].summary, "Stopped");
}

#[test]
fn stop_provider_stops_a_function_call_like_a_read() {
    // provider::panorama::flow_matrix(estate): the estate as one `dynamic` argument.
    let (ty, value) = Type::of_literal(&estate(LONG_READ_GROUPS));
    let argument = msgpack::to_dynamic_value(&Value::Dynamic(ty, Box::new(value)), &Type::Dynamic)
        .expect("encodes");
    let request = pb::call_function::Request {
        name: "flow_matrix".into(),
        arguments: vec![argument],
    }
    .encode_to_vec();
    let answer = stop_provider_during(CALL_FUNCTION, request);
    let response =
        pb::call_function::Response::decode(answer.as_slice()).expect("response decodes");
    assert!(response.result.is_none());
    let error = response.error.expect("an error");
    assert!(error.text.starts_with("Stopped: "), "{}", error.text);
    assert_eq!(error.function_argument, None);
}

/// The answer to a call started with [`call_in_background`], and when it came.
type Answer = std::thread::JoinHandle<(io::Result<Vec<u8>>, Instant)>;

/// Starts a validation of a 30,000-group estate and returns once the provider works on it.
fn huge_validation_underway(plugin: &Plugin) -> Answer {
    let pid = plugin.child.id();
    let before = cpu_time(pid);
    let request = validate_request(wire(&estate(30_000)));
    let validation = call_in_background(&plugin.socket, VALIDATE, request);
    wait_for_work(pid, before, Duration::from_millis(100));
    validation
}

/// The validation's response, and when it came.
fn validation_answer(validation: Answer) -> (pb::validate_data_resource_config::Response, Instant) {
    let (result, answered) = validation.join().expect("validation thread");
    let answer = result.expect("validation answered");
    let response = pb::validate_data_resource_config::Response::decode(answer.as_slice())
        .expect("response decodes");
    (response, answered)
}

#[test]
fn stop_provider_answers_a_validation_in_flight_at_once_and_quietly() {
    let _serial = one_at_a_time();
    let plugin = start(None);
    let validation = huge_validation_underway(&plugin);
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    grpc_unary(&mut sock, STOP, &[]).expect("StopProvider answered");
    let stopped = Instant::now();
    let (response, answered) = validation_answer(validation);
    let took = answered.saturating_duration_since(stopped);
    assert!(
        took < Duration::from_millis(250),
        "answered {took:?} after StopProvider"
    );
    // Terraform reports the halt itself; a stopped check adds no error of its own.
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
}

#[test]
fn health_answers_promptly_during_a_huge_validation() {
    let _serial = one_at_a_time();
    let plugin = start(None);
    let validation = huge_validation_underway(&plugin);
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    let asked = Instant::now();
    assert!(health_check(&mut sock).expect("health check"));
    let answered = Instant::now();
    let (response, validated) = validation_answer(validation);
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    let latency = answered - asked;
    eprintln!(
        "health answered in {latency:?}; validation ended {:?} after it",
        validated.saturating_duration_since(answered)
    );
    assert!(
        latency < Duration::from_millis(250),
        "health check waited {latency:?}"
    );
    assert!(
        validated > answered,
        "the validation ended before the health check was answered"
    );
}

#[test]
fn oversized_request_is_refused_and_the_provider_keeps_serving() {
    let plugin = start(None);
    // A string attribute one byte past the cap: refused without being decoded.
    let config = pb::DynamicValue {
        msgpack: vec![0xc0; MAX_REQUEST_SIZE + 1],
        json: Vec::new(),
    };
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    assert!(grpc_unary(&mut sock, VALIDATE, &validate_request(config)).is_err());
    let mut sock = plain_connect(&plugin.socket).expect("connect");
    assert!(health_check(&mut sock).expect("health check"));
}

#[test]
fn request_cap_fits_a_large_estate() {
    let size = wire(&estate(10_000)).msgpack.len();
    eprintln!("10,000 firewall groups: {size} bytes of msgpack; cap {MAX_REQUEST_SIZE}");
    // The request is the configuration plus a few bytes of protobuf framing.
    assert!(size * 4 < MAX_REQUEST_SIZE, "too little margin");
    assert!(
        size < 3 * 1024 * 1024,
        "the figure in the README is out of date"
    );
}

/// Runs `script` with `sh -c`, the provider binary as `$0`, in the provider's
/// Terraform-like environment.
fn shell(script: &str) -> Command {
    let provider = command(None);
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(script).arg(PathBuf::from(BIN));
    for (key, value) in provider.get_envs() {
        match value {
            Some(value) => sh.env(key, value),
            None => sh.env_remove(key),
        };
    }
    sh
}

#[test]
fn socket_has_no_group_or_other_bits_under_umask_000() {
    use std::os::unix::fs::PermissionsExt as _;
    let mut child = shell("umask 000; exec \"$0\"")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    io::BufRead::read_line(
        &mut io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("handshake");
    let socket = PathBuf::from(line.trim_end().split('|').nth(3).expect("socket path"));
    let mode = std::fs::metadata(&socket)
        .expect("socket")
        .permissions()
        .mode()
        & 0o777;
    let dir = socket.parent().expect("directory");
    let dir_mode = std::fs::metadata(dir).expect("dir").permissions().mode() & 0o777;
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    assert_eq!(mode & 0o077, 0, "socket mode {mode:o}");
    assert_eq!(dir_mode & 0o077, 0, "directory mode {dir_mode:o}");
    assert!(!socket.exists(), "socket left behind");
}

#[test]
fn exits_and_removes_its_socket_when_its_parent_is_killed() {
    let _serial = one_at_a_time();
    // The shell is the provider's parent, as Terraform is; it reports the provider's
    // pid on stderr and the provider's handshake comes on stdout.
    let mut parent = shell("\"$0\" & echo $! >&2; wait")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut pid = String::new();
    io::BufRead::read_line(
        &mut io::BufReader::new(parent.stderr.take().expect("stderr")),
        &mut pid,
    )
    .expect("pid");
    let pid: u32 = pid.trim().parse().expect("a pid");
    let mut line = String::new();
    io::BufRead::read_line(
        &mut io::BufReader::new(parent.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("handshake");
    let socket = PathBuf::from(line.trim_end().split('|').nth(3).expect("socket path"));
    assert!(socket.exists());

    parent.kill().expect("SIGKILL the parent");
    let since = Instant::now();
    let _ = parent.wait();
    while !ended(pid) && since.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = since.elapsed();
    let gone = ended(pid);
    if !gone {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(pid.to_string())
            .status();
    }
    eprintln!("provider ended {took:?} after its parent");
    assert!(gone, "the provider outlived its parent");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(!socket.exists(), "socket left behind");
}

/// Threads of the process now, from /proc.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("Threads line")
}

#[test]
fn concurrent_reads_wait_their_turn_instead_of_starting_threads() {
    let _serial = one_at_a_time();
    let plugin = start(None);
    let pid = plugin.child.id();
    let request = read_request(wire(&estate(50)));
    let reads: Vec<_> = (0..64)
        .map(|_| call_in_background(&plugin.socket, READ, request.clone()))
        .collect();
    let mut most = 0;
    while reads.iter().any(|read| !read.is_finished()) {
        most = most.max(threads(pid));
        std::thread::sleep(Duration::from_millis(5));
    }
    for read in reads {
        let (answer, _) = read.join().expect("read thread");
        let response = pb::read_data_source::Response::decode(answer.expect("answered").as_slice())
            .expect("response decodes");
        assert!(response.state.is_some(), "{:?}", response.diagnostics);
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    eprintln!("64 concurrent reads: at most {most} threads ({cores} cores)");
    // The async thread plus one blocking thread per engine slot.
    assert!(most <= cores + 1, "{most} threads for {cores} cores");
}
