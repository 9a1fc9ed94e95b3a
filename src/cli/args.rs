//! The command line's arguments (clap derive): what each command takes, and the help a
//! person reads when they run the binary with no arguments or with `--help`.

use std::ffi::OsString;
use std::fmt;

use clap::{Parser, Subcommand, ValueEnum};

/// First lines of `--help`, and all a person sees when they run the binary bare.
const ABOUT: &str = "\
Computes every network flow a Palo Alto Networks Panorama estate needs.

This binary is the Terraform provider flowmatrix/panorama. Terraform starts it as a plugin
when a configuration uses the provider: install it with `make install` (or from a release's
filesystem mirror), declare `panorama = { source = \"flowmatrix/panorama\" }` under
`required_providers`, then run `terraform init` and use the `panorama_flow_matrix` data
source.

Run by hand, it computes the same flows from an estate file, without Terraform.";

/// Last lines of `--help`: inputs and exit statuses.
const AFTER_HELP: &str = "\
ESTATE is a JSON or YAML file holding the data source's input attributes (`panorama`,
`log_collectors`, `firewalls`, `wildfire`, `cortex_data_lake`, `services`), or `-` for
standard input. It is read as JSON when its name ends in .json, as YAML for .yaml or .yml,
otherwise by its first character (`{` or `[`: JSON). It is checked exactly as the data
source checks its inputs; every problem is printed on standard error with its path.

Exit status: 0 success (warnings allowed), 1 invalid estate or rules file, 2 usage error,
3 `audit` found the rules not compliant.";

/// `terraform-provider-panorama`, run by a person.
#[derive(Debug, Parser)]
#[command(
    name = "terraform-provider-panorama",
    version,
    about = ABOUT,
    after_help = AFTER_HELP,
    arg_required_else_help = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every flow the estate needs (the data source's `flows`).
    Flows {
        /// Estate file (JSON or YAML), or `-` for standard input.
        #[arg(value_name = "ESTATE")]
        estate: OsString,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FlowsFormat::Json)]
        format: FlowsFormat,
    },
    /// Print the per-CIDR security group rules (`ingress_rules` and `egress_rules`).
    Rules {
        /// Estate file (JSON or YAML), or `-` for standard input.
        #[arg(value_name = "ESTATE")]
        estate: OsString,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Json)]
        format: RulesFormat,
    },
    /// Compare the rules a security group really has with the rules the estate requires
    /// for one appliance interface and direction.
    #[command(after_help = AUDIT_HELP)]
    Audit {
        /// Estate file (JSON or YAML), or `-` for standard input.
        #[arg(value_name = "ESTATE")]
        estate: OsString,
        /// The rules that exist (JSON or YAML): a list of rule objects, or the output of
        /// `aws ec2 describe-security-group-rules`.
        #[arg(value_name = "ACTUAL_RULES")]
        actual: OsString,
        /// The appliance interface the rules protect, as the outputs name it:
        /// `panorama.primary@mgt`, `log_collector.lc-1@eth1`, `firewall.branches`. The
        /// interface may be left out when the appliance has rules on one interface only.
        #[arg(long, value_name = "ENDPOINT[@INTERFACE]")]
        appliance: String,
        /// ingress: the rules let peers reach the appliance (`ingress_rules`); egress: the
        /// appliance reach its peers (`egress_rules`).
        #[arg(long, value_enum)]
        direction: Direction,
        /// Output format.
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
    },
    /// Print the JSON Schema (2020-12) of an estate file, for editors and validators.
    Schema,
}

/// How `audit` explains its inputs and exit statuses.
const AUDIT_HELP: &str = "\
ACTUAL_RULES is a list of objects with `protocol` (or AWS's `ip_protocol`: `tcp`, `udp`,
`icmp`, `-1` for all), `from_port`, `to_port` and `cidr_ipv4` or `cidr_ipv6`, as
`aws_vpc_security_group_rule` reports them (other attributes are ignored), or the JSON that
`aws ec2 describe-security-group-rules` prints, whose rules of the other direction are
left out.

Exit status: 0 compliant (nothing missing, nothing in excess), 3 not compliant, 1 invalid
estate or rules file, 2 usage error (such as an appliance the estate has no rules for).";

/// Output formats of `flows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowsFormat {
    /// The data source's `flows`, as `terraform output -json` prints it.
    Json,
    /// One row per flow, the JSON attribute names as the header, `key` first.
    Csv,
    /// The data source's `flows_markdown`.
    Markdown,
    /// The data source's `flows_mermaid`.
    Mermaid,
}

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// `{"egress_rules": [...], "ingress_rules": [...]}`, as Terraform prints them.
    Json,
    /// One row per rule, `direction` first.
    Csv,
}

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// A report for people.
    Text,
    /// `{compliant, covered, excess, missing}`, the `audit` function's result.
    Json,
}

/// Which rules of the appliance are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    /// Peers reach the appliance: `ingress_rules`.
    Ingress,
    /// The appliance reaches its peers: `egress_rules`.
    Egress,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn formats_default_to_json_and_text() {
        let cli = Cli::try_parse_from(["x", "flows", "e.yaml"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Flows {
                format: FlowsFormat::Json,
                ..
            }
        ));
        let cli = Cli::try_parse_from([
            "x",
            "audit",
            "e.yaml",
            "a.json",
            "--appliance",
            "panorama.a@mgt",
            "--direction",
            "egress",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Audit {
                format: AuditFormat::Text,
                direction: Direction::Egress,
                ..
            }
        ));
    }

    #[test]
    fn audit_needs_the_appliance_and_the_direction() {
        let error = Cli::try_parse_from(["x", "audit", "e.yaml", "a.json"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        let text = error.to_string();
        assert!(
            text.contains("--appliance") && text.contains("--direction"),
            "{text}"
        );
    }
}
