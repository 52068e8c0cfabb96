/**
 * A small JSON reader and writer on bytes, for the protocol of examples/windows/README.md.
 *
 * The reader never decodes a string: it reports where a string token starts and ends (quotes
 * included), so a title is copied into a report byte for byte as it was read. It checks the
 * grammar strictly (a value that does not parse is treated as absent by the caller), never reads
 * past the end of its bytes and never traps, whatever the bytes are: every method answers false
 * on anything it does not accept, and the caller gives up.
 */

const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const COMMA: i32 = 0x2c;
const COLON: i32 = 0x3a;
const MINUS: i32 = 0x2d;
const PLUS: i32 = 0x2b;
const DOT: i32 = 0x2e;
const ZERO: i32 = 0x30;
const OPEN_BRACE: i32 = 0x7b;
const CLOSE_BRACE: i32 = 0x7d;
const OPEN_BRACKET: i32 = 0x5b;
const CLOSE_BRACKET: i32 = 0x5d;

/**
 * Unknown values may nest; skipping them recurses, so nesting deeper than this does not parse
 * (a ROM of a million `[` would otherwise exhaust the call stack, a trap).
 */
const MAX_DEPTH: i32 = 64;

function isDigit(c: i32): bool {
  return <u32>(c - ZERO) <= 9;
}

function isHex(c: i32): bool {
  return isDigit(c) || <u32>((c | 0x20) - 0x61) <= 5;
}

export class Reader {
  /** The next byte to read. */
  pos: i32 = 0;
  /** The last string token read: [tokenStart, tokenEnd), both quotes included. */
  tokenStart: i32 = 0;
  tokenEnd: i32 = 0;
  /** The last integer read. */
  number: i32 = 0;
  /** The last boolean read. */
  flag: bool = false;
  /** Set by `open` and `next` when the object or array has ended. */
  closed: bool = false;

  constructor(public data: Uint8Array) {}

  /** The byte at `pos`, or -1 past the end. */
  peek(): i32 {
    return this.pos < this.data.length ? <i32>unchecked(this.data[this.pos]) : -1;
  }

  /** Skips JSON whitespace. */
  ws(): void {
    while (this.pos < this.data.length) {
      const c = <i32>unchecked(this.data[this.pos]);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  /** After whitespace, the byte `c`: consumed if it is there. */
  eat(c: i32): bool {
    this.ws();
    if (this.peek() != c) return false;
    this.pos++;
    return true;
  }

  /** Whether only whitespace is left: a value followed by anything else does not parse. */
  atEnd(): bool {
    this.ws();
    return this.pos == this.data.length;
  }

  /** A string token, left in tokenStart/tokenEnd. Escapes are checked, never decoded. */
  string(): bool {
    this.ws();
    if (this.peek() != QUOTE) return false;
    const start = this.pos++;
    while (true) {
      const c = this.peek();
      if (c < 0x20) return false; // the end of the bytes (-1), or a raw control character
      this.pos++;
      if (c == QUOTE) break;
      if (c != BACKSLASH) continue;
      const e = this.peek();
      this.pos++;
      if (e == 0x75) {
        // \uXXXX
        for (let i = 0; i < 4; i++) {
          if (!isHex(this.peek())) return false;
          this.pos++;
        }
      } else if (e != QUOTE && e != BACKSLASH && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) {
        return false;
      }
    }
    this.tokenStart = start;
    this.tokenEnd = this.pos;
    return true;
  }

  /** Whether the last string token is `"name"`, compared as bytes (`name` is ASCII). */
  tokenIs(name: string): bool {
    if (this.tokenEnd - this.tokenStart != name.length + 2) return false;
    for (let i = 0; i < name.length; i++) {
      if (<i32>unchecked(this.data[this.tokenStart + 1 + i]) != name.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * An integer in the range of an i32, left in `number`. A fraction or an exponent is a number
   * the protocol does not have: it does not parse, like one out of range.
   */
  integer(): bool {
    this.ws();
    const negative = this.peek() == MINUS;
    if (negative) this.pos++;
    const first = this.peek();
    if (!isDigit(first)) return false;
    let value: i64 = 0;
    if (first == ZERO) this.pos++;
    else {
      while (isDigit(this.peek())) {
        // Past 2^31 the value is out of range anyway: stop growing it, keep reading the digits.
        if (value <= 0x80000000) value = value * 10 + <i64>(this.peek() - ZERO);
        this.pos++;
      }
    }
    const c = this.peek();
    if (c == DOT || c == 0x65 || c == 0x45) return false;
    if (negative) value = -value;
    if (value < <i64>i32.MIN_VALUE || value > <i64>i32.MAX_VALUE) return false;
    this.number = <i32>value;
    return true;
  }

  /** `true` or `false`, left in `flag`. */
  boolean(): bool {
    this.ws();
    if (this.word("true")) this.flag = true;
    else if (this.word("false")) this.flag = false;
    else return false;
    return true;
  }

  /**
   * After a member's value: `,` (true, another member follows) or the closing `close` (true,
   * with `pos` past it and `closed` set). Anything else does not parse.
   */
  next(close: i32): bool {
    // A nested value may have left `closed` set: it is this level's answer from here on.
    this.closed = false;
    if (this.eat(COMMA)) return true;
    if (this.eat(close)) {
      this.closed = true;
      return true;
    }
    return false;
  }

  /** `{` or `[` (`open`), and whether it is empty right away (`closed`). */
  open(open: i32, close: i32): bool {
    this.closed = false;
    if (!this.eat(open)) return false;
    if (this.eat(close)) this.closed = true;
    return true;
  }

  /** An object's key (a string token, compared with tokenIs) and its colon. */
  key(): bool {
    return this.string() && this.eat(COLON);
  }

  openObject(): bool {
    return this.open(OPEN_BRACE, CLOSE_BRACE);
  }

  nextInObject(): bool {
    return this.next(CLOSE_BRACE);
  }

  openArray(): bool {
    return this.open(OPEN_BRACKET, CLOSE_BRACKET);
  }

  nextInArray(): bool {
    return this.next(CLOSE_BRACKET);
  }

  /** Any JSON value, checked and passed over: the value of a key the caller does not know. */
  skip(depth: i32 = 0): bool {
    if (depth > MAX_DEPTH) return false;
    this.ws();
    const c = this.peek();
    if (c == QUOTE) return this.string();
    if (c == MINUS || isDigit(c)) return this.skipNumber();
    if (c == OPEN_BRACE) {
      if (!this.openObject()) return false;
      while (!this.closed) {
        if (!this.key() || !this.skip(depth + 1) || !this.nextInObject()) return false;
      }
      return true;
    }
    if (c == OPEN_BRACKET) {
      if (!this.openArray()) return false;
      while (!this.closed) {
        if (!this.skip(depth + 1) || !this.nextInArray()) return false;
      }
      return true;
    }
    return this.word("true") || this.word("false") || this.word("null");
  }

  /** Any JSON number (fraction and exponent allowed): an unknown key may hold one. */
  private skipNumber(): bool {
    if (this.peek() == MINUS) this.pos++;
    const first = this.peek();
    if (!isDigit(first)) return false;
    this.pos++;
    if (first != ZERO) this.digits();
    if (this.peek() == DOT) {
      this.pos++;
      if (!isDigit(this.peek())) return false;
      this.digits();
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.pos++;
      const sign = this.peek();
      if (sign == PLUS || sign == MINUS) this.pos++;
      if (!isDigit(this.peek())) return false;
      this.digits();
    }
    return true;
  }

  private digits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  /** The ASCII `word`, consumed if it is next. A longer run of letters fails later, at the delimiter. */
  private word(word: string): bool {
    if (this.pos + word.length > this.data.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (<i32>unchecked(this.data[this.pos + i]) != word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }
}

/** A growing byte string: the reports are written into one, then submitted. */
export class Writer {
  private buffer: Uint8Array;
  private length: i32 = 0;

  constructor(capacity: i32) {
    this.buffer = new Uint8Array(capacity);
  }

  byte(b: i32): void {
    if (this.length == this.buffer.length) this.grow(1);
    unchecked((this.buffer[this.length++] = <u8>b));
  }

  /** ASCII text (the fixed parts of the JSON: keys, punctuation, colors). */
  ascii(text: string): void {
    const n = text.length;
    if (this.length + n > this.buffer.length) this.grow(n);
    for (let i = 0; i < n; i++) unchecked((this.buffer[this.length + i] = <u8>text.charCodeAt(i)));
    this.length += n;
  }

  /** `prefix` (a key, with the punctuation before it), then `value`: `,"x":12`. */
  number(prefix: string, value: i64): void {
    this.ascii(prefix);
    this.integer(value);
  }

  /** Two numbers, each after its prefix: a point or a size, `,"x":12,"y":40`. */
  pair(prefix1: string, value1: i64, prefix2: string, value2: i64): void {
    this.number(prefix1, value1);
    this.number(prefix2, value2);
  }

  /** `prefix`, then the ASCII `value` quoted: `,"fill":"#2b2d42"`. */
  text(prefix: string, value: string): void {
    this.ascii(prefix);
    this.byte(QUOTE);
    this.ascii(value);
    this.byte(QUOTE);
  }

  /** The bytes [start, end) of `source`, as they are (a title's string token). */
  copy(source: Uint8Array, start: i32, end: i32): void {
    const n = end - start;
    if (this.length + n > this.buffer.length) this.grow(n);
    memory.copy(this.buffer.dataStart + <usize>this.length, source.dataStart + <usize>start, <usize>n);
    this.length += n;
  }

  /** An integer in decimal. i64: geometry computed from i32 coordinates may leave their range. */
  integer(value: i64): void {
    if (value < 0) {
      this.byte(MINUS);
      value = -value; // never i64.MIN_VALUE: values here are i32 plus or minus a few pixels
    }
    if (this.length + 20 > this.buffer.length) this.grow(20);
    // Digits are written backwards, then turned around in place.
    const start = this.length;
    do {
      unchecked((this.buffer[this.length++] = <u8>(ZERO + <i32>(value % 10))));
      value /= 10;
    } while (value != 0);
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const t = unchecked(this.buffer[i]);
      unchecked((this.buffer[i] = this.buffer[j]));
      unchecked((this.buffer[j] = t));
    }
  }

  done(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private grow(more: i32): void {
    const bigger = new Uint8Array(max(this.buffer.length * 2, this.length + more));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }
}
