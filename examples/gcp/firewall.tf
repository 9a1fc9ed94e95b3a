# The GCP side: one VPC firewall rule per group and IP version, all from the locals in
# main.tf. Put output.network_tags on each appliance's instances.
#
# GCP allows all egress unless a deny rule says otherwise: the EGRESS rules matter once the
# appliances' networks deny egress by default (a low-priority deny-all rule).

# Project and credentials come from the environment (GOOGLE_PROJECT, gcloud auth).
provider "google" {}

resource "google_compute_firewall" "flow" {
  for_each = local.firewall_rules

  name        = each.value.name
  network     = each.value.network
  direction   = each.value.direction
  description = each.value.description

  allow {
    protocol = each.value.protocol
    ports    = each.value.ports
  }

  source_ranges      = each.value.source_ranges
  destination_ranges = each.value.destination_ranges
  target_tags        = each.value.target_tags

  # New peers on a group's ports update the rule in place; a group whose ports change
  # gets a new name: create its rule before the old one goes, so the flows never stop.
  lifecycle {
    create_before_destroy = true
  }
}
