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
  /** By key, then name: see #tails. */
  readonly #prefixes = { report: new Map<string, Tails>(), input: new Map<string, Tails>() };

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
    const tails = this.#tails(key, name);
    // The longest it can be: every byte escaped as \u00XX (6 bytes), or base64 (4 per 3); the step's digits.
    this.#room(8 + 16 + tails.base64.length + content.length * 6 + 3);
    const b = this.#buffer;
    const start = this.#at;
    const value = this.#head(start, step, tails.text);
    // One pass: escaped as text, which non-ASCII bytes are as they are when the whole is UTF-8.
    let at = value;
    let ascii = true;
    for (let i = 0; i < content.length; i++) {
      const c = content[i]!;
      const letter = c < 0x80 ? ESCAPE[c]! : 0;
      if (letter === 0) {
        b[at++] = c;
        if (c >= 0x80) ascii = false;
      } else if (letter !== 0x75) {
        b[at++] = 0x5c;
        b[at++] = letter;
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
    for (let i = 0; i < 8; i++) b[at + i] = STEP[i]!;
    at = writeDigits(b, at + 8, step);
    for (let i = 0; i < tail.length; i++) b[at + i] = tail[i]!;
    return at + tail.length;
  }

  /** `,"KEY":"NAME","text":"` and its base64 twin as bytes: the same few names come back on every step. */
  #tails(key: 'report' | 'input', name: string): Tails {
    const byName = this.#prefixes[key];
    let tails = byName.get(name);
    if (tails === undefined) {
      const head = `,${JSON.stringify(key)}:${JSON.stringify(name)},`;
      tails = { text: Buffer.from(`${head}"text":"`), base64: Buffer.from(`${head}"base64":"`) };
      byName.set(name, tails);
    }
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

/** `{"step":` */
const STEP = Buffer.from('{"step":');

/** A positive integer's decimal digits, as String(n) writes them (steps stay far below 2^53). */
function writeDigits(b: Buffer, at: number, n: number): number {
  let count = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) count += 1;
  for (let i = at + count - 1; i >= at; i--) {
    b[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + count;
}

const HEX = Buffer.from('0123456789abcdef');
/**
 * How JSON.stringify writes UTF-8 text inside its quotes, byte by byte: `"` and `\\` and control
 * characters escaped, everything else (all of non-ASCII, which valid UTF-8 never holds a lone
 * surrogate of) as it is; so the escaped text's bytes are the bytes, escaped. For each byte below
 * 0x80: 0 as it is; else the letter after the backslash: its short escapes (\b \t \n \f \r \"
 * \\), `u` for \u00xx (lowercase).
 */
const ESCAPE = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESCAPE[c] = 0x75;
for (const [c, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) ESCAPE[c] = letter.charCodeAt(0);
