//! The layouter's state and its behaviour (examples/windows/README.md, "The layouter's
//! behaviour"). Every transition is idempotent: applied again to its own result with the same
//! ROMs, it changes nothing. The host routes `rules` straight back, so the update after each
//! change runs on its own output and must leave it as it is, or a step would never settle.

use std::collections::{BTreeMap, BTreeSet};

use crate::inputs::{Border, Element, Grip, Hover, Margins, Pointer, Window};
use crate::json::push_fields;
use crate::rules::push_rect;

/// Resizing never makes the content smaller than this.
const MIN_W: i64 = 120;
const MIN_H: i64 = 60;

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

#[derive(Clone, Copy)]
pub struct Placed {
    pub id: i32,
    pub rect: Rect,
}

/// A press on a title, close button or border: what a drag or release needs of it.
#[derive(Clone, Copy)]
pub struct Grab {
    pub window: i32,
    pub grip: Grip,
    /// The pointer at the press.
    pub px: i32,
    pub py: i32,
    /// The window's content rectangle at the press.
    pub from: Rect,
}

#[derive(Clone, Copy)]
pub enum Button {
    /// Not pressed, as far as the layouter has acted.
    Up,
    /// Pressed, not acted on yet: no hover for the pointer's position so far.
    Waiting,
    /// Pressed and acted on; a grab when the press was on a title, close button or border.
    Down(Option<Grab>),
    /// Released after a press on a close button, not judged yet: no hover for the pointer's
    /// position so far. The grip is always Close.
    Releasing(Grab),
}

/// Everything carried from one update to the next: the `rules` report.
pub struct Rules {
    /// Bottom to top.
    pub windows: Vec<Placed>,
    pub focus: Option<i32>,
    /// Windows closed here that are still in ROM `windows`, ascending.
    pub closed: Vec<i32>,
    pub button: Button,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules { windows: Vec::new(), focus: None, closed: Vec::new(), button: Button::Up }
    }
}

/// `n` as an i32, the nearest one when it is out of range.
fn saturate(n: i64) -> i32 {
    n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

impl Rules {
    fn index_of(&self, id: i32) -> Option<usize> {
        self.windows.iter().position(|p| p.id == id)
    }

    /// The focus to the top window, if any.
    fn focus_top(&mut self) {
        self.focus = self.windows.last().map(|p| p.id);
    }

    /// Forgets the windows that left `windows`, then places the new ones in list order.
    pub fn follow_windows(&mut self, windows: &[Window<'_>], margins: Margins) {
        let present: BTreeSet<i32> = windows.iter().map(|w| w.id).collect();
        self.windows.retain(|p| present.contains(&p.id));
        self.closed.retain(|id| present.contains(id));
        // The application closed the focused window: as after a close here, the top one gets it.
        if self.focus.map_or(false, |id| !present.contains(&id)) {
            self.focus_top();
        }
        // A grab of a window that is gone ends, so that the same id coming back (a new window)
        // is not dragged or closed by a press it never had.
        match self.button {
            Button::Down(Some(grab)) if !present.contains(&grab.window) => self.button = Button::Down(None),
            Button::Releasing(grab) if !present.contains(&grab.window) => self.button = Button::Up,
            _ => {}
        }

        let mut known: BTreeSet<i32> = self.windows.iter().map(|p| p.id).chain(self.closed.iter().copied()).collect();
        for window in windows {
            if !known.insert(window.id) {
                continue;
            }
            let offset = 40 + 32 * (self.windows.len() % 8) as i64;
            let rect = Rect {
                x: saturate(i64::from(margins.left) + offset),
                y: saturate(i64::from(margins.top) + offset),
                w: window.w,
                h: window.h,
            };
            self.windows.push(Placed { id: window.id, rect });
            self.focus = Some(window.id);
        }
    }

    /// Advances the button and acts on presses, drags and releases.
    pub fn follow_pointer(&mut self, pointer: Option<Pointer>, hover: Option<&Hover>, top: i32) {
        // What is under the pointer, if the hover was computed for where it is now.
        let fresh = match (pointer, hover) {
            (Some(p), Some(&Hover::At { x, y, over })) if x == p.x && y == p.y => Some(over),
            _ => None,
        };
        let pointer = match pointer {
            Some(p) => p,
            None => {
                // No pointer: no button held, and no position a release could be judged at.
                self.button = Button::Up;
                return;
            }
        };
        self.button = match (self.button, pointer.pressed) {
            (Button::Up | Button::Waiting | Button::Releasing(_), true) => match fresh {
                Some(over) => self.press(pointer, over, top),
                None => Button::Waiting,
            },
            (Button::Down(grab), true) => {
                if let Some(grab) = grab {
                    self.drag(grab, pointer, top);
                }
                Button::Down(grab)
            }
            (Button::Down(Some(grab)), false) | (Button::Releasing(grab), false) if grab.grip == Grip::Close => match fresh {
                Some(over) => {
                    if over == Some((grab.window, Element::Close)) {
                        self.close(grab.window);
                    }
                    Button::Up
                }
                None => Button::Releasing(grab),
            },
            (_, false) => Button::Up,
        };
    }

    /// A press over `over`, acted on: focus, raise, and the grab it starts.
    fn press(&mut self, pointer: Pointer, over: Option<(i32, Element)>, top: i32) -> Button {
        // A hover naming a window not in the layout (closed here, or stale) is over no window.
        let hit = over.and_then(|(id, element)| Some((self.index_of(id)?, element)));
        let (index, element) = match hit {
            Some(hit) => hit,
            None => {
                self.focus = None;
                return Button::Down(None);
            }
        };
        let placed = self.windows.remove(index);
        self.windows.push(placed);
        self.focus = Some(placed.id);
        let grip = match element.grip() {
            Some(grip) => grip,
            None => return Button::Down(None),
        };
        let grab = Grab { window: placed.id, grip, px: pointer.x, py: pointer.y, from: placed.rect };
        // The drag applies at once (a no-op but for the clamps), so that the next update,
        // which applies it again, finds nothing to change.
        self.drag(grab, pointer, top);
        Button::Down(Some(grab))
    }

    /// The grabbed window's geometry for `pointer`: from the geometry and position at the press
    /// alone, so the same pointer always gives the same layout.
    fn drag(&mut self, grab: Grab, pointer: Pointer, top: i32) {
        let index = match self.index_of(grab.window) {
            Some(index) => index,
            None => return,
        };
        let dx = i64::from(pointer.x) - i64::from(grab.px);
        let dy = i64::from(pointer.y) - i64::from(grab.py);
        let rect = match grab.grip {
            Grip::Title => moved(grab.from, dx, dy, top),
            Grip::Border(border) => resized(grab.from, border, dx, dy),
            Grip::Close => return,
        };
        self.windows[index].rect = rect;
    }

    fn close(&mut self, id: i32) {
        let index = match self.index_of(id) {
            Some(index) => index,
            None => return,
        };
        self.windows.remove(index);
        if let Err(at) = self.closed.binary_search(&id) {
            self.closed.insert(at, id);
        }
        self.focus_top();
    }

    /// ROM `window_layout`'s bytes, titles from `windows`.
    pub fn window_layout(&self, windows: &[Window<'_>]) -> Vec<u8> {
        let titles: BTreeMap<i32, &[u8]> = windows.iter().map(|w| (w.id, w.title)).collect();
        let mut out = Vec::with_capacity(16 + 96 * self.windows.len());
        out.push(b'[');
        for placed in &self.windows {
            // Every placed window is in `windows` (follow_windows forgot the others).
            let title = match titles.get(&placed.id) {
                Some(title) => *title,
                None => continue,
            };
            let open: &[u8] = if out.len() > 1 { b",{\"id\":" } else { b"{\"id\":" };
            push_fields(&mut out, &[(open, placed.id)]);
            out.extend_from_slice(b",\"title\":");
            out.extend_from_slice(title);
            push_rect(&mut out, placed.rect);
            out.extend_from_slice(if self.focus == Some(placed.id) { b",\"focused\":true}" } else { &b",\"focused\":false}"[..] });
        }
        out.push(b']');
        out
    }
}

/// `from` moved by the pointer's travel, its title bar kept on screen (`y >= top`).
fn moved(from: Rect, dx: i64, dy: i64, top: i32) -> Rect {
    Rect {
        x: saturate(i64::from(from.x) + dx),
        y: saturate((i64::from(from.y) + dy).max(i64::from(top))),
        w: from.w,
        h: from.h,
    }
}

/// `from` resized from `border` by the pointer's travel: the opposite edges stay where they were,
/// and a dimension being resized stays at least the minimum.
fn resized(from: Rect, border: &Border, dx: i64, dy: i64) -> Rect {
    let (x, w) = resized_span(from.x, from.w, dx, border.w, border.e, MIN_W);
    let (y, h) = resized_span(from.y, from.h, dy, border.n, border.s, MIN_H);
    Rect { x: saturate(x), y: saturate(y), w: saturate(w), h: saturate(h) }
}

/// One axis of a resize: the span from `start`, `len` long, with its near end (west, north) or
/// its far end (east, south) moved by `delta`, the other end fixed; no border moves both.
fn resized_span(start: i32, len: i32, delta: i64, near: bool, far: bool, min: i64) -> (i64, i64) {
    let (start, len) = (i64::from(start), i64::from(len));
    if far {
        (start, (len + delta).max(min))
    } else if near {
        let end = start + len;
        let len = (len - delta).max(min);
        (end - len, len)
    } else {
        (start, len)
    }
}
