//! kv-rust: a key-value store driven by commands (the kv role of components/ROLES.md), a pure
//! state machine written with the romhost kit (kits/rust).
//!
//! The store lives in report `state`, routed back to this child's ROM `state`; every update
//! rebuilds it from there, applies ROM `command` and submits it again. Commands are idempotent,
//! so applying the current one again after a restart changes nothing.
//!
//! ROM command   `set KEY VALUE`, `del KEY` or `clear`; anything else is ignored
//! ROM state     the entries sorted by key, each as KEY NUL VALUE NUL
//! report state  as ROM state
//! report view   the entries as one JSON object: {"a":"1","b":"x y"}
//! report size   the number of entries in decimal ASCII

use std::collections::BTreeMap;

use romhost::{read, submit};

romhost::export!(update);

/// Keys and values are bytes; BTreeMap<Vec<u8>, _> sorts them bytewise, as the role requires.
type Store = BTreeMap<Vec<u8>, Vec<u8>>;

enum Command<'a> {
    Set(&'a [u8], &'a [u8]),
    Del(&'a [u8]),
    Clear,
}

fn update(_changed: &[&str]) {
    let mut store = parse_state(read("state").as_deref().unwrap_or_default());
    if let Some(command) = read("command") {
        match parse_command(&command) {
            Some(Command::Set(key, value)) => drop(store.insert(key.to_vec(), value.to_vec())),
            Some(Command::Del(key)) => drop(store.remove(key)),
            Some(Command::Clear) => store.clear(),
            None => {}
        }
    }
    submit("state", state_of(&store));
    submit("view", view_of(&store));
    submit("size", store.len().to_string());
}

/// The pairs of KEY NUL VALUE NUL; an unterminated tail (never written by this component) is ignored.
fn parse_state(state: &[u8]) -> Store {
    let mut fields = state.split(|&b| b == 0);
    let mut store = Store::new();
    while let (Some(key), Some(value)) = (fields.next(), fields.next()) {
        if fields.clone().next().is_none() {
            break; // `value` ran to the end of the state: no NUL after it
        }
        store.insert(key.to_vec(), value.to_vec());
    }
    store
}

/// The command in the whole ROM, or None when it is not a valid one.
fn parse_command(command: &[u8]) -> Option<Command<'_>> {
    if command.contains(&0) {
        return None;
    }
    if let Some(rest) = command.strip_prefix(b"set ") {
        let space = rest.iter().position(|&b| b == b' ')?;
        return (space > 0).then(|| Command::Set(&rest[..space], &rest[space + 1..]));
    }
    if let Some(key) = command.strip_prefix(b"del ") {
        return (!key.is_empty()).then(|| Command::Del(key));
    }
    (command == b"clear").then(|| Command::Clear)
}

fn state_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in store {
        for field in [key, value] {
            out.extend_from_slice(field);
            out.push(0);
        }
    }
    out
}

fn view_of(store: &Store) -> Vec<u8> {
    let mut out = vec![b'{'];
    for (i, (key, value)) in store.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_string(&mut out, key);
        out.push(b':');
        json_string(&mut out, value);
    }
    out.push(b'}');
    out
}

/// `"` and `\` escaped, bytes below 0x20 as \u00XX (lowercase hex), every other byte as it is.
fn json_string(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            0..=0x1f => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}
