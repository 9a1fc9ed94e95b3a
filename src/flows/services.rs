//! The external services table of FLOWS.md, one row per service key.
//!
//! Read it side by side with FLOWS.md's "External services" table. Each row lists the
//! service's connections as Panorama sees them: `Outbound` (Panorama, or a Log Collector
//! with `include_log_collectors`, connects to the service), `Inbound` (the service
//! connects to Panorama's MGT), with protocol, port range and App-ID. `syslog` picks its
//! connections by `transport`; the others have one fixed set.
//!
//! Port overrides (`ports`) [decision]: where the vendor lets the port be configured, the
//! override replaces the ports of the service's **outbound** connections (the ports the
//! service listens on), keeping their protocol and App-ID; inbound connections land on
//! Panorama's own listeners, whose ports do not move (`snmp` polling stays on udp 161).

use super::catalog::Protocol;

/// Who opens the connection, seen from Panorama.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// The service connects to Panorama (and Log Collectors) on MGT.
    Inbound,
    /// Panorama (and Log Collectors) connect to the service.
    Outbound,
}

/// One connection of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Connection {
    /// Who opens it.
    pub direction: Direction,
    /// Transport protocol.
    pub protocol: Protocol,
    /// First destination port.
    pub from_port: u16,
    /// Last destination port (equal to `from_port` for one port).
    pub to_port: u16,
    /// App-ID of the traffic.
    pub application: &'static str,
}

/// A `transport` choice of a service and the connections it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    /// The value of `transport`.
    pub name: &'static str,
    /// The connections with that transport.
    pub connections: &'static [Connection],
}

/// One row of the services table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Key under `services`.
    pub key: &'static str,
    /// The connections, each with its default ports. For a service with transports,
    /// those of the default (first) transport.
    pub connections: &'static [Connection],
    /// The `transport` choices, first the default; empty when `transport` is not accepted.
    pub transports: &'static [Transport],
    /// Whether `ports` may replace the default ports (the vendor lets them be configured).
    pub ports_configurable: bool,
    /// Whether only the virtual appliance may use the service.
    pub virtual_appliance_only: bool,
    /// The connections of dedicated Log Collectors (`include_log_collectors`), when they
    /// differ from Panorama's; only for services with fixed ports and no transports.
    pub log_collector_connections: Option<&'static [Connection]>,
    /// Why the flows exist, for descriptions.
    pub why: &'static str,
}

use Direction::{Inbound, Outbound};
use Protocol::{Tcp, Udp};

/// A connection on one port.
const fn one(
    direction: Direction,
    protocol: Protocol,
    port: u16,
    application: &'static str,
) -> Connection {
    range(direction, protocol, port, port, application)
}

/// A connection on a contiguous port range.
const fn range(
    direction: Direction,
    protocol: Protocol,
    from_port: u16,
    to_port: u16,
    application: &'static str,
) -> Connection {
    Connection {
        direction,
        protocol,
        from_port,
        to_port,
        application,
    }
}

const SYSLOG_UDP: &[Connection] = &[one(Outbound, Udp, 514, "syslog")];
const SYSLOG_TCP: &[Connection] = &[one(Outbound, Tcp, 514, "syslog")];
const SYSLOG_SSL: &[Connection] = &[one(Outbound, Tcp, 6514, "syslog")];

/// A row with defaults for everything but key, connections and reason.
const fn row(key: &'static str, connections: &'static [Connection], why: &'static str) -> Service {
    Service {
        key,
        connections,
        transports: &[],
        ports_configurable: true,
        virtual_appliance_only: false,
        log_collector_connections: None,
        why,
    }
}

/// The same row with vendor-fixed ports.
const fn fixed(service: Service) -> Service {
    Service {
        ports_configurable: false,
        ..service
    }
}

/// The external services of FLOWS.md, in its order.
pub const SERVICES: &[Service] = &[
    Service {
        // [decision] Log Collector mode has no web interface: SSH only.
        log_collector_connections: Some(&[one(Inbound, Tcp, 22, "ssh")]),
        ..fixed(row(
            "admin",
            &[one(Inbound, Tcp, 22, "ssh"), one(Inbound, Tcp, 443, "ssl")],
            "Administrators reach the CLI and web interface (Log Collectors: the CLI)",
        ))
    },
    row(
        "scp",
        &[one(Outbound, Tcp, 22, "ssh")],
        "Panorama exports configuration, logs and reports to SCP servers",
    ),
    row(
        "smtp",
        &[
            one(Outbound, Tcp, 25, "smtp-base"),
            one(Outbound, Tcp, 587, "smtp-base"),
        ],
        "Panorama sends email alerts and reports",
    ),
    row(
        "tacacs_plus",
        &[one(Outbound, Tcp, 49, "tacacs-plus")],
        "Panorama authenticates administrators against TACACS+",
    ),
    row(
        "dns",
        &[one(Outbound, Udp, 53, "dns")],
        "Panorama resolves names",
    ),
    fixed(row(
        "shared_services",
        &[
            one(Outbound, Tcp, 80, "paloalto-shared-services"),
            one(Outbound, Tcp, 443, "paloalto-shared-services"),
            one(Outbound, Tcp, 444, "paloalto-shared-services"),
        ],
        "Panorama reaches Palo Alto Networks shared cloud services",
    )),
    row(
        "kerberos",
        &[one(Outbound, Tcp, 88, "kerberos")],
        "Panorama authenticates administrators against Kerberos",
    ),
    row(
        "ntp",
        &[one(Outbound, Udp, 123, "ntp")],
        "Panorama synchronises its clock",
    ),
    row(
        "snmp",
        &[
            one(Inbound, Udp, 161, "snmp-base"),
            one(Outbound, Udp, 162, "snmp-trap"),
        ],
        "SNMP managers poll Panorama and receive its traps",
    ),
    row(
        "ldap",
        &[
            one(Outbound, Tcp, 389, "ldap"),
            one(Outbound, Tcp, 636, "ldap"),
        ],
        "Panorama authenticates administrators against LDAP",
    ),
    fixed(row(
        "updates",
        &[one(Outbound, Tcp, 443, "paloalto-updates")],
        "Panorama downloads software and content updates",
    )),
    fixed(row(
        "ztp",
        &[one(Outbound, Tcp, 443, "paloalto-zero-touch-provision")],
        "Panorama registers zero touch provisioning firewalls",
    )),
    Service {
        transports: &[
            Transport {
                name: "udp",
                connections: SYSLOG_UDP,
            },
            Transport {
                name: "tcp",
                connections: SYSLOG_TCP,
            },
            Transport {
                name: "ssl",
                connections: SYSLOG_SSL,
            },
        ],
        ..row(
            "syslog",
            SYSLOG_UDP,
            "Panorama forwards logs to syslog servers",
        )
    },
    row(
        "radius",
        &[one(Outbound, Udp, 1812, "radius")],
        "Panorama authenticates administrators against RADIUS",
    ),
    Service {
        virtual_appliance_only: true,
        ..row(
            "nfs",
            &[one(Outbound, Tcp, 2049, "nfs")],
            "The Panorama virtual appliance stores logs on an NFS datastore",
        )
    },
    fixed(row(
        "autofocus",
        &[one(Outbound, Tcp, 10443, "paloalto-autofocus")],
        "Panorama queries AutoFocus threat intelligence",
    )),
    fixed(row(
        "traps_esm",
        &[
            range(Inbound, Tcp, 23000, 23999, "syslog"),
            range(Inbound, Udp, 23000, 23999, "syslog"),
        ],
        "Traps endpoint security managers send logs to Panorama",
    )),
    fixed(row(
        "interconnect",
        &[
            one(Inbound, Tcp, 44443, "panorama-interconnect"),
            one(Outbound, Tcp, 44443, "panorama-interconnect"),
        ],
        "Panorama and the Panorama Interconnect controller and nodes talk both ways",
    )),
];

/// The service with key `key`.
pub fn find(key: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.key == key)
}

/// Every service key, in table order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    SERVICES.iter().map(|s| s.key)
}

impl Service {
    /// The transport named `name`.
    pub fn transport(&self, name: &str) -> Option<&'static Transport> {
        self.transports.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_ports_ordered() {
        let mut keys: Vec<_> = keys().collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SERVICES.len());
        for service in SERVICES {
            let transports = service.transports.iter().map(|t| t.connections);
            for c in std::iter::once(service.connections)
                .chain(transports)
                .flatten()
            {
                assert!(
                    0 < c.from_port && c.from_port <= c.to_port,
                    "{}",
                    service.key
                );
            }
        }
    }

    #[test]
    fn log_collector_connections_are_only_for_fixed_single_transport_services() {
        // The expansion takes them as they are: no port override or transport applies.
        for service in SERVICES
            .iter()
            .filter(|s| s.log_collector_connections.is_some())
        {
            assert!(!service.ports_configurable, "{}", service.key);
            assert!(service.transports.is_empty(), "{}", service.key);
        }
    }

    #[test]
    fn the_default_transport_is_the_first() {
        for service in SERVICES.iter().filter(|s| !s.transports.is_empty()) {
            assert_eq!(service.transports[0].connections, service.connections);
        }
    }
}
