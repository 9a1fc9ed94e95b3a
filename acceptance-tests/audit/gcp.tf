# GCP: one object per allow block, port range and range of the enabled firewall rules of
# the audited direction. An allow block without ports allows every port, and an egress
# rule without destination_ranges every address. Rules that match by source tag or
# service account have no ranges to compare and are left out.
locals {
  gcp_actual = flatten([
    for firewall in var.gcp_firewalls : [
      for allow in firewall.allow : [
        for ports in length(allow.ports) > 0 ? allow.ports : ["0-65535"] : [
          for range in(var.direction == "ingress"
            ? firewall.source_ranges
            : coalescelist(tolist(firewall.destination_ranges), ["0.0.0.0/0"])) : {
            name      = firewall.name
            protocol  = allow.protocol == "all" ? "-1" : allow.protocol
            from_port = tonumber(split("-", ports)[0])
            to_port   = tonumber(reverse(split("-", ports))[0])
            cidr_ipv4 = strcontains(range, ":") ? null : range
            cidr_ipv6 = strcontains(range, ":") ? range : null
          }
        ]
      ]
    ]
    if firewall.direction == upper(var.direction) && !firewall.disabled
  ])
}
