//! From the declared estate to a checked [`Estate`]: every value is parsed once, and every
//! value that does not parse becomes a [`Diagnostic`] at its own path.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use super::addresses::{self, Reading};
use super::checks;
use super::config::{
    AddressKey, AddressList, EstateConfig, InterfaceAddresses, LogCollectorInterfaces,
    PanoramaInterfaces, ServiceConfig,
};
use super::diagnostic::{echo, Diagnostic, Path};
use super::estate::{
    Address, AddressSet, Addresses, CortexDataLake, Estate, ExternalService, FirewallGroup,
    Function, Interface, Interfaces, Label, LogCollector, Member, Mode, Model, Node, Panorama,
    Wildfire,
};
use super::services::{self, Connection, Direction, Service};
use super::version::Version;

/// Parses `config` and runs the compatibility [`checks`]. The estate is returned only
/// when no error was found; warnings may accompany it.
pub fn parse(config: &EstateConfig) -> (Option<Estate>, Vec<Diagnostic>) {
    parse_with_unknown_addresses(config, &BTreeSet::new())
}

/// [`parse`], with the addresses declared at `unknown` known only after apply: they
/// become [`Address::Unknown`] whatever the configuration holds in their place.
pub fn parse_with_unknown_addresses(
    config: &EstateConfig,
    unknown: &BTreeSet<Path>,
) -> (Option<Estate>, Vec<Diagnostic>) {
    let mut parser = Parser {
        diagnostics: Vec::new(),
        unknown,
    };
    let estate = parser.estate(config);
    parser.diagnostics.extend(checks::check(config));
    let failed = parser.diagnostics.iter().any(Diagnostic::is_error);
    (estate.filter(|_| !failed), parser.diagnostics)
}

/// Collects diagnostics while parsing; each method returns `None` for a value it refused.
struct Parser<'u> {
    diagnostics: Vec<Diagnostic>,
    /// Where addresses known only after apply are declared.
    unknown: &'u BTreeSet<Path>,
}

impl Parser<'_> {
    fn estate(&mut self, config: &EstateConfig) -> Option<Estate> {
        let root = Path::root();
        let panorama = self.panorama(config, &root.attr("panorama"));
        let log_collectors = self.each(
            config.log_collectors.as_ref(),
            &root.attr("log_collectors"),
            |p, name, lc, path| {
                Some(LogCollector {
                    name: name.to_owned(),
                    version: p.version(&lc.version, &path.attr("version"))?,
                    model: p.model(lc.model.as_deref(), &path.attr("model"))?,
                    collector_group: p.name(&lc.collector_group, &path.attr("collector_group"))?,
                    interfaces: p.log_collector_interfaces(
                        lc.interfaces.as_ref(),
                        &path.attr("interfaces"),
                    )?,
                    addresses: p
                        .interface_addresses(lc.addresses.as_ref(), &path.attr("addresses"))?,
                })
            },
        );
        let firewalls = self.each(
            config.firewalls.as_ref(),
            &root.attr("firewalls"),
            |p, name, fw, path| {
                let collector_group = match &fw.collector_group {
                    Some(group) => Some(p.name(group, &path.attr("collector_group"))?),
                    None => None,
                };
                Some(FirewallGroup {
                    name: name.to_owned(),
                    version: p.version(&fw.version, &path.attr("version"))?,
                    addresses: p.addresses(fw.addresses.as_ref(), &path.attr("addresses"))?,
                    collector_group,
                    cortex_data_lake: fw.cortex_data_lake.unwrap_or(false),
                    duplicate_logging: fw.duplicate_logging.unwrap_or(false),
                })
            },
        );
        let wildfire = self.each(
            config.wildfire.as_ref(),
            &root.attr("wildfire"),
            |p, name, wf, path| {
                Some(Wildfire {
                    name: name.to_owned(),
                    version: p.version(&wf.version, &path.attr("version"))?,
                    addresses: p.addresses(wf.addresses.as_ref(), &path.attr("addresses"))?,
                })
            },
        );
        let cortex_data_lake = match &config.cortex_data_lake {
            Some(cdl) => Some(CortexDataLake {
                addresses: self.addresses(
                    cdl.addresses.as_ref(),
                    &root.attr("cortex_data_lake").attr("addresses"),
                )?,
            }),
            None => None,
        };
        let services = self.services(config.services.as_ref(), &root.attr("services"));
        Some(Estate {
            panorama: panorama?,
            log_collectors: log_collectors?,
            firewalls: firewalls?,
            wildfire: wildfire?,
            cortex_data_lake,
            services: services?,
        })
    }

    fn panorama(&mut self, config: &EstateConfig, path: &Path) -> Option<Panorama> {
        let pano = &config.panorama;
        let version = self.version(&pano.version, &path.attr("version"));
        let model = self.model(pano.model.as_deref(), &path.attr("model"));
        let mode = self.mode(pano.mode.as_deref(), &path.attr("mode"));
        let collector_group = match &pano.collector_group {
            Some(group) => self.name(group, &path.attr("collector_group")).map(Some),
            None => Some(None),
        };
        let interfaces =
            self.panorama_interfaces(pano.interfaces.as_ref(), &path.attr("interfaces"));
        let nodes = self.nodes(&pano.nodes, &path.attr("nodes"));
        Some(Panorama {
            version: version?,
            model: model?,
            mode: mode?,
            collector_group: collector_group?,
            ha_encryption: pano.ha_encryption.unwrap_or(false),
            interfaces: interfaces?,
            nodes: nodes?,
        })
    }

    fn nodes(
        &mut self,
        nodes: &BTreeMap<String, super::config::NodeConfig>,
        path: &Path,
    ) -> Option<Vec<Node>> {
        if nodes.is_empty() || nodes.len() > 2 {
            self.diagnostics.push(Diagnostic::error(
                path.clone(),
                "Panorama needs one or two nodes",
                format!(
                    "{} nodes are declared. Declare one node for a standalone Panorama, or two for an HA pair; Panorama HA has exactly two peers.",
                    nodes.len()
                ),
            ));
            return None;
        }
        self.each(Some(nodes), path, |p, name, node, path| {
            Some(Node {
                name: name.to_owned(),
                addresses: p
                    .interface_addresses(node.addresses.as_ref(), &path.attr("addresses"))?,
            })
        })
    }

    /// Parses every element of an optional map, checking its key as a name. Keeps going
    /// after a bad element so that every problem is reported at once.
    fn each<C, T>(
        &mut self,
        map: Option<&BTreeMap<String, C>>,
        path: &Path,
        mut parse: impl FnMut(&mut Self, &str, &C, &Path) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut parsed = Vec::new();
        let mut ok = true;
        for (name, config) in map.into_iter().flatten() {
            let element = path.key(name);
            let named = self.name(name, &element).is_some();
            match parse(self, name, config, &element) {
                Some(value) if named => parsed.push(value),
                _ => ok = false,
            }
        }
        ok.then_some(parsed)
    }

    /// Parses every declared service; keeps going after a bad one.
    fn services(
        &mut self,
        config: Option<&BTreeMap<String, ServiceConfig>>,
        path: &Path,
    ) -> Option<Vec<ExternalService>> {
        let mut parsed = Vec::new();
        let mut ok = true;
        for (key, service) in config.into_iter().flatten() {
            match self.service(key, service, &path.key(key)) {
                Some(service) => parsed.push(service),
                None => ok = false,
            }
        }
        ok.then_some(parsed)
    }

    fn service(
        &mut self,
        key: &str,
        config: &ServiceConfig,
        path: &Path,
    ) -> Option<ExternalService> {
        let Some(service) = services::find(key) else {
            let keys: Vec<String> = services::keys().map(|k| format!("`{k}`")).collect();
            let key = echo(key);
            self.diagnostics.push(Diagnostic::error(
                path.clone(),
                "Unknown service",
                format!(
                    "`{key}` is not a service this provider knows. Accepted: {}.",
                    keys.join(", ")
                ),
            ));
            return None;
        };
        let addresses = self.addresses(config.addresses.as_ref(), &path.attr("addresses"));
        let transport = self.transport(
            service,
            config.transport.as_deref(),
            &path.attr("transport"),
        );
        let ports = self.service_ports(service, config.ports.as_deref(), &path.attr("ports"));
        let (connections, transport) = transport?;
        let ports = ports?;
        let mut choices: Vec<String> = transport.into_iter().collect();
        let connections = match &ports {
            Some(ports) => {
                let list: Vec<String> = ports.iter().map(ToString::to_string).collect();
                choices.push(format!("ports {}", list.join(" ")));
                override_ports(connections, ports)
            }
            None => {
                let mut defaults = connections.to_vec();
                defaults.sort();
                defaults
            }
        };
        Some(ExternalService {
            service,
            addresses: addresses?,
            include_log_collectors: config.include_log_collectors.unwrap_or(false),
            connections,
            choice: (!choices.is_empty()).then(|| choices.join(", ")),
        })
    }

    /// The connections of the chosen transport, and the choice in words when one was made.
    fn transport(
        &mut self,
        service: &'static Service,
        name: Option<&str>,
        path: &Path,
    ) -> Option<(&'static [Connection], Option<String>)> {
        let Some(name) = name else {
            return Some((service.connections, None));
        };
        if let Some(transport) = service.transport(name) {
            return Some((transport.connections, Some(format!("transport {name}"))));
        }
        let with_transports: Vec<String> = services::SERVICES
            .iter()
            .filter(|s| !s.transports.is_empty())
            .map(|s| format!("`{}`", s.key))
            .collect();
        let (summary, detail) = if service.transports.is_empty() {
            (
                "Transport not accepted",
                format!(
                    "`{}` has fixed protocols; only {} {} a transport.",
                    service.key,
                    with_transports.join(", "),
                    if with_transports.len() == 1 {
                        "takes"
                    } else {
                        "take"
                    }
                ),
            )
        } else {
            let accepted: Vec<String> = service
                .transports
                .iter()
                .enumerate()
                .map(|(i, t)| match i {
                    0 => format!("`{}` (default)", t.name),
                    _ => format!("`{}`", t.name),
                })
                .collect();
            let name = echo(name);
            (
                "Unknown transport",
                format!(
                    "`{name}` is not a transport of `{}`. Accepted: {}.",
                    service.key,
                    accepted.join(", ")
                ),
            )
        };
        self.diagnostics
            .push(Diagnostic::error(path.clone(), summary, detail));
        None
    }

    /// Port overrides: `Some(None)` when there are none, `Some(Some(ports))` sorted and
    /// deduplicated, `None` after an error.
    fn service_ports(
        &mut self,
        service: &Service,
        ports: Option<&[f64]>,
        path: &Path,
    ) -> Option<Option<Vec<u16>>> {
        let Some(ports) = ports else {
            return Some(None);
        };
        if !service.ports_configurable {
            self.diagnostics.push(Diagnostic::error(
                path.clone(),
                "Ports are fixed for this service",
                format!(
                    "The vendor fixes the ports of `{}`; remove `ports`. Services that accept `ports`: {}.",
                    service.key,
                    configurable_keys()
                ),
            ));
            return None;
        }
        if ports.is_empty() {
            self.diagnostics.push(Diagnostic::error(
                path.clone(),
                "No ports",
                format!(
                    "`ports` replaces the default ports of `{}`, so it needs at least one port (1-65535); leave it out to keep the defaults.",
                    service.key
                ),
            ));
            return None;
        }
        let mut parsed = Vec::new();
        let mut ok = true;
        for (index, &port) in ports.iter().enumerate() {
            match port_number(port) {
                Some(port) => parsed.push(port),
                None => {
                    ok = false;
                    let port = echo(&port.to_string());
                    self.diagnostics.push(Diagnostic::error(
                        path.index(index),
                        "Invalid port",
                        format!("`{port}` is not a port. Ports are whole numbers from 1 to 65535."),
                    ));
                }
            }
        }
        parsed.sort_unstable();
        parsed.dedup();
        ok.then_some(Some(parsed))
    }

    fn version(&mut self, text: &str, path: &Path) -> Option<Version> {
        match text.parse() {
            Ok(version) => Some(version),
            Err(error) => {
                let text = echo(text);
                self.diagnostics.push(Diagnostic::error(
                    path.clone(),
                    "Invalid version",
                    format!(
                        "`{text}` is not a Panorama or PAN-OS release: {error}. Write MAJOR.MINOR or MAJOR.MINOR.PATCH, optionally with a hotfix suffix, such as `10.2`, `8.0.5` or `11.1.4-h7` (5.0 or later)."
                    ),
                ));
                None
            }
        }
    }

    fn name(&mut self, name: &str, path: &Path) -> Option<String> {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if valid {
            return Some(name.to_owned());
        }
        let name = echo(name);
        self.diagnostics.push(Diagnostic::error(
            path.clone(),
            "Invalid name",
            format!("`{name}` is not a valid name. Names are non-empty and use only letters, digits, `_`, `-` and `.`."),
        ));
        None
    }

    fn model(&mut self, name: Option<&str>, path: &Path) -> Option<Model> {
        let Some(name) = name else {
            return Some(Model::Vm);
        };
        if let Some(model) = Model::from_name(name) {
            return Some(model);
        }
        let accepted: Vec<String> = Model::ALL.iter().map(|(_, n)| format!("`{n}`")).collect();
        let name = echo(name);
        self.diagnostics.push(Diagnostic::error(
            path.clone(),
            "Unknown model",
            format!(
                "`{name}` is not a Panorama model. Accepted: {}.",
                accepted.join(", ")
            ),
        ));
        None
    }

    fn mode(&mut self, name: Option<&str>, path: &Path) -> Option<Mode> {
        match name {
            None | Some("panorama") => Some(Mode::Panorama),
            Some("management-only") => Some(Mode::ManagementOnly),
            Some(other) => {
                let other = echo(other);
                self.diagnostics.push(Diagnostic::error(
                    path.clone(),
                    "Unknown Panorama mode",
                    format!("`{other}` is not a Panorama mode. Accepted: `panorama` (with a local Log Collector, the default) or `management-only`."),
                ));
                None
            }
        }
    }

    fn interface(&mut self, name: Option<&str>, path: &Path) -> Option<Interface> {
        let Some(name) = name else {
            return Some(Interface::Mgt);
        };
        if let Some(interface) = Interface::from_name(name) {
            return Some(interface);
        }
        let name = echo(name);
        self.diagnostics.push(Diagnostic::error(
            path.clone(),
            "Unknown interface",
            format!("`{name}` is not a Panorama interface. Accepted: `mgt`, `eth1`, `eth2`, `eth3`, `eth4`, `eth5`."),
        ));
        None
    }

    fn panorama_interfaces(
        &mut self,
        config: Option<&PanoramaInterfaces>,
        path: &Path,
    ) -> Option<Interfaces> {
        let Some(config) = config else {
            return Some(Interfaces::default());
        };
        self.interfaces(
            &[
                (
                    Function::DeviceManagement,
                    config.device_management.as_deref(),
                ),
                (Function::LogCollection, config.log_collection.as_deref()),
                (Function::CollectorGroup, config.collector_group.as_deref()),
                (
                    Function::DeviceDeployment,
                    config.device_deployment.as_deref(),
                ),
            ],
            path,
        )
    }

    fn log_collector_interfaces(
        &mut self,
        config: Option<&LogCollectorInterfaces>,
        path: &Path,
    ) -> Option<Interfaces> {
        let Some(config) = config else {
            return Some(Interfaces::default());
        };
        self.interfaces(
            &[
                (Function::LogCollection, config.log_collection.as_deref()),
                (Function::CollectorGroup, config.collector_group.as_deref()),
            ],
            path,
        )
    }

    /// Parses the interface named for each function (attribute `function.name()` under
    /// `path`); functions not listed stay on MGT.
    fn interfaces(
        &mut self,
        assigned: &[(Function, Option<&str>)],
        path: &Path,
    ) -> Option<Interfaces> {
        let mut interfaces = Interfaces::default();
        let mut ok = true;
        for &(function, name) in assigned {
            match self.interface(name, &path.attr(function.name())) {
                Some(interface) => interfaces.assign(function, interface),
                None => ok = false,
            }
        }
        ok.then_some(interfaces)
    }

    fn interface_addresses(
        &mut self,
        config: Option<&InterfaceAddresses>,
        path: &Path,
    ) -> Option<Addresses> {
        let mut addresses = Addresses::new();
        let mut ok = true;
        for (name, list) in config.into_iter().flatten() {
            let element = path.key(name);
            let interface = self.interface(Some(name), &element);
            let list = self.addresses(Some(list), &element);
            match (interface, list) {
                (Some(interface), Some(list)) => {
                    addresses.insert(interface, list);
                }
                _ => ok = false,
            }
        }
        ok.then_some(addresses)
    }

    /// Parses an address list or map: hosts become /32 or /128, IPv4-mapped IPv6 becomes
    /// IPv4, names are checked, and each address gets the label its rules' keys carry
    /// (see [`crate::flows::keys`]).
    fn addresses(&mut self, list: Option<&AddressList>, path: &Path) -> Option<AddressSet> {
        let entries = list.map(AddressList::entries).unwrap_or_default();
        let count = entries.len();
        let mut members = Vec::with_capacity(count);
        let mut ok = true;
        for (key, text) in entries {
            let at = addresses::path_of(path, key);
            let label = match key {
                AddressKey::Name(name) => {
                    ok &= self.name(name, &at).is_some();
                    Label::Named(name.to_owned())
                }
                AddressKey::Index(_) if count == 1 => Label::Sole,
                AddressKey::Index(_) => Label::Listed,
            };
            let address = if self.unknown.contains(&at) {
                Some(Address::Unknown(at))
            } else {
                self.address(text, &at).map(Address::Known)
            };
            match address {
                Some(address) => members.push(Member { address, label }),
                None => ok = false,
            }
        }
        ok.then(|| AddressSet::new(members))
    }

    fn address(&mut self, text: &str, path: &Path) -> Option<IpNet> {
        let reading = addresses::read(text);
        let text = echo(text);
        match reading {
            Reading::Network(net) => Some(net),
            Reading::HostBits(net) => {
                let host = IpNet::from(net.addr());
                self.diagnostics.push(Diagnostic::error(
                    path.clone(),
                    "CIDR has host bits set",
                    format!(
                        "`{text}` has bits set after its /{} prefix. Write `{}` for the network, or `{host}` for the single host.",
                        net.prefix_len(),
                        net.trunc()
                    ),
                ));
                None
            }
            Reading::Invalid => {
                self.diagnostics.push(Diagnostic::error(
                    path.clone(),
                    "Invalid address",
                    format!("`{text}` is not an IPv4 or IPv6 address or CIDR. Examples: `10.0.0.5`, `10.0.0.0/24`, `2001:db8::5`, `2001:db8::/64`."),
                ));
                None
            }
        }
    }
}

/// `value` as a port, when it is a whole number from 1 to 65535.
fn port_number(value: f64) -> Option<u16> {
    let whole = value.is_finite() && value.fract() == 0.0;
    (whole && (1.0..=65535.0).contains(&value)).then_some(value as u16)
}

/// Keys of the services whose ports may be overridden, quoted and joined.
fn configurable_keys() -> String {
    let keys: Vec<String> = services::SERVICES
        .iter()
        .filter(|s| s.ports_configurable)
        .map(|s| format!("`{}`", s.key))
        .collect();
    keys.join(", ")
}

/// The connections with `ports` in place of the default ports of every outbound
/// connection (one per distinct protocol and App-ID); inbound connections keep theirs.
fn override_ports(connections: &[Connection], ports: &[u16]) -> Vec<Connection> {
    let mut result: Vec<Connection> = Vec::new();
    for connection in connections {
        let replaced: Vec<Connection> = match connection.direction {
            Direction::Inbound => vec![*connection],
            Direction::Outbound => ports
                .iter()
                .map(|&port| Connection {
                    from_port: port,
                    to_port: port,
                    ..*connection
                })
                .collect(),
        };
        for c in replaced {
            if !result.contains(&c) {
                result.push(c);
            }
        }
    }
    result.sort();
    result
}
