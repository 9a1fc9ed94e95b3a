# Quickstart: an HA pair of M-600 Panoramas in panorama mode whose local Log Collectors
# join Collector Group "east" with one dedicated Log Collector, and two firewall groups:
# branches on PAN-OS 10.1 logging to "east", and a legacy data centre on 7.1 logging to
# Panorama. Run `make quickstart` from the repository root.

terraform {
  required_version = ">= 1.0"
  required_providers {
    panorama = {
      source  = "flowmatrix/panorama"
      version = "~> 0.1"
    }
  }
}

provider "panorama" {}

data "panorama_flow_matrix" "estate" {
  panorama = {
    version         = "10.2.4"
    model           = "m-600"
    collector_group = "east"
    interfaces = {
      log_collection  = "eth1"
      collector_group = "eth2"
    }
    nodes = {
      primary = {
        addresses = { mgt = ["10.0.0.10"], eth1 = ["10.0.1.10"], eth2 = ["10.0.2.10"] }
      }
      secondary = {
        addresses = { mgt = ["10.0.0.11"], eth1 = ["10.0.1.11"], eth2 = ["10.0.2.11"] }
      }
    }
  }

  log_collectors = {
    lc-east-1 = {
      version         = "10.2.4"
      collector_group = "east"
      model           = "m-600"
      interfaces      = { log_collection = "eth1", collector_group = "eth2" }
      addresses       = { mgt = ["10.1.0.5"], eth1 = ["10.1.1.5"], eth2 = ["10.1.2.5"] }
    }
  }

  firewalls = {
    branches = {
      version         = "10.1"
      addresses       = ["10.20.0.0/16"]
      collector_group = "east"
    }
    legacy-dc = {
      version   = "7.1.10"
      addresses = ["10.30.0.0/24", "2001:db8:30::/64"]
    }
  }
}

output "summary" {
  description = "The result in one line, with where to read more."
  value = format(
    "%d flows (%d ingress and %d egress rules), id %s. One line per flow: `terraform output flows`.",
    length(data.panorama_flow_matrix.estate.flows),
    length(data.panorama_flow_matrix.estate.ingress_rules),
    length(data.panorama_flow_matrix.estate.egress_rules),
    substr(data.panorama_flow_matrix.estate.id, 0, 12),
  )
}

output "flows" {
  description = "Every flow, one line each."
  value = [
    for f in data.panorama_flow_matrix.estate.flows :
    format("%-24s -> %-32s %s/%-5d %-17s %s", f.source, "${f.destination}@${coalesce(f.destination_interface, "-")}", f.protocol, f.from_port, f.application, f.purpose)
  ]
}

output "flow_count" {
  value = length(data.panorama_flow_matrix.estate.flows)
}

output "rule_counts" {
  value = {
    ingress = length(data.panorama_flow_matrix.estate.ingress_rules)
    egress  = length(data.panorama_flow_matrix.estate.egress_rules)
  }
}

output "id" {
  value = data.panorama_flow_matrix.estate.id
}

output "flows_markdown" {
  description = "The flows as a Markdown table, for a change request."
  value       = data.panorama_flow_matrix.estate.flows_markdown
}

output "flows_mermaid" {
  description = "The flows as a Mermaid diagram: paste it into a ```mermaid block."
  value       = data.panorama_flow_matrix.estate.flows_mermaid
}
