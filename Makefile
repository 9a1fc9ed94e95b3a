# terraform-provider-panorama: build, install, run the quickstart, test, docs, benchmark, release.

VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
OS_ARCH    := $(shell uname -s | tr A-Z a-z)_$(shell uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)
BINARY     := target/release/terraform-provider-panorama
# The implied local mirror Terraform searches when the CLI config sets no installation method.
PLUGIN_DIR := $(HOME)/.terraform.d/plugins/registry.terraform.io/flowmatrix/panorama/$(VERSION)/$(OS_ARCH)

export CHECKPOINT_DISABLE := 1

.PHONY: build install quickstart test unit acceptance lint docs bench bench-estates release clean fuzz fuzz-corpus

build:
	cargo build --release --locked --bin terraform-provider-panorama

## install: put the provider where a plain `terraform init` finds it offline.
install: build
	mkdir -p "$(PLUGIN_DIR)"
	cp "$(BINARY)" "$(PLUGIN_DIR)/terraform-provider-panorama_v$(VERSION)"
	@echo "installed $(PLUGIN_DIR)/terraform-provider-panorama_v$(VERSION)"

## quickstart: build, install and apply examples/quickstart, then show its result once:
## a summary, the flows as a Markdown table and as a Mermaid diagram (scripts/quickstart.sh).
quickstart: install
	scripts/quickstart.sh examples/quickstart

## test: formatting and lints, then every test: unit, property and acceptance tests (the
## latter drive the real terraform binary against the release build) and the doc tests,
## ending with one line `N passed, N failed` over all of them (scripts/test.sh).
test: build lint
	PANORAMA_PROVIDER_BIN="$(CURDIR)/$(BINARY)" scripts/test.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings

## docs: rewrite docs/ (Terraform Registry layout) from templates/, examples/ and the
## schema `terraform providers schema -json` reports for the release build, and the
## estate files' JSON Schema in examples/cli/; `make test` fails when either is out of date.
docs: build
	PANORAMA_UPDATE_DOCS=1 PANORAMA_PROVIDER_BIN="$(CURDIR)/$(BINARY)" cargo test --locked --test docs
	"$(BINARY)" schema > examples/cli/estate.schema.json

## bench: start-up cost and whole-plan timings against an empty plan, as ratios; then
## bench-estates. Not part of `make test`; takes about 20 minutes.
bench: build
	scripts/bench.sh "$(CURDIR)/$(BINARY)"
	$(MAKE) --no-print-directory bench-estates

## bench-estates: large estates (issue 13): the provider's scale curve at N = 10 .. 10,000
## firewall groups (read time, state size, peak RSS) and whole `terraform plan` timings
## against the pure-HCL module under bench/, alternating runs. Options go in
## BENCH_ARGS, e.g. BENCH_ARGS="--runs 9 --cases 1k,10k" (scripts/bench_estates.py -h).
## The engine's criterion benchmarks are `cargo bench --bench flow_matrix`.
bench-estates: build
	cargo build --release --locked --example bench-estate
	scripts/bench_estates.py "$(CURDIR)/$(BINARY)" "$(CURDIR)/target/release/examples/bench-estate" $(BENCH_ARGS)

## fuzz: run each fuzz target (fuzz/, cargo-fuzz on nightly: `cargo install cargo-fuzz`)
## for FUZZ_SECONDS seconds from the seed corpus, and print the runs per target. fuzz/ is
## its own workspace: `make test` never builds it.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

## fuzz-corpus: rewrite the seed corpus fuzz/corpus/ from the examples' estates.
fuzz-corpus: build
	PANORAMA_UPDATE_FUZZ_SEEDS=1 PANORAMA_PROVIDER_BIN="$(CURDIR)/$(BINARY)" cargo test --locked --test fuzz_seeds

## release: registry artefacts for the host platform (linux_amd64 on the build machines) in
## dist/: the zip, SHA256SUMS, manifest, and dist/mirror/ for a pipeline's filesystem_mirror.
release: build
	rm -rf dist
	scripts/release.sh "$(BINARY)" dist

clean:
	cargo clean
	rm -rf dist
