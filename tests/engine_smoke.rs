use panorama_provider::flows::{self, config::EstateConfig};
#[test]
fn smoke() {
    let config: EstateConfig = serde_json::from_value(serde_json::json!({
        "panorama": { "version": "10.2.4", "collector_group": "east", "model": "m-600",
          "interfaces": {"log_collection": "eth1", "collector_group": "eth2"},
          "nodes": { "primary": {"addresses": {"mgt": ["10.0.0.10"], "eth1": ["10.0.1.10"], "eth2": ["10.0.2.10"]}}, "secondary": {"addresses": {"mgt": ["10.0.0.11"]}} } },
        "log_collectors": {"lc1": {"version": "10.1", "collector_group": "east", "addresses": {"mgt": ["10.1.0.5"]}}},
        "firewalls": {"branches": {"version": "10.1", "addresses": ["10.20.0.0/16"], "collector_group": "east"}, "old": {"version": "7.1", "addresses": ["2001:db8::/64"]}},
    })).unwrap();
    let outcome = flows::compute(&config);
    println!("{:#?}", outcome.diagnostics);
    let m = outcome.matrix.unwrap();
    for f in &m.flows {
        println!(
            "{} | {} | {} | {}",
            f.key, f.purpose, f.application, f.description
        );
    }
    println!(
        "ingress {} egress {}",
        m.ingress_rules.len(),
        m.egress_rules.len()
    );
    println!("{:?}", m.ingress_rules[0]);
}
