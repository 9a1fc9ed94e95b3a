//! Memory that decoding one request costs, counted by a global allocator: a value of the
//! wrong type costs nothing before it is refused, and a valid one costs its values and no
//! intermediate tree.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::{msgpack, Type, Value};

/// The system allocator, keeping the current and the peak number of bytes allocated.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while `work` runs, above what was allocated before.
fn peak_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let result = work();
    (result, PEAK.load(Ordering::SeqCst) - base)
}

/// An array32 of `n` nils.
fn nils(n: u32) -> Vec<u8> {
    let mut bytes = vec![0xdd];
    bytes.extend_from_slice(&n.to_be_bytes());
    bytes.resize(bytes.len() + n as usize, 0xc0);
    bytes
}

const MIB: usize = 1024 * 1024;

// One test function: the counters are global, so measurements must not run in parallel.
#[test]
fn decoding_costs_what_the_input_holds() {
    let config_type = FlowMatrixDataSource::new()
        .expect("schema")
        .schema()
        .block
        .value_type();
    let flood = nils(16 * MIB as u32);

    // 16 MiB of nils where the configuration object is expected: refused at the first byte.
    let (result, peak) = peak_during(|| msgpack::decode(&flood, &config_type));
    assert!(result.is_err());
    eprintln!("wrong type: {peak} bytes");
    assert!(peak < 64 * 1024, "{peak} bytes to refuse a wrong type");

    // The same nils inside a `dynamic` attribute declaring an object: refused as soon as
    // the array marker meets the declared type.
    let mut dynamic = vec![0x92, 0xc4, 24];
    dynamic.extend_from_slice(br#"["object",{"a":"bool"}]"#);
    dynamic.push(b' ');
    dynamic.extend_from_slice(&flood);
    let (result, peak) = peak_during(|| msgpack::decode(&dynamic, &Type::Dynamic));
    assert!(result.is_err());
    assert!(
        peak < 64 * 1024,
        "{peak} bytes to refuse a wrong dynamic value"
    );

    // A header announcing far more than the input holds costs nothing either.
    let mut lying = vec![0xdd, 0xff, 0xff, 0xff, 0xff];
    lying.extend_from_slice(&[0xc0; 64]);
    let (result, peak) = peak_during(|| msgpack::decode(&lying, &Type::list(Type::String)));
    assert!(result.is_err());
    assert!(peak < 4 * 1024, "{peak} bytes for a lying header");

    // Valid input costs its values, with no second tree: 1 Mi nils as a list of strings.
    let n = MIB;
    let list = nils(n as u32);
    let (result, peak) = peak_during(|| msgpack::decode(&list, &Type::list(Type::String)));
    assert_eq!(
        result.map(|v| v.as_elements().map(<[Value]>::len)),
        Ok(Some(n))
    );
    let values = n * std::mem::size_of::<Value>();
    eprintln!(
        "1 Mi nils as list(string): {peak} bytes ({} per input byte; a Value is {} bytes)",
        peak / list.len(),
        std::mem::size_of::<Value>()
    );
    assert!(
        peak <= values + 64 * 1024,
        "{peak} bytes for {values} bytes of values"
    );
}
