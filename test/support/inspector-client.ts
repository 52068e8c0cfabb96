import WebSocket from 'ws';
import { startInspector, type Host, type Inspector } from '../../host/index.js';
import type { ServerMessage } from '../../host/inspector/index.js';
import { started } from './scenarios.js';

let open: { host: Host; inspector: Inspector }[] = [];

/** A host on `yaml` with an inspector serving it; `closeInspected` (in afterEach) closes every one. */
export async function inspected(yaml: string): Promise<{ host: Host; inspector: Inspector }> {
  const { host } = await started(yaml);
  const inspector = await startInspector(host, { port: 0 });
  open.push({ host, inspector });
  return { host, inspector };
}

export async function closeInspected(): Promise<void> {
  for (const { host, inspector } of open) await inspector.close(), await host.close();
  open = [];
}

/** A client of the page's WebSocket that collects every message the server pushes. */
export async function client(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}ws`, { headers });
  const received: ServerMessage[] = [];
  const waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    for (const m of JSON.parse(data.toString()) as ServerMessage[]) {
      received.push(m);
      for (const w of waiters.filter((w) => w.test(m))) waiters.splice(waiters.indexOf(w), 1), w.resolve(m);
    }
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const next = <T extends ServerMessage>(test: (m: ServerMessage) => m is T): Promise<T> =>
    new Promise((resolve) => {
      const seen = received.find(test);
      if (seen) return resolve(seen);
      waiters.push({ test, resolve: resolve as (m: ServerMessage) => void });
    });
  const send = (message: object) => socket.send(JSON.stringify(message));
  return { socket, received, next, send };
}

export const is =
  <K extends ServerMessage['type']>(type: K, where: (m: Extract<ServerMessage, { type: K }>) => boolean = () => true) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
    m.type === type && where(m as Extract<ServerMessage, { type: K }>);
