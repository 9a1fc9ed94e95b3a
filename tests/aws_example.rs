//! `examples/aws` and `examples/aws-same-plan` planned offline by the real `hashicorp/aws`
//! provider, installed from the filesystem mirror that [`support::aws_mirror`] finds
//! (`PANORAMA_AWS_MIRROR`, default `/opt/tf-plugins`); without one these tests skip, or
//! fail under `CI=true`. The plans use the offline override the README documents, read
//! from the README itself.

#[path = "aws/fake_ec2.rs"]
mod fake_ec2;
mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use support::{aws_mirror, repo, unwrapped, Workspace, AWS, AWS_VERSION};

/// The first line of the README's offline override for examples/aws.
const OVERRIDE_HEADER: &str = "# examples/aws/offline_override.tf";

/// The README's `offline_override.tf`: dummy credentials and the `skip_*` settings, so the
/// AWS provider plans without calling AWS. (The README indents it inside a list item.)
fn offline_override() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.trim_start().starts_with(OVERRIDE_HEADER))
        .expect("README.md shows examples/aws/offline_override.tf");
    assert!(
        first > 0 && lines[first - 1].trim() == "```hcl",
        "in an hcl block"
    );
    let indent = lines[first].len() - lines[first].trim_start().len();
    let text: String = lines[first..]
        .iter()
        .take_while(|l| l.trim() != "```")
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or_default()))
        .collect();
    assert!(text.contains("provider \"aws\""), "{text}");
    text
}

/// The example's default `appliance_kinds`.
const KINDS: [&str; 3] = ["panorama", "log_collector", "wildfire"];

/// Characters AWS accepts in security group names and rule descriptions. The provider
/// checks them only when AWS is called, so the plan alone would not catch them.
fn aws_safe(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c))
}

/// A workspace holding examples/aws and the README's offline override, initialised; `None`
/// (the test skips) without an AWS mirror outside CI.
fn aws_example() -> Option<Workspace> {
    example(
        "examples/aws",
        "plan of examples/aws against the real hashicorp/aws (tests/aws_example.rs)",
    )
}

/// A workspace holding the example in `dir` and the README's offline override,
/// initialised; `None` (the test doing `what` skips) without an AWS mirror outside CI.
fn example(dir: &str, what: &str) -> Option<Workspace> {
    let mirror = aws_mirror(what)?;
    let ws = Workspace::builder()
        .mirror(mirror, AWS)
        // A profile named in the environment but absent from ~/.aws fails the plan.
        .env_remove("AWS_PROFILE")
        .build_from_dir(dir);
    std::fs::write(ws.dir.join("offline_override.tf"), offline_override()).expect("write override");
    ws.init();
    let lock = std::fs::read_to_string(ws.dir.join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains(&format!("version     = \"{AWS_VERSION}\"")),
        "{lock}"
    );
    Some(ws)
}

/// The planned instances of resource `kind`, by `for_each` key: their planned values.
fn planned<'a>(plan: &'a Value, kind: &str) -> BTreeMap<&'a str, &'a Value> {
    let changes = plan["resource_changes"]
        .as_array()
        .expect("resource_changes");
    changes
        .iter()
        .filter(|c| c["type"] == kind)
        .map(|c| {
            assert_eq!(
                c["change"]["actions"],
                json!(["create"]),
                "{}",
                c["address"]
            );
            (
                c["index"].as_str().expect("for_each key"),
                &c["change"]["after"],
            )
        })
        .collect()
}

/// The security group a rule belongs to, as examples/aws/main.tf names it.
fn group_of(rule: &Value) -> String {
    let appliance = rule["appliance"].as_str().expect("appliance");
    match rule["interface"].as_str() {
        Some(interface) => format!("{appliance}@{interface}"),
        None => appliance.to_owned(),
    }
}

#[test]
fn the_aws_example_plans_one_aws_rule_per_flow_rule() {
    let Some(ws) = aws_example() else {
        return;
    };
    ws.terraform(&["fmt", "-check", "-diff", "-no-color"])
        .expect_ok("fmt -check");
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    ws.terraform(&["plan", "-input=false", "-no-color", "-out=plan.tfplan"])
        .expect_ok("plan");
    let show = ws
        .terraform(&["show", "-json", "plan.tfplan"])
        .expect_ok("show");
    let plan: Value = serde_json::from_str(&show.stdout).expect("plan JSON");

    // The data source is read during plan: its rules for the managed kinds.
    let estate = plan["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| {
            rs.iter()
                .find(|r| r["address"] == "data.panorama_flow_matrix.estate")
        })
        .map(|r| &r["values"])
        .expect("data source in prior_state");
    let managed = |list: &str| -> Vec<&Value> {
        let rules = estate[list].as_array().expect("rule list").iter();
        rules
            .filter(|r| {
                let appliance = r["appliance"].as_str().unwrap_or_default();
                KINDS.contains(&appliance.split('.').next().unwrap_or_default())
            })
            .collect()
    };
    let (ingress, egress) = (managed("ingress_rules"), managed("egress_rules"));
    let planned_ingress = planned(&plan, "aws_vpc_security_group_ingress_rule");
    let planned_egress = planned(&plan, "aws_vpc_security_group_egress_rule");
    println!(
        "hashicorp/aws {AWS_VERSION} accepted the plan: {} aws_vpc_security_group_ingress_rule \
         and {} aws_vpc_security_group_egress_rule instances ({} ingress and {} egress rules \
         from the data source, {} security groups)",
        planned_ingress.len(),
        planned_egress.len(),
        ingress.len(),
        egress.len(),
        planned(&plan, "aws_security_group").len()
    );
    assert_eq!(planned_ingress.len(), ingress.len());
    assert_eq!(planned_egress.len(), egress.len());
    let claim = format!(
        "provider: {} ingress and {} egress rules in {} security groups.",
        ingress.len(),
        egress.len(),
        planned(&plan, "aws_security_group").len()
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    assert!(
        unwrapped(&readme).contains(&claim),
        "README.md should say `{claim}`"
    );
    assert_eq!(
        plan["planned_values"]["outputs"]["rule_totals"]["value"],
        json!({ "ingress": ingress.len(), "egress": egress.len() })
    );

    // Every rule is planned under its key with its own values, unchanged.
    for (rules, planned) in [(&ingress, &planned_ingress), (&egress, &planned_egress)] {
        for rule in rules {
            let key = rule["key"].as_str().expect("key");
            let after = planned
                .get(key)
                .unwrap_or_else(|| panic!("{key} not planned"));
            for (attribute, field) in [
                ("ip_protocol", "protocol"),
                ("from_port", "from_port"),
                ("to_port", "to_port"),
                ("cidr_ipv4", "cidr_ipv4"),
                ("cidr_ipv6", "cidr_ipv6"),
                ("description", "description"),
            ] {
                assert_eq!(after[attribute], rule[field], "{key}: {attribute}");
            }
            assert!(
                aws_safe(after["description"].as_str().unwrap_or("~")),
                "{key}"
            );
        }
    }

    // Known rules: HA sync into the primary's MGT, and legacy-dc's IPv6 network into the
    // dual-stack primary only (the secondary's MGT has no IPv6 address to pair with).
    // The secondary declares one MGT address: its rule is keyed by the flow alone.
    let ha = planned_ingress["panorama.secondary@mgt>panorama.primary@mgt:tcp:28260"];
    println!("{}", serde_json::to_string_pretty(ha).unwrap_or_default());
    assert_eq!(
        (&ha["ip_protocol"], &ha["from_port"], &ha["to_port"]),
        (&json!("tcp"), &json!(28260), &json!(28260))
    );
    assert_eq!(ha["cidr_ipv4"], "10.0.0.11/32");
    assert_eq!(ha["description"], "ha-sync from panorama.secondary");
    // legacy-dc lists two networks: its rules add a digest of the network to the flow key.
    let legacy = |to: &str| -> Vec<(&&str, &&Value)> {
        let flow = format!("firewall.legacy-dc>{to}:tcp:3978#");
        planned_ingress
            .iter()
            .filter(|(key, _)| key.starts_with(&flow))
            .collect()
    };
    let primary = legacy("panorama.primary@mgt");
    assert_eq!(primary.len(), 2, "{primary:?}");
    let v6 = primary
        .iter()
        .find(|(_, rule)| rule["cidr_ipv6"] == "2001:db8:30::/64")
        .map(|(_, rule)| rule)
        .expect("the IPv6 rule on the dual-stack primary");
    assert_eq!(v6["cidr_ipv4"], Value::Null);
    let secondary = legacy("panorama.secondary@mgt");
    assert_eq!(secondary.len(), 1, "the IPv4-only secondary: {secondary:?}");
    assert_eq!(secondary[0].1["cidr_ipv4"], "10.30.0.0/24");

    // One security group per appliance interface; none for the firewall groups.
    let groups = planned(&plan, "aws_security_group");
    let expected: BTreeSet<String> = ingress.iter().chain(&egress).map(|r| group_of(r)).collect();
    assert_eq!(
        groups
            .keys()
            .map(|k| k.to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );
    let interfaces = ["mgt", "eth1", "eth2"];
    for appliance in [
        "panorama.primary",
        "panorama.secondary",
        "log_collector.lc-east-1",
    ] {
        for interface in interfaces {
            assert!(groups.contains_key(format!("{appliance}@{interface}").as_str()));
        }
    }
    assert_eq!(groups.len(), 9, "{:?}", groups.keys());
    for (key, group) in &groups {
        assert_eq!(group["name"], format!("pan-estate-{key}"));
        assert!(aws_safe(group["name"].as_str().unwrap_or("~")), "{key}");
        assert_eq!(group["vpc_id"], "vpc-0123456789abcdef0");
    }
}

#[test]
fn an_estate_over_the_aws_rule_quota_fails_to_plan_with_advice() {
    let Some(ws) = aws_example() else {
        return;
    };
    // 31 networks of 10.1 firewalls, each managed and updated through both Panoramas' MGT
    // (tcp 3978 and 28443): 62 inbound rules, 67 with HA, the HA peer's local Log Collector
    // and the dedicated Log Collector; outbound, HA and the local Log Collector make 3.
    let addresses: Vec<String> = (0..31).map(|i| format!("10.{}.0.0/16", 100 + i)).collect();
    let vars = json!({ "firewalls": { "branches": {
        "version": "10.1", "collector_group": "east", "addresses": addresses } } });
    std::fs::write(ws.dir.join("many.tfvars.json"), vars.to_string()).expect("write tfvars");
    let plan = [
        "plan",
        "-input=false",
        "-no-color",
        "-var-file=many.tfvars.json",
    ];

    let run = ws.terraform(&plan).expect_failure("plan");
    let stderr = unwrapped(&run.stderr);
    assert!(
        stderr.contains("Error: Resource precondition failed"),
        "{stderr}"
    );
    for appliance in ["panorama.primary", "panorama.secondary"] {
        let message = format!(
            "Security group {appliance}@mgt needs 67 inbound IPv4, 0 inbound IPv6, 3 outbound \
             IPv4 and 0 outbound IPv6 rules, more than max_rules_per_security_group = 60 (the \
             AWS quota \"Inbound or outbound rules per security group\", 60 by default). \
             Summarize the peers' addresses into fewer CIDRs, move Panorama functions to other \
             interfaces (panorama.interfaces) so the rules spread over more groups, or raise \
             the quota and max_rules_per_security_group with it."
        );
        assert!(
            stderr.contains(&message),
            "expected `{message}` in:\n{stderr}"
        );
    }
    // The other groups are within the quota; a raised quota lets the plan through.
    assert_eq!(stderr.matches("Security group ").count(), 2, "{stderr}");
    let mut raised = plan.to_vec();
    raised.push("-var=max_rules_per_security_group=100");
    ws.terraform(&raised).expect_ok("plan with a raised quota");
}

/// The planned instances of resource `kind` whose attribute `attribute` is known only
/// after apply, by `for_each` key.
fn unknown_in_plan<'a>(plan: &'a Value, kind: &str, attribute: &str) -> BTreeSet<&'a str> {
    let changes = plan["resource_changes"]
        .as_array()
        .expect("resource_changes");
    changes
        .iter()
        .filter(|c| c["type"] == kind && c["change"]["after_unknown"][attribute] == json!(true))
        .filter_map(|c| c["index"].as_str())
        .collect()
}

/// The resource block of a human-readable plan that creates `address`.
fn planned_block<'p>(plan: &'p str, address: &str) -> &'p str {
    let start = plan
        .find(&format!("  # {address} will be created"))
        .unwrap_or_else(|| panic!("{address} is not planned:\n{plan}"));
    let end = plan[start..]
        .find("\n    }\n")
        .map_or(plan.len(), |end| start + end + 7);
    &plan[start..end]
}

#[test]
fn the_same_plan_example_plans_every_rule_before_the_addresses_are_known() {
    let what =
        "plan of examples/aws-same-plan against the real hashicorp/aws (tests/aws_example.rs)";
    let Some(ws) = example("examples/aws-same-plan", what) else {
        return;
    };
    ws.terraform(&["fmt", "-check", "-recursive", "-diff", "-no-color"])
        .expect_ok("fmt -check");
    ws.terraform(&["validate", "-no-color"])
        .expect_ok("validate");
    let human = ws
        .terraform(&["plan", "-input=false", "-no-color", "-out=plan.tfplan"])
        .expect_ok("plan");
    let show = ws
        .terraform(&["show", "-json", "plan.tfplan"])
        .expect_ok("show");
    let plan: Value = serde_json::from_str(&show.stdout).expect("plan JSON");

    // The interfaces' addresses are chosen by AWS at apply.
    for name in ["panorama_mgt", "log_collector_mgt"] {
        let change = plan["resource_changes"]
            .as_array()
            .and_then(|cs| {
                cs.iter()
                    .find(|c| c["address"] == format!("aws_network_interface.{name}"))
            })
            .unwrap_or_else(|| panic!("aws_network_interface.{name} planned"));
        assert_eq!(
            change["change"]["after_unknown"]["private_ip"],
            json!(true),
            "{name}"
        );
    }

    // Yet every rule is planned under its known key: exactly the keys the function gave.
    let keys = &plan["planned_values"]["outputs"]["rule_keys"]["value"];
    for (kind, direction) in [
        ("aws_vpc_security_group_ingress_rule", "ingress"),
        ("aws_vpc_security_group_egress_rule", "egress"),
    ] {
        let planned: BTreeSet<&str> = planned(&plan, kind).into_keys().collect();
        let expected: BTreeSet<&str> = keys[direction]
            .as_array()
            .expect("known keys")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(planned, expected, "{direction}");
        assert!(planned.len() >= 10, "{direction}: {planned:?}");
    }
    let ingress = planned(&plan, "aws_vpc_security_group_ingress_rule");
    // A rule whose peer is one of the new interfaces: CIDRs known after apply.
    let unknown = unknown_in_plan(&plan, "aws_vpc_security_group_ingress_rule", "cidr_ipv4");
    let from_lc = "log_collector.lc-1@mgt>panorama.primary@mgt:tcp:3978";
    assert!(unknown.contains(from_lc), "{unknown:?}");
    assert_eq!(ingress[from_lc]["from_port"], 3978);
    assert_eq!(
        ingress[from_lc]["description"],
        "device-management,log-distribution from log_collector.lc-1"
    );
    // A rule whose peer is known: planned whole.
    let from_branches = "firewall.branches>panorama.primary@mgt:tcp:3978";
    assert!(!unknown.contains(from_branches));
    assert_eq!(ingress[from_branches]["cidr_ipv4"], "10.20.0.0/16");
    // Named addresses key their rules by name.
    assert_eq!(
        ingress["firewall.stores>panorama.primary@mgt:tcp:3978#west"]["cidr_ipv4"],
        "10.31.0.0/16"
    );

    let groups: BTreeSet<&str> = planned(&plan, "aws_security_group").into_keys().collect();
    assert_eq!(
        groups,
        BTreeSet::from(["log_collector.lc-1@mgt", "panorama.primary@mgt"])
    );

    let summary = human
        .stdout
        .lines()
        .find(|line| line.starts_with("Plan: "))
        .expect("a plan summary");
    println!("{summary}");
    for address in [
        format!("aws_vpc_security_group_ingress_rule.flow[\"{from_lc}\"]"),
        format!("aws_vpc_security_group_ingress_rule.flow[\"{from_branches}\"]"),
    ] {
        println!("{}", planned_block(&human.stdout, &address));
    }
    assert!(planned_block(
        &human.stdout,
        &format!("aws_vpc_security_group_ingress_rule.flow[\"{from_lc}\"]")
    )
    .contains("cidr_ipv4              = (known after apply)"));
}

#[test]
fn the_same_plan_example_passes_its_mock_provider_suite() {
    let what = "terraform test of examples/aws-same-plan with mock_provider \"aws\" (tests/aws_example.rs)";
    let Some(ws) = example("examples/aws-same-plan", what) else {
        return;
    };
    let run = ws.terraform(&["test", "-no-color"]).expect_ok("test");
    assert!(
        run.stdout.contains("Success! 4 passed, 0 failed."),
        "{}",
        run.stdout
    );
}

/// `examples/audit-aws`'s suite: the audit of a drifted and of a matching security group,
/// fed by `override_data` through `mock_provider "aws"`.
#[test]
fn the_audit_example_passes_its_mock_provider_suite() {
    let what =
        "terraform test of examples/audit-aws with mock_provider \"aws\" (tests/aws_example.rs)";
    let Some(ws) = example("examples/audit-aws", what) else {
        return;
    };
    let run = ws.terraform(&["test", "-no-color"]).expect_ok("test");
    for line in [
        "run \"a_drifted_group_fails_the_check_naming_each_finding\"... pass",
        "run \"a_group_that_matches_passes_the_check\"... pass",
        "Success! 2 passed, 0 failed.",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
}

/// A rule of security group `sg-0123456789abcdef0`, the example's default.
fn sg_rule(
    id: &'static str,
    egress: bool,
    protocol: &'static str,
    ports: (i32, i32),
    cidr_ipv4: &'static str,
) -> fake_ec2::Rule {
    fake_ec2::Rule {
        id,
        group: "sg-0123456789abcdef0",
        egress,
        protocol,
        from_port: ports.0,
        to_port: ports.1,
        cidr_ipv4: Some(cidr_ipv4),
        cidr_ipv6: None,
    }
}

/// `terraform plan` of examples/audit-aws with the real AWS provider reading `rules` from
/// the loopback EC2 stand-in (plus a rule of another group, which the filter must leave
/// out). Returns the plan's standard output and the EC2 actions the provider asked.
fn plan_audit_against(rules: Vec<fake_ec2::Rule>) -> Option<(String, Vec<String>)> {
    let what = "plan of examples/audit-aws against a loopback EC2 (tests/aws_example.rs)";
    let mut rules = rules;
    rules.push(fake_ec2::Rule {
        group: "sg-0fedcba9876543210",
        ..sg_rule("sgr-other-group", false, "tcp", (3389, 3389), "0.0.0.0/0")
    });
    let ec2 = fake_ec2::FakeEc2::start(rules);
    let ws = example("examples/audit-aws", what)?;
    // Merged into the README's offline override: every EC2 call goes to the stand-in.
    let endpoint = format!(
        "provider \"aws\" {{\n  endpoints {{\n    ec2 = \"{}\"\n  }}\n}}\n",
        ec2.endpoint
    );
    std::fs::write(ws.dir.join("fake_ec2_override.tf"), endpoint).expect("write override");
    let run = ws
        .terraform(&["plan", "-input=false", "-no-color"])
        .expect_ok("plan");
    Some((run.stdout, ec2.actions()))
}

#[test]
fn a_plan_against_a_drifted_group_warns_from_the_check_block() {
    let drifted = vec![
        sg_rule("sgr-mgmt", false, "tcp", (3978, 3978), "10.20.0.0/16"),
        sg_rule("sgr-https", false, "tcp", (443, 443), "0.0.0.0/0"),
        sg_rule("sgr-ssh", false, "tcp", (22, 22), "10.0.0.0/8"),
        sg_rule("sgr-dns", true, "udp", (53, 53), "10.0.0.2/32"),
        sg_rule("sgr-all", true, "-1", (-1, -1), "0.0.0.0/0"),
    ];
    let Some((plan, actions)) = plan_audit_against(drifted) else {
        return;
    };
    // Shown with `cargo test -- --nocapture`: the warning as Terraform prints it.
    let start = plan
        .find("Warning: Check block assertion failed")
        .unwrap_or(0);
    eprintln!("{}", &plan[start..]);
    let text = unwrapped(&plan);
    assert_eq!(
        text.matches("Warning: Check block assertion failed")
            .count(),
        2,
        "one warning per direction:\n{plan}"
    );
    for expected in [
        "Inbound rules of sg-0123456789abcdef0 (panorama.primary@mgt) differ from the flow matrix:",
        "missing: tcp 28443 from 10.20.0.0/16 (updates from firewall.branches)",
        "excess: sgr-https (tcp 443 0.0.0.0/0): everyone: 0.0.0.0/0 allows every IPv4 address;",
        "excess: sgr-ssh (tcp 22 10.0.0.0/8): wider CIDR: ",
        "Outbound rules of sg-0123456789abcdef0 (panorama.primary@mgt) differ from the flow matrix:",
        "excess: sgr-all (-1 0.0.0.0/0): all protocols: -1 allows every protocol on every port;",
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{plan}");
    }
    assert!(!text.contains("sgr-other-group"), "{plan}");
    // The warnings name the findings only, not the rules that are as required.
    let warnings = unwrapped(&plan[start..]);
    assert!(
        !warnings.contains("sgr-mgmt") && !warnings.contains("sgr-dns"),
        "{plan}"
    );
    assert!(
        !actions.is_empty() && actions.iter().all(|a| a == "DescribeSecurityGroupRules"),
        "the provider asked EC2 for {actions:?}"
    );
}

#[test]
fn a_plan_against_a_matching_group_does_not_warn() {
    let matching = vec![
        sg_rule("sgr-mgmt", false, "tcp", (3978, 3978), "10.20.0.0/16"),
        sg_rule("sgr-updates", false, "tcp", (28443, 28443), "10.20.0.0/16"),
        sg_rule("sgr-admin", false, "tcp", (22, 22), "10.50.0.0/24"),
        sg_rule("sgr-https", false, "tcp", (443, 443), "10.50.0.0/24"),
        sg_rule("sgr-dns", true, "udp", (53, 53), "10.0.0.2/32"),
    ];
    let Some((plan, _)) = plan_audit_against(matching) else {
        return;
    };
    assert!(!plan.contains("Warning:"), "{plan}");
    assert!(unwrapped(&plan).contains("compliant = true"), "{plan}");
}
