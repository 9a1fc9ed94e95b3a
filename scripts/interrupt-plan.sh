#!/usr/bin/env bash
# Interrupts a wide `terraform plan` the way Ctrl-C in a terminal does (SIGINT to the
# whole process group, Terraform and its providers alike) and prints what Terraform
# says, with a count of each error summary.
#
# Usage: scripts/interrupt-plan.sh PROVIDER_BINARY [INSTANCES] [GROUPS] [DELAY_SECONDS]
# INSTANCES data sources (default 50, planned with -parallelism=INSTANCES) each compute
# an estate of GROUPS firewall groups (default 1536, rounded up to a multiple of 256); SIGINT goes DELAY_SECONDS (default 3)
# after the plan starts. Runs offline, with a dev_overrides CLI configuration of its own.
set -euo pipefail

binary="$(realpath "${1:?usage: $0 PROVIDER_BINARY [INSTANCES] [GROUPS] [DELAY_SECONDS]}")"
instances="${2:-50}"
groups="${3:-1536}"
delay="${4:-3}"

work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/config"
cp "$binary" "$work/bin/terraform-provider-panorama"
cat > "$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/flowmatrix/panorama" = "$work/bin"
  }
  direct {}
}
RC
cat > "$work/config/main.tf" <<TF
terraform {
  required_providers {
    panorama = { source = "flowmatrix/panorama" }
  }
}

locals {
  # range() stops at 1024 values: groups come in blocks of 256.
  firewalls = merge([
    for hi in range(ceil($groups / 256)) : {
      for lo in range(256) : format("branch-%03d-%03d", hi, lo) => {
        version   = "10.1"
        addresses = [format("10.%d.%d.0/24", hi, lo)]
      }
    }
  ]...)
}

data "panorama_flow_matrix" "estate" {
  count = $instances
  panorama = {
    version = "10.2"
    nodes = {
      primary   = { addresses = { mgt = [format("192.168.%d.1", count.index)] } }
      secondary = { addresses = { mgt = [format("192.168.%d.2", count.index)] } }
    }
  }
  firewalls = local.firewalls
}

output "flows" {
  value = sum([for estate in data.panorama_flow_matrix.estate : length(estate.flows)])
}
TF

cd "$work/config"
export TF_CLI_CONFIG_FILE="$work/terraform.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# A process group of its own, as a shell gives a foreground job.
setsid terraform plan -input=false -no-color -parallelism="$instances" > "$work/plan.out" 2>&1 &
leader=$!
sleep "$delay"
echo "== SIGINT to process group $leader after ${delay}s (providers running: $(pgrep -c -g "$leader" -f terraform-provider-panorama || true))"
kill -INT -- "-$leader"
started=$(date +%s%N)
status=0
wait "$leader" || status=$?
ended=$(date +%s%N)
sleep 1
left=$(pgrep -c -f "$work/bin/terraform-provider-panorama" || true)
echo "== terraform exited $status $(((ended - started) / 1000000)) ms after SIGINT; provider processes left: $left"
echo "== error summaries:"
grep -E '^(Error|Warning): ' "$work/plan.out" | sort | uniq -c | sort -rn || echo "   (none)"
echo "== what terraform printed (without the dev_overrides warning and the refresh lines):"
sed '/^Warning: Provider development overrides/,/^releases\.$/d' "$work/plan.out" \
  | grep -v -E '^data\.panorama_flow_matrix\.estate\[[0-9]+\]: Reading\.\.\.$' | cat -s
