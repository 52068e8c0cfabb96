/** The top-level forms of a .wast script: `(module ...)`, `(assert_return ...)`, `(register ...)`. */
export interface WastForm {
  /** Offsets in the text: `(` and one past the matching `)`. */
  readonly start: number;
  readonly end: number;
  /** 1-based lines of its first and last character. */
  readonly line: number;
  readonly endLine: number;
  /** The keyword after `(`, e.g. `module`, `assert_invalid`. */
  readonly head: string;
  /** `$name` of a `(module $name ...)`, if any. */
  readonly name: string | undefined;
}

/**
 * Splits a script into its top-level forms, skipping comments (`;; ...`, nested `(; ... ;)`)
 * and strings (whose parentheses do not count). Given a form's inside (`from`, `to`, and the
 * line `from` is on), it splits that: a module's fields.
 */
export function wastForms(text: string, from = 0, to = text.length, firstLine = 1): WastForm[] {
  const forms: WastForm[] = [];
  let depth = 0;
  let line = firstLine;
  let open = { at: from, line };
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === ';' && text[i + 1] === ';') {
      while (i + 1 < to && text[i + 1] !== '\n') i++;
    } else if (ch === '(' && text[i + 1] === ';') {
      let nesting = 1;
      for (i += 2; i < to && nesting > 0; i++) {
        if (text[i] === '\n') line++;
        else if (text[i] === '(' && text[i + 1] === ';') (nesting++, i++);
        else if (text[i] === ';' && text[i + 1] === ')') (nesting--, i++);
      }
      i--;
    } else if (ch === '"') {
      for (i++; i < to && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') line++;
      }
    } else if (ch === '(') {
      if (depth++ === 0) open = { at: i, line };
    } else if (ch === ')') {
      if (--depth === 0) {
        const source = text.slice(open.at, i + 1);
        const [, head = '', name] = /^\(\s*([a-z_]+)(?:\s+(\$[^\s()]+))?/.exec(source) ?? [];
        forms.push({ start: open.at, end: i + 1, line: open.line, endLine: line, head, name: head === 'module' ? name : undefined });
      }
    }
  }
  if (depth !== 0) throw new Error(`unbalanced parentheses: ${depth} left open`);
  return forms;
}

/** The text with the given forms blanked out, newlines kept, so that line numbers stay put. */
export function withoutForms(text: string, forms: Iterable<WastForm>): string {
  const chars = text.split(''); // UTF-16 units, as the offsets are
  for (const form of forms) {
    for (let i = form.start; i < form.end; i++) if (chars[i] !== '\n') chars[i] = ' ';
  }
  return chars.join('');
}
