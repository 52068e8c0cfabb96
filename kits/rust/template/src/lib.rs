//! {{name}}: counts the distinct values of its ROM `input` (the counter role of
//! components/ROLES.md), a pure state machine written with the romhost kit.
//!
//! It keeps nothing between updates: the count and the input counted last go out as report
//! `state`, which the scenario routes back to this child's ROM `state`. A restart finds the
//! input already counted there and re-submits the same bytes: nobody downstream notices.
//!
//! ROM state     absent, or "COUNT" (nothing counted yet), or "COUNT\nLAST" (LAST: the exact
//!               bytes of the input counted last, possibly none)
//! ROM input     any bytes
//! report count  COUNT in decimal ASCII
//! report state  as ROM state

use romhost::{read, submit};

// The kit exports `update` and the ABI's allocator; this crate holds only the logic.
romhost::export!(update);

/// Called on (re)start with every routed ROM that has a value, then with the ROMs that changed.
/// What it submits must depend on its ROMs alone: no statics, no clock, no stdio.
fn update(changed: &[&str]) {
    let state = read("state");
    let (mut count, mut last) = parse_state(state.as_deref());

    let input = if changed.contains(&"input") { read("input") } else { None };
    if let Some(input) = input.as_deref() {
        if last != Some(input) {
            count += 1;
            last = Some(input);
        }
    }

    let mut report = count.to_string().into_bytes();
    submit("count", &report);
    if let Some(last) = last {
        report.push(b'\n');
        report.extend_from_slice(last);
    }
    submit("state", report);
}

/// The count and the input counted last, from ROM `state`; anything else is 0, nothing counted.
fn parse_state(state: Option<&[u8]>) -> (u64, Option<&[u8]>) {
    let state = match state {
        Some(state) => state,
        None => return (0, None),
    };
    let digits = state.iter().position(|&b| b == b'\n').unwrap_or(state.len());
    match parse_decimal(&state[..digits]) {
        None => (0, None),
        Some(count) => (count, state.get(digits + 1..)),
    }
}

/// The value of 1 to 19 decimal digits (so it fits in a u64), or None when the bytes are not that.
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |value, &d| value * 10 + u64::from(d - b'0')))
}
