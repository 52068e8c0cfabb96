//! The ROMs from outside, as examples/windows/README.md writes them. A value that does not
//! parse, or lacks or mistypes a key the layouter needs, is None: absent.

use std::collections::BTreeSet;

use crate::json::{read_all, short_text, Reader, Scalar, SHORT};

/// One entry of ROM `windows`.
pub struct Window<'a> {
    pub id: i32,
    /// The title's string token as read, quotes and escapes included.
    pub title: &'a [u8],
    pub w: i32,
    pub h: i32,
}

/// ROM `windows`: every entry must be a valid window with an id unique in the list, or the whole
/// value is absent.
pub fn windows(bytes: &[u8]) -> Option<Vec<Window<'_>>> {
    read_all(bytes, |r| {
        let mut seen = BTreeSet::new();
        let mut windows = Vec::new();
        r.array(|r| {
            let window = window(r)?;
            seen.insert(window.id).then(|| windows.push(window))
        })?;
        Some(windows)
    })
}

fn window<'a>(r: &mut Reader<'a>) -> Option<Window<'a>> {
    let (mut id, mut title, mut w, mut h) = (None, None, None, None);
    r.object(|r, key| {
        let value = r.scalar()?;
        // With a key written twice the last wins, as with JSON.parse.
        match key {
            b"id" => id = Some(value),
            b"title" => title = Some(value),
            b"w" => w = Some(value),
            b"h" => h = Some(value),
            _ => {}
        }
        Some(())
    })?;
    Some(Window {
        id: id?.as_i32().filter(|&id| id > 0)?,
        title: title?.as_token()?,
        w: w.map_or(Some(320), Scalar::as_i32)?,
        h: h.map_or(Some(200), Scalar::as_i32)?,
    })
}

/// The members of a flat object named in `keys`, by position in `keys`; the last of each wins.
fn members<'a, const N: usize>(bytes: &'a [u8], keys: [&[u8]; N]) -> Option<[Option<Scalar<'a>>; N]> {
    read_all(bytes, |r| {
        let mut found = [None; N];
        r.object(|r, key| {
            let value = r.scalar()?;
            if let Some(at) = keys.iter().position(|&k| k == key) {
                found[at] = Some(value);
            }
            Some(())
        })?;
        Some(found)
    })
}

/// The two margins placement and moving need.
#[derive(Clone, Copy, Default)]
pub struct Margins {
    pub top: i32,
    pub left: i32,
}

/// ROM `margins`: all four keys are required, as the contract writes them all.
pub fn margins(bytes: &[u8]) -> Option<Margins> {
    let [top, right, bottom, left] = members(bytes, [b"top", b"right", b"bottom", b"left"])?;
    right?.as_i32()?;
    bottom?.as_i32()?;
    Some(Margins { top: top?.as_i32()?, left: left?.as_i32()? })
}

#[derive(Clone, Copy)]
pub struct Pointer {
    pub x: i32,
    pub y: i32,
    pub pressed: bool,
}

pub fn pointer(bytes: &[u8]) -> Option<Pointer> {
    let [x, y, pressed] = members(bytes, [b"x", b"y", b"pressed"])?;
    Some(Pointer { x: x?.as_i32()?, y: y?.as_i32()?, pressed: pressed?.as_bool()? })
}

/// What a press or release can be over.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Title,
    Close,
    Border(&'static Border),
    Content,
    /// An element this layouter does not know (a later decorator's button): a press there
    /// focuses and raises, as anywhere over a window.
    Other,
}

/// A frame edge or corner: its name and the edges it moves.
#[derive(PartialEq, Eq)]
pub struct Border {
    pub name: &'static str,
    pub n: bool,
    pub s: bool,
    pub e: bool,
    pub w: bool,
}

const BORDERS: [Border; 8] = [
    Border { name: "border-n", n: true, s: false, e: false, w: false },
    Border { name: "border-s", n: false, s: true, e: false, w: false },
    Border { name: "border-e", n: false, s: false, e: true, w: false },
    Border { name: "border-w", n: false, s: false, e: false, w: true },
    Border { name: "border-ne", n: true, s: false, e: true, w: false },
    Border { name: "border-nw", n: true, s: false, e: false, w: true },
    Border { name: "border-se", n: false, s: true, e: true, w: false },
    Border { name: "border-sw", n: false, s: true, e: false, w: true },
];

/// The elements a press grabs, to drag or to judge its release: title, close button, borders.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Grip {
    Title,
    Close,
    Border(&'static Border),
}

impl Element {
    /// The element string token `token` names.
    pub fn of(token: &[u8]) -> Element {
        let mut buffer = [0u8; SHORT];
        let name = short_text(token, &mut buffer);
        match name {
            b"title" => Element::Title,
            b"close" => Element::Close,
            b"content" => Element::Content,
            _ => BORDERS.iter().find(|border| border.name.as_bytes() == name).map_or(Element::Other, Element::Border),
        }
    }

    /// What a press here grabs, if anything.
    pub fn grip(self) -> Option<Grip> {
        match self {
            Element::Title => Some(Grip::Title),
            Element::Close => Some(Grip::Close),
            Element::Border(border) => Some(Grip::Border(border)),
            Element::Content | Element::Other => None,
        }
    }
}

impl Grip {
    pub fn name(self) -> &'static str {
        match self {
            Grip::Title => "title",
            Grip::Close => "close",
            Grip::Border(border) => border.name,
        }
    }
}

/// ROM `hover`.
pub enum Hover {
    /// `{}`: no pointer.
    Nowhere,
    /// `{"x":..,"y":..}` or with `window` and `element`: the position it was computed for, and
    /// what is under it.
    At { x: i32, y: i32, over: Option<(i32, Element)> },
}

/// `x` and `y` come together, `window` and `element` come together and only with a position;
/// anything else is absent.
pub fn hover(bytes: &[u8]) -> Option<Hover> {
    let [x, y, window, element] = members(bytes, [b"x", b"y", b"window", b"element"])?;
    let over = match (window, element) {
        (None, None) => None,
        (Some(window), Some(element)) => Some((window.as_i32()?, Element::of(element.as_token()?))),
        _ => return None,
    };
    match (x, y, over) {
        (None, None, None) => Some(Hover::Nowhere),
        (Some(x), Some(y), over) => Some(Hover::At { x: x.as_i32()?, y: y.as_i32()?, over }),
        _ => None,
    }
}
