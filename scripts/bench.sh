#!/usr/bin/env bash
# Start-up cost of the provider, measured against baselines taken in the same run.
#
#   scripts/bench.sh PROVIDER_BIN [RUNS]
#
# 1. Start-up: time from exec to the go-plugin handshake line on stdout (with the magic
#    cookie and a P-521 client certificate like Terraform's), then SIGTERM and wait.
#    Baseline: the same harness timing /bin/echo printing one line.
# 2. Whole plans: `terraform plan` of examples/quickstart against a plan of a
#    configuration holding only `resource "terraform_data" "x" {}` (no providers),
#    run alternately, medians and ratio.
# 3. How many times Terraform started the provider during one quickstart plan
#    (TF_LOG=trace), and what those launches cost at the measured start-up time.
# 4. Breakdown, same run and baseline: a plan that declares the provider but reads
#    nothing (one launch, GetProviderSchema only), and the quickstart with
#    TF_DISABLE_PLUGIN_TLS=1 (what AutoMTLS costs, both sides).
#
# RUNS (default 20) is the start-up sample count; plans run max(RUNS/2, 5) times each.
# No network: Terraform installs the provider from a filesystem mirror in a temp dir,
# removed on exit (set BENCH_KEEP=1 to keep it for inspection, e.g. the TF_LOG traces).
set -euo pipefail

usage() { echo "usage: $0 PROVIDER_BIN [RUNS]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
BIN=$(realpath "$1") || usage
RUNS=${2:-20}
[[ -x $BIN ]] || { echo "$0: $BIN is not an executable" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || usage
PLAN_RUNS=$(( RUNS / 2 < 5 ? 5 : RUNS / 2 ))

for tool in terraform python3 openssl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not on PATH" >&2; exit 2; }
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n 1)
case "$(uname -m)" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac
OS_ARCH=$(uname -s | tr 'A-Z' 'a-z')_$ARCH

TMP=$(mktemp -d "${TMPDIR:-/tmp}/panorama-bench.XXXXXX")
cleanup() {
  local pid exe
  # Anything still running from our temp dir (provider copies in the mirror and the
  # working directories' .terraform) is ours: stop it before removing the files.
  for exe in /proc/[0-9]*/exe; do
    pid=${exe#/proc/}; pid=${pid%/exe}
    case "$(readlink "$exe" 2>/dev/null || true)" in
      "$TMP"/*) kill -TERM "$pid" 2>/dev/null || true ;;
    esac
  done
  pid=$(jobs -p); [[ -z $pid ]] || kill $pid 2>/dev/null || true
  rm -rf "$TMP"
}
[[ -n ${BENCH_KEEP:-} ]] || trap cleanup EXIT
trap 'exit 130' INT TERM

# A client certificate like Terraform's AutoMTLS one: ECDSA P-521, SHA-512, CA:TRUE.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-521 -sha512 -nodes \
  -subj /CN=localhost -days 1 -addext basicConstraints=critical,CA:TRUE \
  -keyout "$TMP/client.key" -out "$TMP/client.pem" 2>/dev/null

# Filesystem mirror and CLI configuration of our own: nothing of the user's is read.
PLUGIN_DIR="$TMP/mirror/registry.terraform.io/flowmatrix/panorama/$VERSION/$OS_ARCH"
mkdir -p "$PLUGIN_DIR"
cp "$BIN" "$PLUGIN_DIR/terraform-provider-panorama_v$VERSION"
cat >"$TMP/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$TMP/mirror"
    include = ["registry.terraform.io/flowmatrix/panorama"]
  }
  direct {
    exclude = ["registry.terraform.io/flowmatrix/panorama"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$TMP/terraform.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 NO_COLOR=1
unset TF_LOG TF_LOG_PATH TF_LOG_PROVIDER TF_LOG_CORE TF_PLUGIN_CACHE_DIR TF_DATA_DIR \
  TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_init 2>/dev/null || true

mkdir -p "$TMP/empty" "$TMP/quickstart" "$TMP/provider-only"
printf 'resource "terraform_data" "x" {}\n' >"$TMP/empty/main.tf"
cp "$REPO"/examples/quickstart/*.tf "$TMP/quickstart/"
# For the breakdown: the provider is declared and configured but nothing reads from it.
cat >"$TMP/provider-only/main.tf" <<'TF'
terraform {
  required_providers {
    panorama = { source = "flowmatrix/panorama" }
  }
}
provider "panorama" {}
resource "terraform_data" "x" {}
TF
for dir in empty quickstart provider-only; do
  if ! (cd "$TMP/$dir" && terraform init -input=false -no-color >"$TMP/init-$dir.log" 2>&1); then
    echo "$0: terraform init failed in the $dir workspace:" >&2
    cat "$TMP/init-$dir.log" >&2
    exit 1
  fi
done

# One trace-logged plan each: count the provider processes Terraform starts.
for dir in quickstart provider-only; do
  (cd "$TMP/$dir" && TF_LOG=trace TF_LOG_PATH="$TMP/trace-$dir.log" \
    terraform plan -input=false -no-color -refresh=false >/dev/null)
done

python3 - "$TMP" "$PLUGIN_DIR/terraform-provider-panorama_v$VERSION" "$RUNS" "$PLAN_RUNS" <<'PY'
import os, re, signal, statistics, subprocess, sys, time

tmp, provider, runs, plan_runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
client_pem = open(os.path.join(tmp, "client.pem")).read()

def to_handshake(argv, env):
    """ms from spawn to the first stdout line; then SIGTERM and wait."""
    start = time.perf_counter_ns()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline()
    took = time.perf_counter_ns() - start
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=10)
    proc.stdout.close()
    if not line.strip():
        sys.exit(f"bench: {argv[0]} printed no line (exit {rc})")
    return took / 1e6, line.decode().strip(), rc

plugin_env = dict(os.environ,
                  TF_PLUGIN_MAGIC_COOKIE="d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
                  PLUGIN_PROTOCOL_VERSIONS="6",
                  PLUGIN_CLIENT_CERT=client_pem)

# Warm the page cache and check the handshake once.
_, line, rc = to_handshake([provider], plugin_env)
if not re.match(r"^1\|6\|unix\|[^|]+\|grpc\|[A-Za-z0-9+/]+$", line):
    sys.exit(f"bench: unexpected handshake line: {line!r}")
if rc != 0:
    sys.exit(f"bench: provider exited {rc} after SIGTERM")
to_handshake(["/bin/echo", "1|6|unix|/x|grpc"], plugin_env)

base, ours = [], []
for _ in range(runs):  # alternate, so drift hits both alike
    base.append(to_handshake(["/bin/echo", "1|6|unix|/x|grpc"], plugin_env)[0])
    ours.append(to_handshake([provider], plugin_env)[0])
echo_ms, start_ms = statistics.median(base), statistics.median(ours)

def plan(workdir, **env):
    start = time.perf_counter_ns()
    done = subprocess.run(["terraform", "plan", "-input=false", "-no-color", "-refresh=false"],
                          cwd=os.path.join(tmp, workdir), env=dict(os.environ, **env),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    took = (time.perf_counter_ns() - start) / 1e6
    if done.returncode != 0:
        sys.exit(f"bench: terraform plan failed in {workdir}:\n{done.stdout.decode()}")
    return took

# Round-robin, so drift hits every variant alike; the first round is a warm-up.
variants = {
    "empty": lambda: plan("empty"),
    "quickstart": lambda: plan("quickstart"),
    "provider-only": lambda: plan("provider-only"),
    "quickstart-notls": lambda: plan("quickstart", TF_DISABLE_PLUGIN_TLS="1"),
}
samples = {name: [] for name in variants}
for round in range(plan_runs + 1):
    for name, run in variants.items():
        took = run()
        if round:
            samples[name].append(took)
med = {name: statistics.median(values) for name, values in samples.items()}
empty_ms, quick_ms = med["empty"], med["quickstart"]

def launches(name):
    trace = open(os.path.join(tmp, f"trace-{name}.log"), errors="replace").read()
    return len(re.findall(r"plugin started: path=\S*terraform-provider-panorama", trace))
n_quick, n_only = launches("quickstart"), launches("provider-only")

print(f"panorama provider start-up and plan cost ({runs} start-ups, {plan_runs} plans each; medians)")
print()
print(f"  {'measurement':<52} {'median ms':>10} {'ratio':>7}")
print(f"  {'-' * 52} {'-' * 10} {'-' * 7}")
print(f"  {'exec -> first line: /bin/echo (baseline)':<52} {echo_ms:>10.2f} {1:>7.2f}")
print(f"  {'exec -> handshake line: provider':<52} {start_ms:>10.2f} {start_ms / echo_ms:>7.2f}")
print(f"  {'terraform plan: terraform_data only (baseline)':<52} {empty_ms:>10.1f} {1:>7.2f}")
print(f"  {'terraform plan: examples/quickstart':<52} {quick_ms:>10.1f} {quick_ms / empty_ms:>7.2f}")
print()
print("  breakdown (same run, same baseline):")
for name, label in [("provider-only", f"provider declared, no data source ({n_only} launches)"),
                    ("quickstart-notls", "quickstart with TF_DISABLE_PLUGIN_TLS=1")]:
    print(f"  {label:<52} {med[name]:>10.1f} {med[name] / empty_ms:>7.2f}")
print()
extra = quick_ms - empty_ms
own = start_ms - echo_ms
print(f"  quickstart plan / empty plan:      {quick_ms / empty_ms:.2f} (target <= 1.30)")
print(f"  provider launches in one plan:     {n_quick}")
print(f"  plan difference:                   {extra:.1f} ms, of which")
print(f"    exec -> handshake, all launches: {n_quick} x {start_ms:.2f} = {n_quick * start_ms:.1f} ms"
      f" ({n_quick} x {own:.2f} = {n_quick * own:.1f} ms beyond a bare exec)")
print(f"    AutoMTLS (both sides):           {quick_ms - med['quickstart-notls']:.1f} ms"
      f" (quickstart minus quickstart without TLS)")
print(f"    using a provider at all:         {med['provider-only'] - empty_ms:.1f} ms"
      f" (provider-only minus empty, TLS included)")
print(f"    reading the data source:         {quick_ms - med['provider-only']:.1f} ms"
      f" (quickstart minus provider-only)")
PY
