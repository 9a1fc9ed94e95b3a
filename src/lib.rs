//! terraform-provider-panorama: a Terraform provider whose data source
//! `panorama_flow_matrix` computes every network flow a Palo Alto Networks Panorama
//! estate needs.
//!
//! Layers, each depending only on the ones below it:
//! - [`plugin`]: the process runtime (go-plugin handshake, AutoMTLS, socket, shutdown);
//! - [`provider`]: the tfplugin6 service, the data source schema and wire-to-model conversion;
//! - [`tfproto`]: the wire layer (generated stubs, msgpack values, schema and diagnostics);
//! - [`flows`]: the flow engine, pure Rust with no Terraform types.
//!
//! Beside them, [`cli`] is the same binary run by a person: a command line over the
//! engine (estate files in JSON or YAML), which uses nothing of `plugin`, `provider` or
//! `tfproto`.

pub mod cli;
pub mod flows;
pub mod plugin;
pub mod provider;
pub mod tfproto;
