import type { ClientMessage, ServerMessage } from '../../protocol.js';

type Listener = (messages: readonly ServerMessage[]) => void;
type Request = ClientMessage extends infer M ? (M extends { id?: number } ? Omit<M, 'id'> : never) : never;

/**
 * The page's one WebSocket to its host. Reconnects when the host goes away and comes back (the
 * host says `hello` again, and the page redraws from it). `request` answers with the step the
 * host took, or rejects with the host's one-line error.
 */
export class Connection {
  #socket: WebSocket | undefined;
  #listeners = new Set<Listener>();
  #pending = new Map<number, { resolve: (step: number) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #retry = 250;
  /** Hears when the connection opens (true) and when it is lost (false). */
  onStatus: (connected: boolean) => void = () => undefined;

  constructor(readonly url: string) {
    this.#open();
  }

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(message: ClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  request(message: Request): Promise<number> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.send({ ...message, id } as ClientMessage);
    });
  }

  #open(): void {
    const socket = new WebSocket(this.url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#retry = 250;
      this.onStatus(true);
    };
    socket.onmessage = (event) => this.#receive(JSON.parse(event.data as string) as ServerMessage[]);
    socket.onclose = () => {
      this.onStatus(false);
      for (const { reject } of this.#pending.values()) reject(new Error('the connection to the host was lost'));
      this.#pending.clear();
      setTimeout(() => this.#open(), this.#retry);
      this.#retry = Math.min(this.#retry * 2, 4000);
    };
  }

  #receive(messages: readonly ServerMessage[]): void {
    for (const message of messages) {
      if (message.type === 'done') this.#pending.get(message.id)?.resolve(message.step), this.#pending.delete(message.id);
      if (message.type === 'error' && message.id !== undefined) this.#pending.get(message.id)?.reject(new Error(message.message)), this.#pending.delete(message.id);
    }
    for (const listener of this.#listeners) listener(messages);
  }
}
