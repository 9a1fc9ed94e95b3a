//! What may move where: the interface rules of FLOWS.md ("Interfaces") per model and
//! release, for Panorama and dedicated Log Collectors alike.
//!
//! | appliance | release | movable functions | to |
//! |---|---|---|---|
//! | `vm` | any | none (MGT only) | - |
//! | M-Series | before 6.1 | none (MGT only) | - |
//! | M-Series | 6.1 to before 8.0 | `log_collection`, `collector_group` | `eth1`, `eth2` |
//! | M-Series | 8.0 and later | every function | the model's `eth1` .. `ethN` |
//!
//! Releases between 7.1 and 8.0 do not exist; 6.1 <= release < 8.0 follows the 6.1-7.1 row.

use super::estate::{Function, Interface, Model};
use super::version::Version;

/// What an appliance of one model on one release may do with its functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowance {
    /// Functions that may leave MGT.
    pub functions: &'static [Function],
    /// Data interfaces they may move to.
    pub interfaces: Vec<Interface>,
}

const NONE: &[Function] = &[];
const LOGGING: &[Function] = &[Function::LogCollection, Function::CollectorGroup];
const EVERY: &[Function] = &[
    Function::DeviceManagement,
    Function::LogCollection,
    Function::CollectorGroup,
    Function::DeviceDeployment,
];

/// The allowance of `model` on `version`.
pub fn allowance(model: Model, version: &Version) -> Allowance {
    let release = version.feature_release();
    let (functions, last) = if !model.is_m_series() || release < (6, 1) {
        (NONE, 0)
    } else if release < (8, 0) {
        (LOGGING, 2)
    } else {
        (EVERY, model.data_interfaces())
    };
    Allowance {
        functions,
        interfaces: (1..=last).map(Interface::Eth).collect(),
    }
}

impl Allowance {
    /// Whether `function` may be carried by `interface`.
    pub fn permits(&self, function: Function, interface: Interface) -> bool {
        interface == Interface::Mgt
            || (self.functions.contains(&function) && self.interfaces.contains(&interface))
    }

    /// One sentence on what is allowed, for diagnostics.
    pub fn describe(&self, model: Model, version: &Version) -> String {
        let on = format!("`{model}` on {version}");
        if self.functions.is_empty() {
            return format!("{on} carries every function on `mgt`: it cannot move any function to a data interface.");
        }
        let quote = |items: Vec<String>| {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let functions = quote(self.functions.iter().map(|f| f.name().to_owned()).collect());
        let interfaces = quote(self.interfaces.iter().map(ToString::to_string).collect());
        format!("{on} can move only {functions} off `mgt`, and only to {interfaces}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn the_virtual_appliance_keeps_everything_on_mgt() {
        let a = allowance(Model::Vm, &v("11.1"));
        assert!(!a.permits(Function::LogCollection, Interface::Eth(1)));
        assert!(a.permits(Function::LogCollection, Interface::Mgt));
    }

    #[test]
    fn m_series_follows_the_release() {
        let early = allowance(Model::M500, &v("6.0.4"));
        assert!(!early.permits(Function::LogCollection, Interface::Eth(1)));
        let middle = allowance(Model::M500, &v("7.1"));
        assert!(middle.permits(Function::LogCollection, Interface::Eth(2)));
        assert!(!middle.permits(Function::LogCollection, Interface::Eth(3)));
        assert!(!middle.permits(Function::DeviceManagement, Interface::Eth(1)));
        assert!(
            allowance(Model::M500, &v("6.1")).permits(Function::CollectorGroup, Interface::Eth(1))
        );
        let late = allowance(Model::M500, &v("8.0"));
        assert!(late.permits(Function::DeviceDeployment, Interface::Eth(5)));
        let m100 = allowance(Model::M100, &v("10.1"));
        assert!(m100.permits(Function::DeviceManagement, Interface::Eth(3)));
        assert!(!m100.permits(Function::DeviceManagement, Interface::Eth(4)));
    }

    #[test]
    fn descriptions_say_what_is_allowed() {
        let a = allowance(Model::M500, &v("7.1"));
        assert_eq!(
            a.describe(Model::M500, &v("7.1")),
            "`m-500` on 7.1 can move only `log_collection`, `collector_group` off `mgt`, and only to `eth1`, `eth2`."
        );
        let vm = allowance(Model::Vm, &v("10.2"));
        assert!(vm
            .describe(Model::Vm, &v("10.2"))
            .contains("carries every function on `mgt`"));
    }
}
