import type { Value } from '../../protocol.js';

const SHOWN = 8000;

/** A ROM or report value: pretty-printed JSON where it is JSON, text where it is text, else base64. */
export function ValueView({ value }: { value: Value | undefined }) {
  if (value === undefined) return <span class="absent">none</span>;
  if ('base64' in value) return <code class="binary">base64 {clip(value.base64)}</code>;
  return <pre>{clip(pretty(value.text))}</pre>;
}

function pretty(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function clip(text: string): string {
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}\n… ${text.length - SHOWN} more characters`;
}
