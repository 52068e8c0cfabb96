// ignoreBOM: a value that starts with U+FEFF keeps it; by default the decoder would drop it, and
// the text would no longer be the bytes (a journal would replay another input).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A ROM or report value for JSON output: its text when it is UTF-8, else `{ base64 }`. */
export function jsonValue(content: Uint8Array): string | { base64: string } {
  try {
    return utf8.decode(content);
  } catch {
    return { base64: Buffer.from(content).toString('base64') };
  }
}

/** The same, as fields of a JSON line: `text` or `base64`. */
export function jsonFields(content: Uint8Array): { text: string } | { base64: string } {
  const value = jsonValue(content);
  return typeof value === 'string' ? { text: value } : value;
}
