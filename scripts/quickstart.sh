#!/usr/bin/env bash
# Applies the quickstart configuration in DIR (default examples/quickstart) and shows its
# result once: a summary line, then the flows as a Markdown table and as a Mermaid
# diagram. Terraform's progress output is dropped; its errors and warnings (stderr) stay.
#
# Usage: scripts/quickstart.sh [DIR]
set -euo pipefail
# A CLI configuration file that does not exist makes Terraform warn on every command;
# no file means no settings, so drop the variable rather than repeat the warning.
if [[ -n ${TF_CLI_CONFIG_FILE:-} && ! -e $TF_CLI_CONFIG_FILE ]]; then
  echo "note: TF_CLI_CONFIG_FILE names $TF_CLI_CONFIG_FILE, which does not exist; running without it" >&2
  unset TF_CLI_CONFIG_FILE
fi
cd "${1:-examples/quickstart}"
rm -f .terraform.lock.hcl
terraform init -input=false >/dev/null
terraform apply -input=false -auto-approve >/dev/null
terraform output -raw summary
printf '\n\n'
terraform output -raw flows_markdown
printf '\n'
terraform output -raw flows_mermaid
