# Reads the estate inside a `check` block, for tests that expect Terraform to refuse it.
#
# A data source's read error is not a checkable failure: `expect_failures` cannot name
# `data.panorama_flow_matrix.x`, so a run that expects a refused estate fails on the error
# itself. Inside a check block the read error becomes the check's failure (a warning in a
# plan), which `expect_failures = [check.estate]` does catch. Use this module for refused
# estates only: a real configuration keeps its data source outside any check block, where a
# refusal stops the plan.

terraform {
  required_providers {
    panorama = {
      source = "flowmatrix/panorama"
    }
  }
}

variable "estate" {
  description = "The data source's arguments: panorama, and optionally log_collectors, firewalls, wildfire, cortex_data_lake, services."
  type        = any
}

check "estate" {
  data "panorama_flow_matrix" "estate" {
    panorama         = var.estate.panorama
    log_collectors   = try(var.estate.log_collectors, null)
    firewalls        = try(var.estate.firewalls, null)
    wildfire         = try(var.estate.wildfire, null)
    cortex_data_lake = try(var.estate.cortex_data_lake, null)
    services         = try(var.estate.services, null)
  }

  assert {
    condition     = length(data.panorama_flow_matrix.estate.flows) > 0
    error_message = "The estate was accepted but has no flows."
  }
}
