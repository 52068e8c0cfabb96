import { writeSync } from 'node:fs';

/**
 * Journal lines as bytes, batched for one system call per batch. A report or an input, the bulk
 * of any journal, is written straight from its bytes into the batch, exactly as `journalLine`
 * would render its entry (`{"step":N,"report":"SOURCE","text":"..."}` or `"base64"`), with no
 * string, object or decoding in between: the per-entry cost that record-overhead measures.
 */
export class LineBuffer {
  #buffer: Buffer;
  #at = 0;
  /** By name, for each key: see #tails. */
  readonly #reports = new Map<string, Tails>();
  readonly #inputs = new Map<string, Tails>();
  readonly #step = new StepDigits();

  constructor(
    private readonly fd: number,
    readonly batch: number,
  ) {
    this.#buffer = Buffer.allocUnsafe(batch);
  }

  get size(): number {
    return this.#at;
  }

  /** A whole line, already rendered. */
  line(text: string): void {
    this.#room(Buffer.byteLength(text));
    this.#at += this.#buffer.write(text, this.#at, 'utf8');
  }

  /** `{"step":STEP,"KEY":"NAME",` then the value of `content` as `"text"` or `"base64"`, and `}\n`. */
  bytesEntry(step: number, key: 'report' | 'input', name: string, content: Uint8Array): void {
    const tails = (key === 'report' ? this.#reports : this.#inputs).get(name) ?? this.#tails(key, name);
    // The longest it can be: every byte escaped as \u00XX (6 bytes), or base64 (4 per 3); the step's digits.
    this.#room(8 + 16 + tails.base64.length + content.length * 6 + 3);
    const b = this.#buffer;
    const start = this.#at;
    const value = this.#head(start, step, tails.text);
    // One pass: escaped as text, which non-ASCII bytes are as they are when the whole is UTF-8.
    // Most bytes need no escape, and are told so by comparisons, with no table read.
    let at = value;
    let ascii = true;
    for (let i = 0; i < content.length; i++) {
      const c = content[i]!;
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        b[at++] = c;
        if (c >= 0x80) ascii = false;
      } else if (ESCAPE[c] !== 0x75) {
        b[at++] = 0x5c;
        b[at++] = ESCAPE[c]!;
      } else {
        b[at++] = 0x5c; // \u00xx
        b[at++] = 0x75;
        b[at++] = 0x30;
        b[at++] = 0x30;
        b[at++] = HEX[c >> 4]!;
        b[at++] = HEX[c & 15]!;
      }
    }
    if (!ascii && !isUtf8(content)) {
      // Not text after all (what jsonFields writes as base64): the line again, with the value in base64.
      at = this.#head(start, step, tails.base64);
      at += b.write(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64'), at, 'latin1');
    }
    b[at++] = 0x22; // "}\n
    b[at++] = 0x7d;
    b[at++] = 0x0a;
    this.#at = at;
  }

  /** `{"step":STEP` and `tail` at `at`; returns where the value goes. */
  #head(at: number, step: number, tail: Uint8Array): number {
    const b = this.#buffer;
    // `{"step":` as constants, then the step's digits, those of the line before when it was of the same step.
    b[at] = 0x7b;
    b[at + 1] = 0x22;
    b[at + 2] = 0x73;
    b[at + 3] = 0x74;
    b[at + 4] = 0x65;
    b[at + 5] = 0x70;
    b[at + 6] = 0x22;
    b[at + 7] = 0x3a;
    const digits = this.#step;
    digits.of(step);
    at += 8;
    for (let i = 0; i < digits.length; i++) b[at++] = digits.bytes[i]!;
    // A copy of ~30 bytes: `set` is one builtin call, a loop costs three times as much.
    b.set(tail, at);
    return at + tail.length;
  }

  /** `,"KEY":"NAME","text":"` and its base64 twin as bytes, made once for each name: the same few names come back on every step. */
  #tails(key: 'report' | 'input', name: string): Tails {
    const head = `,${JSON.stringify(key)}:${JSON.stringify(name)},`;
    const tails = { text: Buffer.from(`${head}"text":"`), base64: Buffer.from(`${head}"base64":"`) };
    (key === 'report' ? this.#reports : this.#inputs).set(name, tails);
    return tails;
  }

  /** Writes what is collected. Throws what the system call throws. */
  flush(): void {
    let done = 0;
    while (done < this.#at) done += writeSync(this.fd, this.#buffer, done, this.#at - done);
    this.#at = 0;
  }

  /** Makes room for `bytes` more: flushes first when the batch would overflow, and grows for a line longer than a batch. */
  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    this.flush();
    if (bytes > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(bytes);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface Tails {
  readonly text: Uint8Array;
  readonly base64: Uint8Array;
}

/** Whether the bytes are UTF-8: what `jsonFields` writes as `text`. */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The decimal digits of the step of the last line, as String(step) writes them: the lines of a
 * step share them, and the next step's are the last ones plus one, carried by hand. Dividing by
 * ten for each digit of every line cost a few percent of a recorded run (record-overhead).
 */
class StepDigits {
  /** The digits, `length` of them. */
  readonly bytes = new Uint8Array(24);
  length = 0;
  #step = -1;

  /** Makes them the digits of `step`. */
  of(step: number): void {
    if (step === this.#step) return;
    if (step === this.#step + 1 && this.length > 0) {
      this.#increment();
    } else {
      const text = String(step);
      for (let i = 0; i < text.length; i++) this.bytes[i] = text.charCodeAt(i);
      this.length = text.length;
    }
    this.#step = step;
  }

  #increment(): void {
    const b = this.bytes;
    let i = this.length - 1;
    while (i >= 0 && b[i] === 0x39) b[i--] = 0x30;
    if (i >= 0) {
      b[i]! += 1;
      return;
    }
    // 9…9 + 1: 10…0, one digit longer.
    b[0] = 0x31;
    b[this.length++] = 0x30;
  }
}

const HEX = Buffer.from('0123456789abcdef');
/**
 * How JSON.stringify writes UTF-8 text inside its quotes, byte by byte: `"` and `\\` and control
 * characters escaped, everything else (all of non-ASCII, which valid UTF-8 never holds a lone
 * surrogate of) as it is; so the escaped text's bytes are the bytes, escaped. For each byte that is
 * escaped (below 0x20, `"`, `\\`): the letter after the backslash, its short escape (\b \t \n \f
 * \r \" \\) or `u` for \u00xx (lowercase).
 */
const ESCAPE = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESCAPE[c] = 0x75;
for (const [c, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) ESCAPE[c] = letter.charCodeAt(0);
