# Module under test for the `terraform test` suites in tests/: passes a whole estate from
# variables into panorama_flow_matrix and exposes the flows in shapes easy to assert on.

terraform {
  required_providers {
    panorama = {
      source = "flowmatrix/panorama"
    }
  }
}

variable "panorama" {
  type = any
}

variable "log_collectors" {
  type    = any
  default = null
}

variable "firewalls" {
  type    = any
  default = null
}

variable "wildfire" {
  type    = any
  default = null
}

variable "cortex_data_lake" {
  type    = any
  default = null
}

variable "services" {
  type    = any
  default = null
}

data "panorama_flow_matrix" "this" {
  panorama         = var.panorama
  log_collectors   = var.log_collectors
  firewalls        = var.firewalls
  wildfire         = var.wildfire
  cortex_data_lake = var.cortex_data_lake
  services         = var.services
}

locals {
  flows = data.panorama_flow_matrix.this.flows
}

output "keys" {
  value = [for f in local.flows : f.key]
}

# "source>destination:protocol/port", without interfaces: what most assertions need.
output "connections" {
  value = [for f in local.flows : "${f.source}>${f.destination}:${f.protocol}/${f.from_port}"]
}

output "flows_by_key" {
  value = { for f in local.flows : f.key => f }
}

output "ingress_by_key" {
  value = { for r in data.panorama_flow_matrix.this.ingress_rules : r.key => r }
}
