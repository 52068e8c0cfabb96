//! A small JSON reader and the few writing helpers the layouter needs.
//!
//! The reader is driven by the caller, who knows the shape it expects: `object` hands over each
//! member's key, `array` each item, `scalar` reads a value and skips (while checking) anything
//! nested. No tree is built, so an update costs about one pass over its ROMs. Strings and
//! numbers stay the tokens they were written as: titles must be copied byte for byte
//! (examples/windows/README.md), and a number becomes an `i32` only where a known key asks for
//! one, so an unknown key may hold any valid JSON. Everything from outside may be garbage:
//! nothing here panics, and nesting is bounded so that ten thousand `[` cannot overflow the
//! 64 KiB stack.

/// Deeper than this does not parse. The protocol nests at most 3 deep; the rest is room for
/// unknown keys.
const MAX_DEPTH: usize = 32;

/// A key or name longer than this is none the layouter knows, so it is not decoded.
pub const SHORT: usize = 16;

pub struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

/// A value read by `scalar`: strings and numbers as their raw tokens.
#[derive(Clone, Copy)]
pub enum Scalar<'a> {
    /// Quotes and escapes included; its escapes are valid.
    Str(&'a [u8]),
    /// Valid JSON number syntax.
    Num(&'a [u8]),
    Bool(bool),
    Null,
    /// An object or array, read through and checked, not kept.
    Nested,
}

/// What `read` makes of all of `bytes`: None unless they are UTF-8 holding exactly one JSON
/// value (whitespace around it allowed) and `read` accepts it.
pub fn read_all<'a, T>(bytes: &'a [u8], read: impl FnOnce(&mut Reader<'a>) -> Option<T>) -> Option<T> {
    // Checked once here, so string tokens need no UTF-8 check of their own.
    std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader { s: bytes, i: 0, depth: 0 };
    let value = read(&mut reader)?;
    reader.skip_ws();
    (reader.i == bytes.len()).then(|| value)
}

// The byte-level helpers are inlined by force: opt-level z keeps them out of line otherwise,
// and a call for every byte read made the whole update ~15% dearer in fuel (measured).
impl<'a> Reader<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Consumes `b` (after whitespace) if it is next.
    #[inline(always)]
    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(b);
        if found {
            self.i += 1;
        }
        found
    }

    /// An object; `member` is given each key, decoded, and must read its value. A key with
    /// escapes that do not decode to a short ASCII text is given as the empty key.
    pub fn object(&mut self, mut member: impl FnMut(&mut Reader<'a>, &[u8]) -> Option<()>) -> Option<()> {
        self.sequence(b'{', b'}', |r| {
            r.skip_ws();
            if r.peek() != Some(b'"') {
                return None;
            }
            let token = r.string()?;
            if !r.eat(b':') {
                return None;
            }
            let mut buffer = [0u8; SHORT];
            member(r, short_text(token, &mut buffer))
        })
    }

    /// An array; `item` must read each item.
    pub fn array(&mut self, item: impl FnMut(&mut Reader<'a>) -> Option<()>) -> Option<()> {
        self.sequence(b'[', b']', item)
    }

    /// `open`, then `item`s separated by commas, then `close`: one level deeper while inside.
    fn sequence(&mut self, open: u8, close: u8, mut item: impl FnMut(&mut Reader<'a>) -> Option<()>) -> Option<()> {
        if !self.eat(open) || self.depth == MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        if !self.eat(close) {
            loop {
                item(self)?;
                if self.eat(close) {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Any value; an object or array is read through (and must be valid) but not kept.
    pub fn scalar(&mut self) -> Option<Scalar<'a>> {
        self.skip_ws();
        match self.peek()? {
            b'{' => self.object(|r, _| r.scalar().map(drop)).map(|_| Scalar::Nested),
            b'[' => self.array(|r| r.scalar().map(drop)).map(|_| Scalar::Nested),
            b'"' => self.string().map(Scalar::Str),
            b'-' | b'0'..=b'9' => self.number().map(Scalar::Num),
            b't' => self.literal(b"true", Scalar::Bool(true)),
            b'f' => self.literal(b"false", Scalar::Bool(false)),
            b'n' => self.literal(b"null", Scalar::Null),
            _ => None,
        }
    }

    /// A string token from its opening quote (the reader is on it) to its closing one.
    fn string(&mut self) -> Option<&'a [u8]> {
        let s = self.s;
        let start = self.i;
        self.i += 1;
        loop {
            // Straight to the next byte that needs a look: most of a string is plain text.
            let plain = s.get(self.i..)?.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.i += plain;
            match s[self.i] {
                b'"' => {
                    self.i += 1;
                    return s.get(start..self.i);
                }
                b'\\' => {
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = s.get(self.i + 1..self.i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                _ => return None, // a control character: JSON requires it escaped
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        self.s.get(start..self.i)
    }

    #[inline(always)]
    fn digits(&mut self) {
        while self.peek().map_or(false, |b| b.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8], value: Scalar<'a>) -> Option<Scalar<'a>> {
        let end = self.i.checked_add(word.len())?;
        (self.s.get(self.i..end)? == word).then(|| {
            self.i = end;
            value
        })
    }
}

/// The text of string token `token`: its bytes as written when it has no escape (the usual
/// case), else decoded into `buffer`; empty when that is not short ASCII text. Every key and
/// element name the layouter knows is short ASCII, so `"\u0074itle"` is `title`, as JSON says.
pub fn short_text<'k>(token: &'k [u8], buffer: &'k mut [u8; SHORT]) -> &'k [u8] {
    let inner = token.get(1..token.len().saturating_sub(1)).unwrap_or_default();
    if !inner.contains(&b'\\') {
        return inner;
    }
    let mut len = 0;
    let mut i = 0;
    while let Some(&b) = inner.get(i) {
        let decoded = if b == b'\\' {
            let escape = inner.get(i + 1).copied();
            i += 2;
            match escape {
                Some(b'b') => 0x08,
                Some(b'f') => 0x0c,
                Some(b'n') => b'\n',
                Some(b'r') => b'\r',
                Some(b't') => b'\t',
                Some(b'u') => {
                    let code = inner.get(i..i + 4).and_then(|hex| std::str::from_utf8(hex).ok()).and_then(|hex| u32::from_str_radix(hex, 16).ok());
                    i += 4;
                    match code {
                        Some(code) if code < 0x80 => code as u8,
                        _ => return &[],
                    }
                }
                Some(other) => other,
                None => return &[],
            }
        } else {
            i += 1;
            b
        };
        match buffer.get_mut(len) {
            Some(slot) => *slot = decoded,
            None => return &[],
        }
        len += 1;
    }
    &buffer[..len]
}

impl<'a> Scalar<'a> {
    /// The value as an i32, if it is an integer written without fraction or exponent, in range.
    pub fn as_i32(self) -> Option<i32> {
        let token = match self {
            Scalar::Num(token) => token,
            _ => return None,
        };
        let (negative, digits) = match token.strip_prefix(b"-") {
            Some(digits) => (true, digits),
            None => (false, token),
        };
        // At most 10 digits keep the i64 far from overflow; an i32 needs no more.
        if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let magnitude = digits.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
        i32::try_from(if negative { -magnitude } else { magnitude }).ok()
    }

    pub fn as_bool(self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The raw string token, quotes included.
    pub fn as_token(self) -> Option<&'a [u8]> {
        match self {
            Scalar::Str(token) => Some(token),
            _ => None,
        }
    }
}

/// Appends `n` in decimal.
pub fn push_int(out: &mut Vec<u8>, n: i32) {
    let mut digits = [0u8; 11];
    let mut magnitude = n.unsigned_abs();
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if n < 0 {
        start -= 1;
        digits[start] = b'-';
    }
    out.extend_from_slice(&digits[start..]);
}

/// Appends each piece in turn: a literal, then a number after it.
pub fn push_fields(out: &mut Vec<u8>, fields: &[(&[u8], i32)]) {
    for &(literal, n) in fields {
        out.extend_from_slice(literal);
        push_int(out, n);
    }
}
