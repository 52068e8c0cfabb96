import { z } from 'zod';
import { fail } from '../errors.js';
import type { ClientMessage } from './protocol.js';

const id = z.number().int().nonnegative().optional();
const child = z.string().min(1);

/** The page's requests, checked: the page is code the host does not trust more than any other client. */
const schema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('publish'), id, rom: z.string().startsWith('input/'), text: z.string() }),
  z.object({ type: z.enum(['kill', 'restart', 'hibernate', 'promote', 'unshadow']), id, child }),
  z.object({ type: z.enum(['swap', 'shadow']), id, child, component: z.string().min(1) }),
  z.object({ type: z.literal('ping'), id: z.number().int().nonnegative() }),
]);

export function parseClientMessage(data: string): ClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    fail('inspector-message-invalid', { detail: 'not JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) fail('inspector-message-invalid', { detail: z.prettifyError(parsed.error).replaceAll('\n', ' ') });
  return parsed.data as ClientMessage;
}
