# terraform-provider-panorama: build, install, run the quickstart, test, docs, benchmark, release.

VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
OS_ARCH    := $(shell uname -s | tr A-Z a-z)_$(shell uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)
BINARY     := target/release/terraform-provider-panorama
# The implied local mirror Terraform searches when the CLI config sets no installation method.
PLUGIN_DIR := $(HOME)/.terraform.d/plugins/registry.terraform.io/flowmatrix/panorama/$(VERSION)/$(OS_ARCH)

export CHECKPOINT_DISABLE := 1

.PHONY: build install quickstart test unit acceptance lint docs bench release clean

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

## bench: start-up cost and whole-plan timings against an empty plan, as ratios.
bench: build
	scripts/bench.sh "$(CURDIR)/$(BINARY)"

## release: registry artefacts for the host platform (linux_amd64 on the build machines) in
## dist/: the zip, SHA256SUMS, manifest, and dist/mirror/ for a pipeline's filesystem_mirror.
release: build
	rm -rf dist
	scripts/release.sh "$(BINARY)" dist

clean:
	cargo clean
	rm -rf dist
