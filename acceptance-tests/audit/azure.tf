# Azure: one object per allowed protocol, destination port range and peer prefix of the
# NSG rules of the audited direction. "*" and "Internet" stand for every address (IPv4 and
# IPv6); a service tag such as VirtualNetwork has no CIDR here, so it is passed as a
# reference, which the audit reports as not comparable. Deny rules are left out.
locals {
  azure_actual = flatten([
    for rule in var.nsg_rules : [
      for ports in compact(flatten([rule.destination_port_range, rule.destination_port_ranges])) : [
        for peer in compact(flatten(var.direction == "ingress"
          ? [rule.source_address_prefix, rule.source_address_prefixes]
          : [rule.destination_address_prefix, rule.destination_address_prefixes])) : [
          for prefix in contains(["*", "Internet"], peer) ? ["0.0.0.0/0", "::/0"] : [peer] : {
            name                         = rule.name
            protocol                     = lookup({ Tcp = "tcp", Udp = "udp", Icmp = "icmp", "*" = "-1", Esp = "50", Ah = "51" }, rule.protocol, rule.protocol)
            from_port                    = ports == "*" ? 0 : tonumber(split("-", ports)[0])
            to_port                      = ports == "*" ? 65535 : tonumber(reverse(split("-", ports))[0])
            cidr_ipv4                    = can(regex("^[0-9./]+$", prefix)) ? prefix : null
            cidr_ipv6                    = can(regex("^[0-9A-Fa-f:./]+$", prefix)) && strcontains(prefix, ":") ? prefix : null
            referenced_security_group_id = can(regex("^[0-9A-Fa-f:./]+$", prefix)) ? null : prefix
          }
        ]
      ]
    ]
    if rule.access == "Allow" && rule.direction == (var.direction == "ingress" ? "Inbound" : "Outbound")
  ])
}
