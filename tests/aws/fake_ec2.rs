//! A loopback stand-in for the EC2 API, so that `terraform plan` can run the real
//! `hashicorp/aws` provider's security group rule data sources with no AWS account.
//!
//! It speaks the EC2 Query protocol (a form-encoded POST, an XML answer) on
//! `127.0.0.1`, one connection at a time per thread, and answers
//! `DescribeSecurityGroupRules` from a fixed list of rules: by rule id
//! (`SecurityGroupRuleId.N`) or by `group-id` filter. Any other action gets an EC2 error
//! and is recorded, so a test can assert that nothing else was asked. The provider must be
//! configured with `endpoints { ec2 = ... }` and the `skip_*` settings, so configuring it
//! calls no other service.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// One security group rule as EC2 stores it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: &'static str,
    pub group: &'static str,
    pub egress: bool,
    pub protocol: &'static str,
    pub from_port: i32,
    pub to_port: i32,
    pub cidr_ipv4: Option<&'static str>,
    pub cidr_ipv6: Option<&'static str>,
}

/// The running stand-in; it stops when dropped.
pub struct FakeEc2 {
    /// `http://127.0.0.1:PORT`, for `endpoints { ec2 = ... }`.
    pub endpoint: String,
    actions: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl FakeEc2 {
    /// Starts answering on a free loopback port with `rules`.
    pub fn start(rules: Vec<Rule>) -> FakeEc2 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let endpoint = format!("http://{}", listener.local_addr().expect("local address"));
        let actions = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let rules = Arc::new(rules);
        let (seen, stopped) = (Arc::clone(&actions), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (rules, seen) = (Arc::clone(&rules), Arc::clone(&seen));
                thread::spawn(move || serve(stream, &rules, &seen));
            }
        });
        FakeEc2 {
            endpoint,
            actions,
            stop,
        }
    }

    /// Every action asked so far, in order.
    pub fn actions(&self) -> Vec<String> {
        self.actions.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

impl Drop for FakeEc2 {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.endpoint.trim_start_matches("http://"));
    }
}

/// Answers the requests of one connection until the client closes it.
fn serve(stream: TcpStream, rules: &[Rule], actions: &Mutex<Vec<String>>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(body) = read_request(&mut reader) {
        let params = form(&body);
        let action = param(&params, "Action").unwrap_or_default().to_owned();
        if let Ok(mut seen) = actions.lock() {
            seen.push(action.clone());
        }
        let (status, xml) = match action.as_str() {
            "DescribeSecurityGroupRules" => ("200 OK", describe(rules, &params)),
            _ => ("400 Bad Request", error(&action)),
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{xml}",
            xml.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The body of the next request, or `None` at the end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut length = 0;
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() && !first {
            break;
        }
        first = false;
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// The form's `name=value` pairs, decoded.
fn form(body: &[u8]) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .into_owned()
    };
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (decode(name), decode(value)))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The values of the parameters named `prefix.N` (or `prefix.N.Value.M` for filters).
fn values<'a>(params: &'a [(String, String)], prefix: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(name, _)| {
            name.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The rules the request selects: by id, then by `group-id` filter.
fn describe(rules: &[Rule], params: &[(String, String)]) -> String {
    let ids = values(params, "SecurityGroupRuleId");
    let mut groups: Option<Vec<&str>> = None;
    for n in 1.. {
        let Some(name) = param(params, &format!("Filter.{n}.Name")) else {
            break;
        };
        if name == "group-id" {
            groups = Some(values(params, &format!("Filter.{n}.Value")));
        }
    }
    let items: String = rules
        .iter()
        .filter(|rule| ids.is_empty() || ids.contains(&rule.id))
        .filter(|rule| groups.as_ref().is_none_or(|g| g.contains(&rule.group)))
        .map(item)
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSecurityGroupRulesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>fake-ec2</requestId><securityGroupRuleSet>{items}</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>"
    )
}

fn item(rule: &Rule) -> String {
    let cidr = |tag: &str, value: Option<&str>| {
        value.map_or(String::new(), |v| format!("<{tag}>{v}</{tag}>"))
    };
    format!(
        "<item><securityGroupRuleId>{}</securityGroupRuleId><groupId>{}</groupId>\
         <groupOwnerId>123456789012</groupOwnerId><isEgress>{}</isEgress>\
         <ipProtocol>{}</ipProtocol><fromPort>{}</fromPort><toPort>{}</toPort>{}{}\
         <description></description><tagSet/></item>",
        rule.id,
        rule.group,
        rule.egress,
        rule.protocol,
        rule.from_port,
        rule.to_port,
        cidr("cidrIpv4", rule.cidr_ipv4),
        cidr("cidrIpv6", rule.cidr_ipv6),
    )
}

fn error(action: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>UnsupportedOperation</Code>\
         <Message>the fake EC2 answers DescribeSecurityGroupRules only, not {action}</Message>\
         </Error></Errors><RequestID>fake-ec2</RequestID></Response>"
    )
}
