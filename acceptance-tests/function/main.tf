# Module under test for the `terraform test` suites in tests/: the function flow_matrix
# next to the data source for the same estate, and the same estate again with Panorama's
# MGT address taken from a resource, known only after apply.

terraform {
  required_version = ">= 1.8"
  required_providers {
    panorama = {
      source = "flowmatrix/panorama"
    }
  }
}

variable "estate" {
  description = "The data source's arguments, as one object."
  type        = any
}

variable "node" {
  description = "The Panorama node whose MGT address the resource below stands for."
  type        = string
}

variable "limit" {
  description = "Most rules of one family per security group, for chunk_rules."
  type        = number
  default     = 60
}

# Stands for a network interface: its output, like an ENI's private_ip, is known only
# after apply, and is then the node's address as the estate gives it.
resource "terraform_data" "interface" {
  input = one(var.estate.panorama.nodes[var.node].addresses.mgt)
}

data "panorama_flow_matrix" "this" {
  panorama         = var.estate.panorama
  log_collectors   = try(var.estate.log_collectors, null)
  firewalls        = try(var.estate.firewalls, null)
  wildfire         = try(var.estate.wildfire, null)
  cortex_data_lake = try(var.estate.cortex_data_lake, null)
  services         = try(var.estate.services, null)
}

locals {
  late_estate = merge(var.estate, {
    panorama = merge(var.estate.panorama, {
      nodes = merge(var.estate.panorama.nodes, {
        (var.node) = { addresses = { mgt = [terraform_data.interface.output] } }
      })
    })
  })
  late = provider::panorama::flow_matrix(local.late_estate)
}

output "function" {
  value = provider::panorama::flow_matrix(var.estate)
}

output "data_source" {
  value = {
    id             = data.panorama_flow_matrix.this.id
    flows          = data.panorama_flow_matrix.this.flows
    ingress_rules  = data.panorama_flow_matrix.this.ingress_rules
    egress_rules   = data.panorama_flow_matrix.this.egress_rules
    grouped_rules  = data.panorama_flow_matrix.this.grouped_rules
    flows_markdown = data.panorama_flow_matrix.this.flows_markdown
    flows_mermaid  = data.panorama_flow_matrix.this.flows_mermaid
  }
}

output "late" {
  value = local.late
}

output "late_ingress_keys" {
  value = [for r in local.late.ingress_rules : r.key]
}

output "late_egress_keys" {
  value = [for r in local.late.egress_rules : r.key]
}

output "chunks" {
  value = provider::panorama::chunk_rules(local.late.ingress_rules, var.limit)
}
