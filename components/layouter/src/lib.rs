//! layouter: the behaviour half of the window manager of examples/windows (its README.md is the
//! contract): where windows are, their size, stacking and focus, dragging, resizing, closing.
//! A pure state machine written with the romhost kit (kits/rust).
//!
//! It keeps nothing between updates: its whole state goes out as report `rules`, which the
//! scenario routes back to its ROM `rules`. Each update rebuilds the state from there, follows
//! ROMs `windows`, `margins`, `pointer` and `hover`, and submits `window_layout` and `rules`.
//! So a restart at any point re-submits the same bytes, and reading the same pointer again is
//! no second press: the button's state is in `rules` too.
//!
//! ROM windows          the windows that exist (absent or invalid: none)
//! ROM pointer          the mouse (absent or invalid: no pointer)
//! ROM margins          the decorator's margins (absent or invalid: all 0)
//! ROM hover            what the pointer is over, by the decorator (absent or invalid: none yet)
//! ROM rules            its own report `rules`, routed back (absent or invalid: a fresh start)
//! report window_layout the windows on screen, bottom to top
//! report rules         the state, README.md

mod inputs;
mod json;
mod layout;
mod rules;

use romhost::{read, submit};

romhost::export!(update);

fn update(_changed: &[&str]) {
    // Every ROM is read on every update: `changed` is only a hint, and the result must follow
    // from the values alone.
    let mut state = read("rules").and_then(|bytes| rules::read(&bytes)).unwrap_or_default();
    let windows_rom = read("windows");
    let windows = windows_rom.as_deref().and_then(inputs::windows).unwrap_or_default();
    let margins = read("margins").and_then(|bytes| inputs::margins(&bytes)).unwrap_or_default();
    let pointer = read("pointer").and_then(|bytes| inputs::pointer(&bytes));
    let hover = read("hover").and_then(|bytes| inputs::hover(&bytes));

    state.follow_windows(&windows, margins);
    state.follow_pointer(pointer, hover.as_ref(), margins.top);

    submit("window_layout", state.window_layout(&windows));
    submit("rules", rules::write(&state));
}
