# Firewall -> Panorama flows in plain HCL: what a user writes by hand when not using
# panorama_flow_matrix, and the baseline `make bench` times the provider against.
#
# Per firewall group, Panorama node and management CIDR of the group, one ingress rule
# on the node for each of:
# - device management: tcp/3978 on the device-management interface (always);
# - log forwarding: tcp/3978 on the log-collection interface, when the group names no
#   Collector Group, Panorama runs in `panorama` mode (its local Log Collector takes the
#   logs) and the group does not log only to Cortex Data Lake;
# - updates: tcp/28443 on the device-deployment interface, for PAN-OS 8.0 and later.
# Two of them on the same interface are one rule. Keys and fields follow the provider's
# `ingress_rules`, so the rules can feed the same resources: a rule's key is its flow's
# key when the group lists one address, else the flow key, `#` and the first 12 hex
# digits of the SHA-256 of the CIDR.

locals {
  interfaces = var.panorama.interfaces

  # One entry per group, node and rule the group needs there.
  flows = flatten([
    for group_name, group in var.firewalls : [
      for node_name in keys(var.panorama.nodes) : [
        for flow in [
          {
            purpose   = "device-management"
            interface = local.interfaces.device_management
            port      = 3978
            needed    = true
          },
          {
            purpose   = "log-forwarding"
            interface = local.interfaces.log_collection
            port      = 3978
            needed = (var.panorama.mode == "panorama" && group.collector_group == null
            && (!group.cortex_data_lake || group.duplicate_logging))
          },
          {
            purpose   = "updates"
            interface = local.interfaces.device_deployment
            port      = 28443
            needed    = tonumber(split(".", group.version)[0]) >= 8
          },
          ] : {
          key       = "firewall.${group_name}>panorama.${node_name}@${flow.interface}:tcp:${flow.port}"
          appliance = "panorama.${node_name}"
          interface = flow.interface
          peer      = "firewall.${group_name}"
          port      = flow.port
          purpose   = flow.purpose
          sole      = length(group.addresses) == 1
          # A host address is a /32 (or /128) rule.
          cidrs = distinct([
            for address in group.addresses :
            strcontains(address, "/") ? address : (strcontains(address, ":") ? "${address}/128" : "${address}/32")
          ])
        } if flow.needed
      ]
    ]
  ])

  # Device management and log forwarding on one interface are the same port: one rule.
  by_key = { for flow in local.flows : flow.key => flow... }

  ingress_rules = {
    for rule in flatten([
      for key, flows in local.by_key : [
        for cidr in flows[0].cidrs : {
          key         = flows[0].sole ? key : "${key}#${substr(sha256(cidr), 0, 12)}"
          appliance   = flows[0].appliance
          interface   = flows[0].interface
          peer        = flows[0].peer
          protocol    = "tcp"
          from_port   = flows[0].port
          to_port     = flows[0].port
          cidr_ipv4   = strcontains(cidr, ":") ? null : cidr
          cidr_ipv6   = strcontains(cidr, ":") ? cidr : null
          description = substr("${join(",", flows[*].purpose)} from ${flows[0].peer}", 0, 140)
          flow_key    = key
        }
      ]
    ]) : rule.key => rule
  }
}
