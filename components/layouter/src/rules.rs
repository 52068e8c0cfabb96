//! The `rules` report: the layouter's whole state as compact JSON (format in README.md).
//!
//! Only this component writes it, so reading is strict: anything that is not exactly a state
//! this component could have written (a wrong type, a duplicate id, a focus on no window) is
//! absent, and the layouter starts from nothing rather than from a state it could never reach.

use std::collections::BTreeSet;

use crate::inputs::{Element, Grip};
use crate::json::{push_fields, push_int, read_all, Reader, Scalar};
use crate::layout::{Button, Grab, Placed, Rect, Rules};

pub fn write(rules: &Rules) -> Vec<u8> {
    let mut out = Vec::with_capacity(160 + 56 * rules.windows.len());
    out.extend_from_slice(b"{\"windows\":[");
    for (i, placed) in rules.windows.iter().enumerate() {
        let open: &[u8] = if i == 0 { b"{\"id\":" } else { b",{\"id\":" };
        push_fields(&mut out, &[(open, placed.id)]);
        push_rect(&mut out, placed.rect);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"focus\":");
    match rules.focus {
        Some(id) => push_int(&mut out, id),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"closed\":[");
    for (i, &id) in rules.closed.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_int(&mut out, id);
    }
    let (button, grab): (&[u8], _) = match rules.button {
        Button::Up => (b"up", None),
        Button::Waiting => (b"waiting", None),
        Button::Down(grab) => (b"down", grab),
        Button::Releasing(grab) => (b"releasing", Some(grab)),
    };
    out.extend_from_slice(b"],\"button\":\"");
    out.extend_from_slice(button);
    out.push(b'"');
    if let Some(grab) = grab {
        push_fields(&mut out, &[(b",\"grab\":{\"window\":", grab.window)]);
        out.extend_from_slice(b",\"element\":\"");
        out.extend_from_slice(grab.grip.name().as_bytes());
        push_fields(&mut out, &[(b"\",\"px\":", grab.px), (b",\"py\":", grab.py)]);
        push_rect(&mut out, grab.from);
        out.push(b'}');
    }
    out.push(b'}');
    out
}

/// `,"x":..,"y":..,"w":..,"h":..`
pub fn push_rect(out: &mut Vec<u8>, rect: Rect) {
    push_fields(out, &[(b",\"x\":", rect.x), (b",\"y\":", rect.y), (b",\"w\":", rect.w), (b",\"h\":", rect.h)]);
}

/// Sets `slot` to `value` unless it was set already: in a state this component wrote, no key
/// comes twice.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

pub fn read(bytes: &[u8]) -> Option<Rules> {
    let (mut windows, mut focus, mut closed, mut button, mut grab) = (None, None, None, None, None);
    read_all(bytes, |r| {
        r.object(|r, key| match key {
            b"windows" => once(&mut windows, placed_windows(r)),
            b"focus" => once(&mut focus, r.scalar()),
            b"closed" => once(&mut closed, ids(r)),
            b"button" => once(&mut button, r.scalar()?.as_token()),
            b"grab" => once(&mut grab, read_grab(r)),
            _ => None,
        })
    })?;
    let windows = windows?;
    let present: BTreeSet<i32> = windows.iter().map(|p: &Placed| p.id).collect();
    if present.len() != windows.len() {
        return None;
    }
    let focus = match focus? {
        Scalar::Null => None,
        id => Some(positive(id).filter(|id| present.contains(id))?),
    };
    // Ascending, and none of them placed, as written.
    let closed = closed?;
    if closed.windows(2).any(|pair| pair[0] >= pair[1]) || closed.iter().any(|id| present.contains(id)) {
        return None;
    }
    if grab.map_or(false, |g: Grab| !present.contains(&g.window)) {
        return None;
    }
    let button = match (button?, grab) {
        (b"\"up\"", None) => Button::Up,
        (b"\"waiting\"", None) => Button::Waiting,
        (b"\"down\"", grab) => Button::Down(grab),
        (b"\"releasing\"", Some(grab)) if grab.grip == Grip::Close => Button::Releasing(grab),
        _ => return None,
    };
    Some(Rules { windows, focus, closed, button })
}

fn placed_windows(r: &mut Reader<'_>) -> Option<Vec<Placed>> {
    let mut windows = Vec::new();
    r.array(|r| {
        let mut id = None;
        let mut rect = RectReader::default();
        r.object(|r, key| match key {
            b"id" => once(&mut id, positive(r.scalar()?)),
            _ => rect.member(r, key),
        })?;
        windows.push(Placed { id: id?, rect: rect.done()? });
        Some(())
    })?;
    Some(windows)
}

fn ids(r: &mut Reader<'_>) -> Option<Vec<i32>> {
    let mut ids = Vec::new();
    r.array(|r| {
        ids.push(positive(r.scalar()?)?);
        Some(())
    })?;
    Some(ids)
}

fn read_grab(r: &mut Reader<'_>) -> Option<Grab> {
    let (mut window, mut grip, mut px, mut py) = (None, None, None, None);
    let mut rect = RectReader::default();
    r.object(|r, key| match key {
        b"window" => once(&mut window, positive(r.scalar()?)),
        b"element" => once(&mut grip, Element::of(r.scalar()?.as_token()?).grip()),
        b"px" => once(&mut px, r.scalar()?.as_i32()),
        b"py" => once(&mut py, r.scalar()?.as_i32()),
        _ => rect.member(r, key),
    })?;
    Some(Grab { window: window?, grip: grip?, px: px?, py: py?, from: rect.done()? })
}

/// The `x`, `y`, `w`, `h` members of an object, as they come.
#[derive(Default)]
struct RectReader {
    x: Option<i32>,
    y: Option<i32>,
    w: Option<i32>,
    h: Option<i32>,
}

impl RectReader {
    /// Reads the member `key` if it is one of the four; any other key is not in a state.
    fn member(&mut self, r: &mut Reader<'_>, key: &[u8]) -> Option<()> {
        let slot = match key {
            b"x" => &mut self.x,
            b"y" => &mut self.y,
            b"w" => &mut self.w,
            b"h" => &mut self.h,
            _ => return None,
        };
        once(slot, r.scalar()?.as_i32())
    }

    fn done(self) -> Option<Rect> {
        Some(Rect { x: self.x?, y: self.y?, w: self.w?, h: self.h? })
    }
}

fn positive(value: Scalar<'_>) -> Option<i32> {
    value.as_i32().filter(|&id| id > 0)
}
