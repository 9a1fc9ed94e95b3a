#!/usr/bin/env python3
"""Large estates: the provider's scale curve and whole `terraform plan` timings against
the pure-HCL module under bench/, all measured in one run (issue 13).

  scripts/bench_estates.py PROVIDER_BIN ESTATE_TOOL [options]

PROVIDER_BIN is the release provider; ESTATE_TOOL is the `bench-estate` example (built by
`make bench`), which writes the benchmark estates (benches/support/estate.rs: HA pair,
4 Log Collectors, N firewall groups of 2 CIDRs; the wide one has 50 Log Collectors and
3 CIDRs per group) and does single measured reads.

1. Scale curve: for each estate, several reads, each in a fresh helper process that
   answers one ReadDataSource through the provider's RPC handler: wall time of the read,
   size of the encoded state, and the process's peak RSS during it. Medians; growth as
   ratios to N = 10 with the same selection. Every N is read twice: with every view (the
   default), and with `views = ["grouped_rules"]` only.
2. Whole plans: `terraform plan` of the same estate (as a `locals` block) through
   panorama_flow_matrix, and through bench/firewall-flows, which computes in plain HCL
   the firewall -> Panorama ingress rules a user would otherwise write by hand. Runs
   alternate provider / HCL so load from other work on the machine hits both alike;
   medians, ratio provider / HCL, peak RSS of the provider processes and of Terraform.
   A plan that fails is not repeated: its time and error are shown.

The issue's targets are printed beside the figures they apply to. Rows for inputs this
build does not have yet (output selection) show the error instead of figures.
No network: Terraform installs the provider from a filesystem mirror in a temporary
directory, removed on exit unless --keep.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = os.path.join(REPO, "bench", "firewall-flows")
# Terraform's limit on one gRPC message from a provider (the error names it in bytes).
GRPC_LIMIT = 256 * 1024 * 1024
SELECTION = {"views": ["grouped_rules"]}
PANORAMA_RULES = {"views": ["ingress_rules"], "appliances": ["panorama.*"]}


class Shape:
    """A benchmark estate, as the helper's arguments."""

    def __init__(self, groups, cidrs=2, collectors=4):
        self.groups, self.cidrs, self.collectors = groups, cidrs, collectors

    def args(self):
        return [str(self.groups), "--cidrs", str(self.cidrs), "--collectors", str(self.collectors)]

    def key(self):
        return f"{self.groups}-{self.cidrs}-{self.collectors}"

    def label(self):
        text = f"N={self.groups:,}"
        if (self.cidrs, self.collectors) != (2, 4):
            text += f", {self.collectors} LCs, {self.cidrs} CIDRs"
        return text


def wide(groups):
    return Shape(groups, cidrs=3, collectors=50)


# Plan cases: (id, label, shape, extra provider inputs, output of the provider
# configuration, output of the HCL one). None: no output block.
PLANS = [
    ("1k", "N=1,000, no output block", Shape(1000), {}, None, None),
    ("1k-output", "N=1,000, whole data source as an output", Shape(1000), {},
     "data.panorama_flow_matrix.estate", "module.firewall_flows"),
    ("1k-selected", "N=1,000, Panorama's ingress rules selected", Shape(1000), PANORAMA_RULES,
     "data.panorama_flow_matrix.estate.ingress_rules", "module.firewall_flows.ingress_rules"),
    ("10k", "N=10,000, no output block", Shape(10000), {}, None, None),
    ("10k-wide", "N=10,000, 50 LCs, 3 CIDRs, no output block", wide(10000), {}, None, None),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("provider", help="release build of terraform-provider-panorama")
    parser.add_argument("tool", help="the bench-estate example binary")
    parser.add_argument("--sizes", default="10,100,1000,10000",
                        help="N of the scale curve, comma-separated (default %(default)s)")
    parser.add_argument("--read-runs", type=int, default=5,
                        help="reads per estate below N=10,000 (default %(default)s)")
    parser.add_argument("--read-runs-large", type=int, default=3,
                        help="reads per estate from N=10,000 (default %(default)s)")
    parser.add_argument("--runs", type=int, default=7,
                        help="plans per side below N=10,000 (default %(default)s)")
    parser.add_argument("--runs-large", type=int, default=3,
                        help="plans per side from N=10,000 (default %(default)s)")
    parser.add_argument("--budget", type=float, default=900,
                        help="seconds per plan case after which no new pair of runs starts;"
                             " at least one pair always runs (default %(default)s)")
    parser.add_argument("--plan-timeout", type=float, default=1800,
                        help="seconds before one plan is stopped (default %(default)s)")
    parser.add_argument("--cases", default="all",
                        help="plan cases to run: all, none, or ids from "
                             + ", ".join(c[0] for c in PLANS))
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the untimed first pair of plans below N=10,000")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    for name in ("read_runs", "read_runs_large", "runs", "runs_large"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    try:
        args.sizes = [int(n) for n in args.sizes.split(",") if n]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    ids = [c[0] for c in PLANS]
    if args.cases == "all":
        args.cases = ids
    elif args.cases == "none":
        args.cases = []
    else:
        args.cases = args.cases.split(",")
        unknown = [c for c in args.cases if c not in ids]
        if unknown:
            parser.error(f"unknown case {', '.join(unknown)}; cases: {', '.join(ids)}")
    return args


def median(values):
    return statistics.median(values) if values else None


def mb(size):
    return size / 1e6


def one_line(text, limit=300):
    """An error, whitespace collapsed, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---- 1. scale curve --------------------------------------------------------------------


def read_once(tool, shape, extra):
    argv = [tool, "read", *shape.args()]
    if extra:
        argv += ["--with", json.dumps(extra)]
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.stdout.strip():
        report = json.loads(done.stdout)
        if done.returncode == 0:
            return report, None
        return None, "; ".join(report.get("errors") or ["the read returned no state"])
    problem = done.stderr.strip().removeprefix("bench-estate: ")
    return None, problem or f"exit status {done.returncode}"


def scale_curve(args):
    cases = [(Shape(n).label(), Shape(n), {}) for n in args.sizes]
    cases += [(f"{Shape(n).label()}, only grouped_rules", Shape(n), SELECTION) for n in args.sizes]
    if args.sizes:  # the wide estate at the largest N
        largest = max(args.sizes)
        cases.append((wide(largest).label(), wide(largest), {}))
    rows = []
    for label, shape, extra in cases:
        runs = args.read_runs_large if shape.groups >= 10000 else args.read_runs
        reports, error = [], None
        for _ in range(runs):
            report, error = read_once(args.tool, shape, extra)
            if error:
                break
            reports.append(report)
        row = {"label": label, "shape": shape, "extra": extra, "runs": len(reports),
               "error": error}
        if reports:
            row["read"] = median([r["read_seconds"] for r in reports])
            row["state"] = median([r["state_bytes"] for r in reports])
            row["message"] = max(r["message_bytes"] for r in reports)
            row["rss"] = median([r["peak_rss_bytes"] for r in reports])
        rows.append(row)
        print(f"  read {label}: " + (f"{row['read']:.3f} s, {mb(row['state']):.1f} MB"
                                      if reports else f"fails: {one_line(error, 120)}"),
              file=sys.stderr, flush=True)
    return rows


def print_scale(rows, args):
    def ratio(row, field):
        # Growth against the N=10 estate read with the same selection.
        base = next((r for r in rows if r["shape"].key() == Shape(10).key()
                     and r["extra"] == row["extra"] and r["runs"]), None)
        if not base or not base.get(field):
            return ""
        times = row[field] / base[field]
        return f"{times:,.1f}x" if times < 10 else f"{times:,.0f}x"

    print("Scale curve: one ReadDataSource through the provider's RPC handler, each in a")
    print(f"fresh process (medians of {args.read_runs} reads, {args.read_runs_large} from"
          " N=10,000; ratios to N=10)")
    print()
    head = (f"  {'estate':<40} {'runs':>4} {'read s':>8} {'x':>7} {'state MB':>9} {'x':>7}"
            f" {'peak RSS MB':>11} {'x':>7} {'RSS/state':>9}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for row in rows:
        if not row["runs"]:
            print(f"  {row['label']:<40} {'-':>4} fails: {one_line(row['error'], 70)}")
            continue
        over = "  over the 256 MiB gRPC limit" if row["message"] > GRPC_LIMIT else ""
        print(f"  {row['label']:<40} {row['runs']:>4} {row['read']:>8.3f} {ratio(row, 'read'):>7}"
              f" {mb(row['state']):>9.1f} {ratio(row, 'state'):>7}"
              f" {mb(row['rss']):>11.0f} {ratio(row, 'rss'):>7}"
              f" {row['rss'] / row['state']:>8.1f}x{over}")
    print()


# ---- 2. whole plans --------------------------------------------------------------------


def estate_file(args, tmp, shape):
    """The estate as a `locals { estate = ... }` block, written once per shape."""
    path = os.path.join(tmp, f"estate-{shape.key()}.tf.json")
    if not os.path.exists(path):
        done = subprocess.run([args.tool, "json", *shape.args()], stdout=subprocess.PIPE,
                              check=True, text=True)
        with open(path, "w") as out:
            json.dump({"locals": {"estate": json.loads(done.stdout)}}, out)
    return path


def hcl_value(value):
    # JSON lists, strings, numbers and objects (`{"a": 1}`) are HCL expressions too.
    return json.dumps(value)


def workspaces(args, tmp, case):
    ident, _, shape, extra, provider_out, hcl_out = case
    estate = estate_file(args, tmp, shape)
    provider_dir, hcl_dir = (os.path.join(tmp, f"{ident}-{side}") for side in ("provider", "hcl"))
    for directory in (provider_dir, hcl_dir):
        os.makedirs(directory)
        shutil.copy(estate, os.path.join(directory, "estate.tf.json"))
    inputs = "".join(f"  {name} = {hcl_value(value)}\n" for name, value in extra.items())
    with open(os.path.join(provider_dir, "main.tf"), "w") as out:
        out.write('terraform {\n  required_providers {\n'
                  '    panorama = { source = "flowmatrix/panorama" }\n  }\n}\n\n'
                  'data "panorama_flow_matrix" "estate" {\n'
                  '  panorama       = local.estate.panorama\n'
                  '  log_collectors = local.estate.log_collectors\n'
                  '  firewalls      = local.estate.firewalls\n'
                  f'{inputs}}}\n')
        if provider_out:
            out.write(f'\noutput "bench" {{\n  value = {provider_out}\n}}\n')
    shutil.copytree(MODULE, os.path.join(hcl_dir, "firewall-flows"))
    with open(os.path.join(hcl_dir, "main.tf"), "w") as out:
        out.write('module "firewall_flows" {\n'
                  '  source    = "./firewall-flows"\n'
                  '  panorama  = local.estate.panorama\n'
                  '  firewalls = local.estate.firewalls\n}\n')
        if hcl_out:
            out.write(f'\noutput "bench" {{\n  value = {hcl_out}\n}}\n')
    for directory in (provider_dir, hcl_dir):
        init = subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=directory,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if init.returncode != 0:
            sys.exit(f"bench: terraform init failed in {directory}:\n{init.stdout}")
    return provider_dir, hcl_dir


def vm_hwm(pid):
    """Peak RSS of a live process in bytes, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def providers_under(tmp):
    """Pids of processes whose executable lives under `tmp` (the mirror's provider)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/exe").startswith(tmp + os.sep):
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def plan(args, tmp, directory):
    """One `terraform plan`: (seconds, error or None, provider peak RSS, Terraform peak RSS)."""
    log_path = os.path.join(directory, "plan.log")
    with open(log_path, "w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(["terraform", "plan", "-input=false", "-no-color",
                                 "-refresh=false"], cwd=directory, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        peaks = {"provider": 0, "terraform": 0}
        done = threading.Event()

        def watch():
            # VmHWM is each process's own high-water mark: polling only has to see the
            # process once before it exits.
            while not done.is_set():
                peaks["terraform"] = max(peaks["terraform"], vm_hwm(proc.pid) or 0)
                for pid in providers_under(tmp):
                    peaks["provider"] = max(peaks["provider"], vm_hwm(pid) or 0)
                done.wait(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            code = proc.wait(timeout=args.plan_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            code = None
        took = time.perf_counter() - start
        done.set()
        watcher.join()
    if code == 0:
        return took, None, peaks["provider"], peaks["terraform"]
    if code is None:
        return took, f"stopped after {args.plan_timeout:.0f} s (--plan-timeout)", *peaks.values()
    with open(log_path, errors="replace") as log:
        text = log.read()
    found = re.search(r"Error: .*", text, re.S)
    error = found.group(0) if found else text[-2000:]
    return took, one_line(error.replace("│", " ").replace("╵", " ")), *peaks.values()


def plan_case(args, tmp, case):
    ident, label, shape, *_ = case
    large = shape.groups >= 10000
    runs = args.runs_large if large else args.runs
    provider_dir, hcl_dir = workspaces(args, tmp, case)
    sides = {"provider": provider_dir, "hcl": hcl_dir}
    results = {side: {"times": [], "error": None, "failed_after": None, "rss": 0, "tf_rss": 0}
               for side in sides}
    if not (large or args.no_warmup):
        for side, directory in sides.items():
            plan(args, tmp, directory)
    started = time.perf_counter()
    for round_ in range(runs):
        if round_ and time.perf_counter() - started > args.budget:
            break
        for side, directory in sides.items():  # alternate: provider, HCL, provider, ...
            result = results[side]
            if result["error"]:
                continue
            took, error, rss, tf_rss = plan(args, tmp, directory)
            result["rss"], result["tf_rss"] = max(result["rss"], rss), max(result["tf_rss"], tf_rss)
            if error:
                result["error"], result["failed_after"] = error, took
            else:
                result["times"].append(took)
        print(f"  plan {ident} round {round_ + 1}: "
              + ", ".join(f"{side} {r['times'][-1]:.1f} s" if r["times"] and not r["error"]
                          else f"{side} failed" for side, r in results.items()),
              file=sys.stderr, flush=True)
    return {"id": ident, "label": label, **results}


def print_plans(rows, args):
    print("Whole plans: `terraform plan` of the same estate through panorama_flow_matrix and")
    print("through the pure-HCL module bench/firewall-flows (firewall -> Panorama ingress rules")
    print(f"only), alternating runs, medians ({args.runs} per side, {args.runs_large} from"
          f" N=10,000, {args.budget:.0f} s budget per case);")
    print("runs: provider/HCL samples; terraform RSS: with the provider / with the module")
    print()
    head = (f"  {'case':<44} {'runs':>5} {'provider s':>10} {'HCL s':>10} {'ratio':>6}"
            f" {'provider RSS MB':>15} {'terraform RSS MB':>16}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    failures = []
    for row in rows:
        p, h = row["provider"], row["hcl"]
        p_med, h_med = median(p["times"]), median(h["times"])
        runs = f"{len(p['times'])}/{len(h['times'])}"
        p_text = f"{p_med:.2f}" if p_med is not None else f"fail {p['failed_after']:.1f}"
        h_text = f"{h_med:.2f}" if h_med is not None else f"fail {h['failed_after']:.1f}"
        ratio = f"{p_med / h_med:.2f}x" if p_med and h_med else "-"
        tf_rss = f"{mb(p['tf_rss']):.0f} / {mb(h['tf_rss']):.0f}"
        print(f"  {row['label']:<44} {runs:>5} {p_text:>10} {h_text:>10} {ratio:>6}"
              f" {mb(p['rss']):>15.0f} {tf_rss:>16}")
        for side in ("provider", "hcl"):
            if row[side]["error"]:
                failures.append(f"  {row['label']} ({side}, after {row[side]['failed_after']:.1f} s):"
                                f"\n    {row[side]['error']}")
    if failures:
        print()
        print("  plans that failed (not repeated):")
        print("\n".join(failures))
    print()


# ---- targets ---------------------------------------------------------------------------


def print_targets(reads, plans):
    print("Issue 13 targets (figures from this run)")
    print()

    def read_row(shape, extra):
        return next((r for r in reads if r["shape"].key() == shape.key()
                     and r["extra"] == extra), None)

    lines = []
    full = read_row(Shape(10000), {})
    if full and full["runs"]:
        lines.append((full["read"] <= 1.5,
                      f"read at N=10,000, every view: {full['read']:.2f} s (target <= 1.5 s)"))
        lines.append((full["rss"] <= 2 * full["state"],
                      f"peak RSS at N=10,000: {full['rss'] / full['state']:.1f}x the state"
                      " (target <= 2x)"))
    selected = read_row(Shape(10000), SELECTION)
    if selected:
        figure = (f"{selected['read']:.2f} s" if selected["runs"]
                  else f"fails ({one_line(selected['error'], 70)})")
        lines.append((selected["runs"] and selected["read"] <= 0.3,
                      f"read at N=10,000, only grouped_rules: {figure} (target <= 0.3 s)"))
    for row in plans:
        p, h = row["provider"], row["hcl"]
        if row["id"] == "1k-selected":
            if p["times"] and h["times"]:
                ratio = median(p["times"]) / median(h["times"])
                lines.append((ratio <= 1.0, "plan, N=1,000, Panorama's ingress rules selected:"
                              f" {ratio:.2f}x the HCL module's (target <= 1.0x)"))
            else:
                lines.append((False, "plan, N=1,000, Panorama's ingress rules selected: fails"
                              " (target <= 1.0x the HCL module's)"))
        if row["id"] in ("10k", "10k-wide"):
            name = {"10k": "N=10,000, every view", "10k-wide": "N=10,000 wide, every view"}[row["id"]]
            target = "(target: plans, or fails with a clear diagnostic, within 10 s)"
            if p["times"]:
                took = median(p["times"])
                lines.append((took <= 10, f"plan, {name}: plans in {took:.1f} s {target}"))
            else:
                raw = "encoded message length too large" in (p["error"] or "")
                took = p["failed_after"]
                lines.append((not raw and took <= 10, f"plan, {name}: fails in {took:.1f} s"
                              f"{' with a raw gRPC OutOfRange' if raw else ''} {target}"))
    for met, line in lines:
        print(f"  {'met    ' if met else 'NOT met'}  {line}")
    print()


def main():
    args = parse_args()
    for tool in ("terraform",):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not on PATH")
    for path in (args.provider, args.tool):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} is not an executable")
    with open(os.path.join(REPO, "Cargo.toml")) as cargo:
        version = re.search(r'^version = "(.*)"', cargo.read(), re.M).group(1)
    machine = os.uname().machine
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    os_arch = f"{os.uname().sysname.lower()}_{arch}"

    tmp = os.path.realpath(tempfile.mkdtemp(prefix="panorama-bench-estates."))
    plugin_dir = os.path.join(tmp, "mirror", "registry.terraform.io", "flowmatrix", "panorama",
                              version, os_arch)
    os.makedirs(plugin_dir)
    shutil.copy(args.provider, os.path.join(plugin_dir, f"terraform-provider-panorama_v{version}"))
    with open(os.path.join(tmp, "terraform.rc"), "w") as rc:
        rc.write(f'provider_installation {{\n  filesystem_mirror {{\n    path    = "{tmp}/mirror"\n'
                 '    include = ["registry.terraform.io/flowmatrix/panorama"]\n  }\n'
                 '  direct {\n    exclude = ["registry.terraform.io/flowmatrix/panorama"]\n  }\n}\n')
    for name in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_LOG_CORE", "TF_PLUGIN_CACHE_DIR",
                 "TF_DATA_DIR", "TF_CLI_ARGS", "TF_CLI_ARGS_plan", "TF_CLI_ARGS_init"):
        os.environ.pop(name, None)
    os.environ.update(TF_CLI_CONFIG_FILE=os.path.join(tmp, "terraform.rc"), CHECKPOINT_DISABLE="1",
                      TF_IN_AUTOMATION="1", NO_COLOR="1")

    try:
        load_before = os.getloadavg()
        began = time.time()
        print("scale curve ...", file=sys.stderr, flush=True)
        reads = scale_curve(args)
        plans = []
        for case in PLANS:
            if case[0] in args.cases:
                print(f"plans: {case[1]} ...", file=sys.stderr, flush=True)
                plans.append(plan_case(args, tmp, case))
        load_after = os.getloadavg()
        print()
        print(f"panorama_flow_matrix on large estates ({os.cpu_count()} CPUs; load average"
              f" {load_before[0]:.2f} before, {load_after[0]:.2f} after;"
              f" {(time.time() - began) / 60:.1f} min)")
        print("estates (benches/support/estate.rs): HA pair of M-600s (mgt management, eth1"
              " logs, eth3 updates),")
        print("Log Collectors in Collector Groups of up to 10, N firewall groups of 2 /24s"
              " (1 in 8 logs to Panorama,")
        print("1 in 3 runs PAN-OS 7.1); the wide estate: 50 Log Collectors, 3 /24s per group")
        print()
        print_scale(reads, args)
        if plans:
            print_plans(plans, args)
        print_targets(reads, plans)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            for pid in providers_under(tmp):
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
