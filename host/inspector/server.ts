import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RomhostError } from '../errors.js';
import type { Host } from '../index.js';
import { serveConnection } from './connection.js';
import { readPageFiles } from './page-files.js';

export interface InspectorOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
}

export interface Inspector {
  /** `http://127.0.0.1:PORT/`: open it in a browser. */
  readonly url: string;
  /** Stops serving: closes every page's connection, then the server. */
  close(): Promise<void>;
}

/**
 * The page loads nothing from elsewhere, and says so to the browser. Cross-origin isolation also
 * gives the page a precise `performance.now()` (5 µs rather than 100 µs), which ui-latency reads.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; connect-src 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** The largest request a page may send: an input typed into it, not a component. */
const MAX_MESSAGE = 1024 * 1024;

/**
 * Serves the inspector page for `host` on 127.0.0.1: the page itself, and a WebSocket (`/ws`)
 * that pushes the host's changes to it and takes its inputs and lifecycle requests. Only pages
 * served from here may connect: a WebSocket is not bound by the same-origin policy, so any other
 * site open in the browser could otherwise drive the host.
 */
export async function startInspector(host: Host, options: InspectorOptions = {}): Promise<Inspector> {
  const files = readPageFiles();
  const server = createServer((request, response) => {
    const file = request.method === 'GET' ? files.get(new URL(request.url ?? '/', 'http://x').pathname) : undefined;
    if (!file) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', ...PAGE_HEADERS }).end(file.bytes);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  sockets.on('connection', (socket) => serveConnection(host, socket));
  server.on('upgrade', (request, socket, head) => {
    const port = (server.address() as AddressInfo).port;
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/ws' || !sameOrigin(request, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new RomhostError('inspector-port-in-use', { port }) : e));
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    async close() {
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A browser sends its page's origin; tools (the bench, curl) send none. The Host header must name
 * this machine too, or a site whose DNS name was rebound to 127.0.0.1 would count as same-origin.
 */
function sameOrigin(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}
