/**
 * The floor for route-throughput: the main core modules driven by a minimal hand-written loop,
 * with no host around them. It does what the canonical ABI of the state-machine world requires
 * and nothing more (wit/ABI.md): lower `update`'s list of strings through `cabi_realloc`, lift the
 * names `read` and `submit` pass as UTF-8 strings, answer `read` through the 12-byte return area
 * with a `cabi_realloc`ed copy of the value, and copy `submit`'s bytes out.
 */

const ROM = 'romhost:component/rom@0.1.0';
const REPORT = 'romhost:component/report@0.1.0';

interface CoreExports {
  memory: WebAssembly.Memory;
  cabi_realloc(oldPtr: number, oldSize: number, align: number, newSize: number): number;
  update(listPtr: number, listLen: number): void;
  cabi_post_update?(): void;
  _initialize?(): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One core instance with its two imports answered from plain Maps. */
export class HandChild {
  readonly #e: CoreExports;
  #bytes = new Uint8Array(0);
  #view = new DataView(new ArrayBuffer(0));

  constructor(
    module: WebAssembly.Module,
    read: (name: string) => Uint8Array | undefined,
    submit: (name: string, content: Uint8Array) => void,
  ) {
    const instance = new WebAssembly.Instance(module, {
      [ROM]: {
        read: (namePtr: number, nameLen: number, retPtr: number) => {
          const value = read(this.#string(namePtr >>> 0, nameLen >>> 0));
          retPtr >>>= 0;
          if (value === undefined) {
            this.#mem()[retPtr] = 0;
            return;
          }
          const ptr = this.#e.cabi_realloc(0, 0, 1, value.length) >>> 0;
          this.#mem().set(value, ptr);
          this.#bytes[retPtr] = 1;
          this.#view.setUint32(retPtr + 4, ptr, true);
          this.#view.setUint32(retPtr + 8, value.length, true);
        },
      },
      [REPORT]: {
        submit: (namePtr: number, nameLen: number, dataPtr: number, dataLen: number) => {
          const name = this.#string(namePtr >>> 0, nameLen >>> 0);
          dataPtr >>>= 0;
          submit(name, this.#mem().slice(dataPtr, dataPtr + (dataLen >>> 0)));
        },
      },
    });
    this.#e = instance.exports as unknown as CoreExports;
    this.#e._initialize?.();
  }

  /** Calls `update` with `changed`, names already encoded as UTF-8. */
  update(changed: readonly Uint8Array[]): void {
    const e = this.#e;
    const list = e.cabi_realloc(0, 0, 4, changed.length * 8) >>> 0;
    for (let i = 0; i < changed.length; i++) {
      const name = changed[i]!;
      const ptr = e.cabi_realloc(0, 0, 1, name.length) >>> 0;
      this.#mem().set(name, ptr);
      this.#view.setUint32(list + i * 8, ptr, true);
      this.#view.setUint32(list + i * 8 + 4, name.length, true);
    }
    e.update(list, changed.length);
    e.cabi_post_update?.();
  }

  #string(ptr: number, len: number): string {
    return utf8.decode(this.#mem().subarray(ptr, ptr + len));
  }

  /**
   * The memory's bytes, re-viewed after growth: growing detaches the old buffer, whose views then
   * have length 0, so the (costly) `memory.buffer` getter is read only then.
   */
  #mem(): Uint8Array {
    if (this.#bytes.length === 0) {
      const buffer = this.#e.memory.buffer;
      this.#bytes = new Uint8Array(buffer);
      this.#view = new DataView(buffer);
    }
    return this.#bytes;
  }
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const INPUT = [encode('input')];
const STATE = [encode('state')];
const IN = [encode('in')];

/**
 * The example scenario's chain by hand: counter (input, state) → count → adder (in). Values live
 * in one Map by source key; each child maps its local ROM and report names to source keys.
 */
export class HandChain {
  readonly #values = new Map<string, Uint8Array>();
  readonly #counter: HandChild;
  readonly #adder: HandChild;

  constructor(counter: WebAssembly.Module, adder: WebAssembly.Module) {
    this.#counter = this.#child(counter, { input: 'input/input', state: 'counter/state' }, { count: 'counter/count', state: 'counter/state' });
    this.#adder = this.#child(adder, { in: 'counter/count' }, { out: 'plus-one/out' });
  }

  /** A child whose local ROM and report names map to source keys. */
  #child(module: WebAssembly.Module, roms: Record<string, string>, reports: Record<string, string>): HandChild {
    const values = this.#values;
    const romSources = new Map(Object.entries(roms));
    const reportSources = new Map(Object.entries(reports));
    return new HandChild(
      module,
      (name) => {
        const source = romSources.get(name);
        return source === undefined ? undefined : values.get(source);
      },
      (name, content) => values.set(reportSources.get(name)!, content),
    );
  }

  /** One chain: the input changes, the counter counts it, sees its state come back, the adder adds one. */
  publish(input: Uint8Array): void {
    this.#values.set('input/input', input);
    this.#counter.update(INPUT);
    this.#counter.update(STATE);
    this.#adder.update(IN);
  }

  read(source: string): Uint8Array | undefined {
    return this.#values.get(source);
  }
}
