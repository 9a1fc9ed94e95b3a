//! Criterion benchmarks of the engine and of the provider's whole read, over the
//! benchmark estates of `support/estate.rs` (HA pair, 4 Log Collectors, N firewall
//! groups of 2 CIDRs) at N = 10, 100, 1,000 and 10,000:
//!
//! - `engine/compute_input/N`: `flows::compute_input` on the estate as written (the
//!   strict reader, the checks, the flows and every view);
//! - `engine/compute/N`: `flows::compute` on the estate already read;
//! - `provider/read/N`: the ReadDataSource RPC handler from the msgpack request to the
//!   msgpack state, as the plugin server runs it (decoding, engine, state tree, encoding).
//!
//! `cargo bench --bench flow_matrix [-- FILTER]` runs them (N = 10,000 takes minutes);
//! under `cargo test --all-targets` each runs once at N = 10 as a smoke test. Memory and
//! response sizes are measured by `make bench` (criterion cannot measure memory).

#[path = "support/estate.rs"]
mod estate;

use std::time::Duration;

use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use panorama_provider::flows::{self, config::EstateConfig, input::Input};
use panorama_provider::provider::FlowMatrixProvider;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;

use estate::Shape;

/// Estate sizes benchmarked by `cargo bench`.
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn main() {
    // `cargo bench` passes `--bench`; without it criterion runs each benchmark once as a
    // test, so only the smallest estate is worth building.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let sizes: &[usize] = if benchmarking { &SIZES } else { &SIZES[..1] };
    let mut criterion = Criterion::default().configure_from_args();
    engine(&mut criterion, sizes);
    provider(&mut criterion, sizes);
    criterion.final_summary();
}

/// Fewer, flat samples for large estates, whose single iterations take seconds.
fn sized<M: criterion::measurement::Measurement>(group: &mut BenchmarkGroup<'_, M>, n: usize) {
    group.throughput(Throughput::Elements(n as u64));
    if n >= 1_000 {
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500));
    } else {
        group
            .sample_size(50)
            .sampling_mode(SamplingMode::Auto)
            .warm_up_time(Duration::from_secs(1));
    }
}

fn estate_json(n: usize) -> serde_json::Value {
    estate::estate(&Shape::groups(n)).expect("the benchmark estate fits its address plan")
}

fn engine(criterion: &mut Criterion, sizes: &[usize]) {
    let mut group = criterion.benchmark_group("engine");
    for &n in sizes {
        sized(&mut group, n);
        // Estates are built inside the closures, so a filtered-out size costs nothing.
        group.bench_function(BenchmarkId::new("compute_input", n), |b| {
            let input = Input::from(&estate_json(n));
            assert_valid(&flows::compute_input(&input));
            b.iter(|| flows::compute_input(&input));
        });
        group.bench_function(BenchmarkId::new("compute", n), |b| {
            let config: EstateConfig =
                serde_json::from_value(estate_json(n)).expect("the estate reads as a model");
            assert_valid(&flows::compute(&config));
            b.iter(|| flows::compute(&config));
        });
    }
    group.finish();
}

fn provider(criterion: &mut Criterion, sizes: &[usize]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let provider = FlowMatrixProvider::default();
    let mut group = criterion.benchmark_group("provider");
    for &n in sizes {
        sized(&mut group, n);
        group.bench_function(BenchmarkId::new("read", n), |b| {
            let request = estate::read_request(&estate_json(n)).expect("request encodes");
            let read = |request| {
                runtime
                    .block_on(provider.read_data_source(tonic::Request::new(request)))
                    .expect("the handler answers")
                    .into_inner()
            };
            let response = read(request.clone());
            assert!(
                response.diagnostics.is_empty() && response.state.is_some(),
                "N = {n}: {:?}",
                response.diagnostics
            );
            // Dropped inside the timing (criterion drops outputs after it): freeing the
            // response is part of the work a read costs the plugin server.
            b.iter_batched(
                || request.clone(),
                |request| drop(read(request)),
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

/// Stops a benchmark that would time an estate the engine refuses.
fn assert_valid(outcome: &flows::Outcome) {
    assert!(
        outcome.matrix.is_some() && outcome.diagnostics.is_empty(),
        "{:?}",
        outcome.diagnostics
    );
}
