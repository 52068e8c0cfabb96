/**
 * The WASI (preview 1) that a JavaScript component's top level runs under at build time, while
 * js-snapshot.ts takes its snapshot: everything it can observe is fixed, so the snapshot (and the
 * built component) depends on the sources alone. The clock reads 0, "random" bytes are a SHA-256
 * stream of a fixed seed, the environment and stdin are given, stdout and stderr are kept (the
 * engine reports a faulty script there), and the file system is read-only: `/` is the component's
 * folder, with the kit wherever a module imports 'romhost', and `files` laid over it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The errno values used here (wasi_snapshot_preview1). */
const ERRNO = { success: 0, acces: 2, badf: 8, inval: 28, noent: 44, nosys: 52 } as const;
const FILETYPE = { characterDevice: 2, directory: 3, regularFile: 4 } as const;
const OFLAGS = { creat: 1, directory: 2 } as const;
const ROOT_FD = 3;
const ALL_RIGHTS = 0xffff_ffffn;

export interface InitWasiOptions {
  /** The component's folder: the guest's `/`. */
  readonly dir: string;
  /** The kit, served at every path whose last segment is `romhost`. */
  readonly kit: Uint8Array;
  /** Guest paths → contents, laid over the folder. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: Uint8Array;
}

type Fd =
  | { readonly kind: 'stream'; readonly data: Uint8Array; pos: number }
  | { readonly kind: 'output' }
  | { readonly kind: 'root' }
  | { readonly kind: 'file'; readonly data: Uint8Array; pos: number };

export class InitWasi {
  readonly #options: InitWasiOptions;
  readonly #fds = new Map<number, Fd>();
  #nextFd = ROOT_FD + 1;
  #output = '';
  #random = new Uint8Array(0);
  #randomBlocks = 0;
  #memory: WebAssembly.Memory | undefined;

  constructor(options: InitWasiOptions) {
    this.#options = options;
    this.#fds.set(0, { kind: 'stream', data: options.stdin, pos: 0 });
    this.#fds.set(1, { kind: 'output' });
    this.#fds.set(2, { kind: 'output' });
    this.#fds.set(ROOT_FD, { kind: 'root' });
  }

  /** What the guest wrote to stdout and stderr, in order. */
  get output(): string {
    return this.#output;
  }

  /** Set once the instance exists: every call reads and writes its memory. */
  bind(memory: WebAssembly.Memory): void {
    this.#memory = memory;
  }

  /** The functions of module `wasi_snapshot_preview1`. */
  imports(): Record<string, (...args: never[]) => number | void> {
    const env = Object.entries(this.#options.env).map(([k, v]) => new TextEncoder().encode(`${k}=${v}\0`));
    return {
      args_sizes_get: (count: number, size: number) => this.#setU32s([count, 0], [size, 0]),
      args_get: () => ERRNO.success,
      environ_sizes_get: (count: number, size: number) =>
        this.#setU32s([count, env.length], [size, env.reduce((n, e) => n + e.length, 0)]),
      environ_get: (pointers: number, buffer: number) => {
        for (const [i, entry] of env.entries()) {
          this.#bytes().set(entry, buffer);
          this.#view().setUint32(pointers + 4 * i, buffer, true);
          buffer += entry.length;
        }
        return ERRNO.success;
      },
      clock_time_get: (_id: number, _precision: bigint, out: number) => {
        this.#view().setBigUint64(out, 0n, true);
        return ERRNO.success;
      },
      random_get: (buffer: number, length: number) => {
        this.#bytes().set(this.#randomBytes(length), buffer);
        return ERRNO.success;
      },
      fd_write: (fd: number, iovs: number, count: number, written: number) => {
        if (this.#fds.get(fd)?.kind !== 'output') return ERRNO.badf;
        let total = 0;
        for (const [ptr, len] of this.#iovs(iovs, count)) {
          this.#output += new TextDecoder().decode(this.#bytes().subarray(ptr, ptr + len));
          total += len;
        }
        return this.#setU32s([written, total]);
      },
      fd_read: (fd: number, iovs: number, count: number, read: number) => {
        const file = this.#fds.get(fd);
        if (file?.kind !== 'stream' && file?.kind !== 'file') return ERRNO.badf;
        let total = 0;
        for (const [ptr, len] of this.#iovs(iovs, count)) {
          const chunk = file.data.subarray(file.pos, file.pos + len);
          this.#bytes().set(chunk, ptr);
          file.pos += chunk.length;
          total += chunk.length;
        }
        return this.#setU32s([read, total]);
      },
      fd_seek: (fd: number, offset: bigint, whence: number, out: number) => {
        const file = this.#fds.get(fd);
        if (file?.kind !== 'file') return ERRNO.badf;
        const base = [0, file.pos, file.data.length][whence];
        const pos = base === undefined ? -1 : base + Number(offset);
        if (pos < 0) return ERRNO.inval;
        file.pos = pos;
        this.#view().setBigUint64(out, BigInt(pos), true);
        return ERRNO.success;
      },
      fd_close: (fd: number) => (this.#fds.delete(fd) ? ERRNO.success : ERRNO.badf),
      fd_fdstat_get: (fd: number, out: number) => {
        const file = this.#fds.get(fd);
        if (!file) return ERRNO.badf;
        const type = file.kind === 'root' ? FILETYPE.directory : file.kind === 'file' ? FILETYPE.regularFile : FILETYPE.characterDevice;
        const view = this.#view();
        view.setUint8(out, type);
        view.setUint16(out + 2, 0, true);
        view.setBigUint64(out + 8, ALL_RIGHTS, true);
        view.setBigUint64(out + 16, ALL_RIGHTS, true);
        return ERRNO.success;
      },
      fd_fdstat_set_flags: () => ERRNO.success,
      fd_prestat_get: (fd: number, out: number) => {
        if (fd !== ROOT_FD) return ERRNO.badf;
        this.#view().setUint8(out, 0);
        return this.#setU32s([out + 4, 1]);
      },
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
        if (fd !== ROOT_FD || len < 1) return ERRNO.badf;
        this.#bytes()[ptr] = 0x2f; // "/"
        return ERRNO.success;
      },
      fd_readdir: () => ERRNO.nosys,
      path_filestat_get: (fd: number, _flags: number, ptr: number, len: number, out: number) => {
        if (fd !== ROOT_FD) return ERRNO.badf;
        const data = this.#file(this.#text(ptr, len));
        if (!data) return ERRNO.noent;
        const view = this.#view();
        this.#bytes().fill(0, out, out + 64);
        view.setUint8(out + 16, FILETYPE.regularFile);
        view.setBigUint64(out + 24, 1n, true);
        view.setBigUint64(out + 32, BigInt(data.length), true);
        return ERRNO.success;
      },
      path_open: (fd: number, _dirflags: number, ptr: number, len: number, oflags: number, _rb: bigint, _ri: bigint, _fdflags: number, out: number) => {
        if (fd !== ROOT_FD) return ERRNO.badf;
        if (oflags & OFLAGS.creat) return ERRNO.acces;
        const data = oflags & OFLAGS.directory ? undefined : this.#file(this.#text(ptr, len));
        if (!data) return ERRNO.noent;
        const opened = this.#nextFd++;
        this.#fds.set(opened, { kind: 'file', data, pos: 0 });
        return this.#setU32s([out, opened]);
      },
      path_remove_directory: () => ERRNO.acces,
      path_unlink_file: () => ERRNO.acces,
      proc_exit: (code: number) => {
        throw new InitExit(code);
      },
    };
  }

  /** A file by its path relative to `/`: an overlay, the kit, or a file of the folder (never above it). */
  #file(relative: string): Uint8Array | undefined {
    const segments: string[] = [];
    for (const segment of relative.split('/')) {
      if (segment === '..') segments.pop();
      else if (segment !== '' && segment !== '.') segments.push(segment);
    }
    const path = `/${segments.join('/')}`;
    const overlay = this.#options.files.get(path);
    if (overlay) return overlay;
    if (segments.at(-1) === 'romhost') return this.#options.kit;
    const host = join(this.#options.dir, ...segments);
    try {
      return statSync(host).isFile() ? readFileSync(host) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The next `length` bytes of SHA-256("romhost js build" ‖ block number), block after block. */
  #randomBytes(length: number): Uint8Array {
    while (this.#random.length < length) {
      const block = createHash('sha256').update(`romhost js build ${this.#randomBlocks++}`).digest();
      this.#random = Buffer.concat([this.#random, block]);
    }
    const taken = this.#random.subarray(0, length);
    this.#random = this.#random.subarray(length);
    return taken;
  }

  *#iovs(iovs: number, count: number): Generator<[ptr: number, len: number]> {
    for (let i = 0; i < count; i++) {
      const view = this.#view();
      yield [view.getUint32(iovs + 8 * i, true), view.getUint32(iovs + 8 * i + 4, true)];
    }
  }

  #setU32s(...pairs: [at: number, value: number][]): number {
    const view = this.#view();
    for (const [at, value] of pairs) view.setUint32(at, value, true);
    return ERRNO.success;
  }

  #text(ptr: number, len: number): string {
    return new TextDecoder().decode(this.#bytes().subarray(ptr, ptr + len));
  }

  #bytes(): Uint8Array {
    return new Uint8Array(this.#requireMemory().buffer);
  }

  #view(): DataView {
    return new DataView(this.#requireMemory().buffer);
  }

  #requireMemory(): WebAssembly.Memory {
    if (!this.#memory) throw new Error('InitWasi: bind(memory) before the first call');
    return this.#memory;
  }
}

/** The guest called proc_exit: StarlingMonkey does so after printing why its top level failed. */
export class InitExit extends Error {
  constructor(readonly code: number) {
    super(`exited with code ${code}`);
  }
}
