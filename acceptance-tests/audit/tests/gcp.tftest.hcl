# google_compute_firewall resources, as the google provider reports them, through the
# adapter of gcp.tf.

run "a_drifted_firewall_names_what_is_missing_and_what_is_open" {
  command = plan

  variables {
    gcp_firewalls = [
      { name  = "branches", direction = "INGRESS", disabled = false,
        allow = [{ protocol = "tcp", ports = ["3978"] }],
      source_ranges = ["10.20.0.0/16"], destination_ranges = [] },
      # Every TCP port from the admins, and ICMP from anywhere.
      { name  = "admin", direction = "INGRESS", disabled = false,
        allow = [{ protocol = "tcp", ports = [] }, { protocol = "icmp", ports = [] }],
      source_ranges = ["10.50.0.0/24"], destination_ranges = [] },
      # Left out: a disabled rule, and a rule of the other direction.
      { name  = "updates-disabled", direction = "INGRESS", disabled = true,
        allow = [{ protocol = "tcp", ports = ["28443"] }],
      source_ranges = ["10.20.0.0/16"], destination_ranges = [] },
      { name  = "egress-all", direction = "EGRESS", disabled = false,
        allow = [{ protocol = "all", ports = [] }],
      source_ranges = [], destination_ranges = [] },
    ]
  }

  assert {
    condition     = !output.gcp.compliant && output.gcp.covered == 3
    error_message = "3978, 22 and 443 are covered: ${jsonencode(output.gcp)}"
  }

  assert {
    condition     = [for r in output.gcp.missing : r.key] == ["firewall.branches>panorama.primary@mgt:tcp:28443"]
    error_message = "28443 is missing: ${jsonencode(output.gcp.missing)}"
  }

  assert {
    condition = [for e in output.gcp.excess : "${e.rule.name} ${e.rule.protocol}: ${join(", ", [for r in e.reasons : split(":", r)[0]])}"] == [
      "admin tcp: other ports",
      "admin icmp: another protocol",
    ]
    error_message = "Excess: ${jsonencode(output.gcp.excess)}"
  }

  assert {
    condition     = startswith(output.gcp.excess[0].reasons[0], "other ports: allows 0-21, 23-442, 444-65535,")
    error_message = "The ports beyond 22 and 443: ${jsonencode(output.gcp.excess[0].reasons)}"
  }
}

run "a_firewall_as_required_is_compliant" {
  command = plan

  variables {
    gcp_firewalls = [
      { name  = "branches", direction = "INGRESS", disabled = false,
        allow = [{ protocol = "tcp", ports = ["3978", "28443"] }],
      source_ranges = ["10.20.0.0/16"], destination_ranges = [] },
      { name  = "admin", direction = "INGRESS", disabled = false,
        allow = [{ protocol = "tcp", ports = ["22", "443"] }],
      source_ranges = ["10.50.0.0/24"], destination_ranges = [] },
    ]
  }

  assert {
    condition     = output.gcp.compliant && output.gcp.covered == 4
    error_message = "Compliant: ${jsonencode(output.gcp)}"
  }
}

run "an_egress_rule_without_destination_ranges_opens_everything" {
  command = plan

  variables {
    direction = "egress"
    gcp_firewalls = [
      { name  = "dns", direction = "EGRESS", disabled = false,
        allow = [{ protocol = "udp", ports = ["53"] }],
      source_ranges = [], destination_ranges = ["10.0.0.2/32"] },
      { name  = "egress-all", direction = "EGRESS", disabled = false,
        allow = [{ protocol = "all", ports = [] }],
      source_ranges = [], destination_ranges = [] },
    ]
  }

  assert {
    condition = (
      output.gcp.covered == 1 &&
      [for e in output.gcp.excess : "${e.rule.name} ${e.rule.cidr_ipv4}: ${join(", ", [for r in e.reasons : split(":", r)[0]])}"] == ["egress-all 0.0.0.0/0: all protocols, everyone, wider CIDR"]
    )
    error_message = "Egress: ${jsonencode(output.gcp)}"
  }
}
