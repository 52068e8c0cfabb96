import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRomhostError } from '../host/errors.js';
import { defaultCacheDir } from '../host/engine/cache-location.js';
import { engineCodeVersion } from '../host/engine/code-version.js';
import { decodeRecord, encodeRecord } from '../host/engine/component-record.js';
import { DirectoryCache } from '../host/engine/directory-cache.js';
import { Engine, type Component, type EngineCache } from '../host/engine/index.js';
import { seal, unseal } from '../host/engine/sealed-entry.js';

const counter = readFileSync('components/counter-wat/counter-wat.wasm');
const echo = readFileSync('test/fixtures/echo-cm32p2/echo-cm32p2.wasm');
const encoder = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'romhost-engine-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The reports of one instance fed `inputs` on ROM `input`, its state routed back as the host would. */
function run(engine: Engine, component: Component, inputs: readonly string[], memoryMib = 256): string[] {
  const roms = new Map<string, Uint8Array>();
  const reports: string[] = [];
  const instance = engine.instantiate(
    component,
    { read: (name) => roms.get(name), submit: (name, content) => void reports.push(`${name}=${text(content)}`) },
    { fuel: 10_000_000, memoryMib },
  );
  instance.update([]);
  for (const input of inputs) {
    roms.set('input', encoder.encode(input));
    instance.update(['input']);
    const state = reports.findLast((r) => r.startsWith('state='));
    if (state) roms.set('state', encoder.encode(state.slice('state='.length)));
  }
  return reports;
}

const entries = (dir: string) => readdirSync(dir).sort();

describe('DirectoryCache', () => {
  it('keeps bytes by key and says when it has none', async () => {
    const cache = new DirectoryCache(join(tempDir(), 'made-on-first-put'));
    expect(await cache.get('a/b')).toBeUndefined();
    await cache.put('a/b', encoder.encode('one'));
    await cache.put('a/c', encoder.encode('two'));
    await cache.put('a/b', encoder.encode('three'));
    expect(text((await cache.get('a/b'))!)).toBe('three');
    expect(text((await cache.get('a/c'))!)).toBe('two');
    expect(entries(cache.dir)).toHaveLength(2);
  });

  it('takes many writers of one entry at once, leaving one whole entry and no temporary file', async () => {
    const cache = new DirectoryCache(tempDir());
    const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
    await Promise.all(Array.from({ length: 40 }, () => cache.put('same', bytes)));
    expect(new Uint8Array((await cache.get('same'))!)).toEqual(bytes);
    expect(entries(cache.dir)).toHaveLength(1);
  });

  it('fails reads and writes it cannot do (the engine takes them for misses)', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const cache = new DirectoryCache(join(file, 'cache'));
    await expect(cache.get('k')).rejects.toThrow(/ENOTDIR/);
    await expect(cache.put('k', new Uint8Array(1))).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('sealed entries', () => {
  const payload = encoder.encode('the payload');
  const entry = seal('key', payload);

  it('open to their payload under their own key only', () => {
    expect(unseal('key', entry)).toEqual(payload);
    expect(unseal('key2', entry)).toBeUndefined();
    expect(unseal('key', seal('key', new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('read as nothing when truncated, altered or not entries at all', () => {
    for (let n = 0; n < entry.length; n++) expect(unseal('key', entry.subarray(0, n))).toBeUndefined();
    for (let i = 0; i < entry.length; i++) {
      const altered = entry.slice();
      altered[i]! ^= 1;
      expect(unseal('key', altered)).toBeUndefined();
    }
    expect(unseal('key', payload)).toBeUndefined();
  });
});

describe('component records', () => {
  const record = { size: 3, imports: ['a'], exports: ['update'], coreModules: [{ name: 'm', hash: 'h', size: 1 }] };

  it('read back what was written, on either path', () => {
    const fast = { ...record, callPath: 'fast' as const, fastMain: 'm' };
    const glue = { ...record, callPath: 'glue' as const, glueReason: 'why', glue: 'export function instantiate() {}' };
    expect(decodeRecord(encodeRecord(fast))).toEqual(fast);
    expect(decodeRecord(encodeRecord(glue))).toEqual(glue);
  });

  it('refuse a shape they do not know', () => {
    for (const bad of [
      { ...record, callPath: 'fast', fastMain: 'elsewhere' },
      { ...record, callPath: 'glue', glueReason: 'why' },
      { ...record, callPath: 'other', fastMain: 'm' },
      { ...record, callPath: 'fast', fastMain: 'm', imports: [1] },
      { ...record, callPath: 'fast', fastMain: 'm', coreModules: [{ name: 'm' }] },
      [],
      null,
    ]) {
      expect(decodeRecord(encoder.encode(JSON.stringify(bad)))).toBeUndefined();
    }
    expect(decodeRecord(encoder.encode('{"size":'))).toBeUndefined();
    expect(decodeRecord(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });
});

describe('where the cache lives', () => {
  it('is a temporary folder for this test run (test/global-setup.ts), never the home cache', () => {
    expect(defaultCacheDir()).toContain(join(tmpdir(), 'romhost-test-cache-'));
  });

  it('is $ROMHOST_CACHE, else $XDG_CACHE_HOME/romhost, else ~/.cache/romhost; off when asked', () => {
    expect(defaultCacheDir({ ROMHOST_CACHE: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(defaultCacheDir({ ROMHOST_CACHE: 'rel' })).toBe(join(process.cwd(), 'rel'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/romhost');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/romhost$/);
    expect(defaultCacheDir({})).toMatch(/\.cache\/romhost$/);
    expect(defaultCacheDir({ ROMHOST_CACHE: '' })).toMatch(/\.cache\/romhost$/);
    for (const off of ['off', 'OFF', '0', 'false', 'none']) expect(defaultCacheDir({ ROMHOST_CACHE: off })).toBeUndefined();
  });

  it("is what new Engine({ cache: 'default' }) uses, and nothing when it is off", async () => {
    const saved = process.env['ROMHOST_CACHE'];
    const dir = tempDir();
    try {
      process.env['ROMHOST_CACHE'] = dir;
      await new Engine({ cache: 'default' }).load(counter, 'counter-wat.wasm');
      expect(entries(dir)).toHaveLength(2);
      process.env['ROMHOST_CACHE'] = 'off';
      expect(new Engine({ cache: 'default' }).cacheStats()).toBeUndefined();
    } finally {
      process.env['ROMHOST_CACHE'] = saved;
    }
    expect(new Engine().cacheStats()).toBeUndefined();
    expect(new Engine({ cache: false }).cacheStats()).toBeUndefined();
  });
});

describe('the engine on a cache', () => {
  it('loads the same bytes in a second engine from the cache alone, with the same behaviour', async () => {
    const dir = tempDir();
    const first = new Engine({ cache: new DirectoryCache(dir) });
    const a = await first.load(counter, 'counter-wat.wasm');
    expect(first.cacheStats()).toMatchObject({ hits: 0, misses: 2, writes: 2 }); // the component, its main module
    const second = new Engine({ cache: new DirectoryCache(dir) });
    const b = await second.load(new Uint8Array(counter), 'again.wasm');
    expect(second.cacheStats()).toEqual({ hits: 2, misses: 0, damaged: 0, writes: 0, errors: 0 });
    expect({ ...b, label: a.label }).toEqual(a);
    expect(b.label).toBe('again.wasm');
    const inputs = ['a', 'b', 'b', 'x'.repeat(100_000), ''];
    expect(run(second, b, inputs)).toEqual(run(first, a, inputs));
  });

  it('keys modules by memory cap and rewriting, components by call path', async () => {
    const dir = tempDir();
    const load = async (options: ConstructorParameters<typeof Engine>[0], memoryMib = 256) => {
      const engine = new Engine({ ...options, cache: new DirectoryCache(dir) });
      await engine.load(counter, 'counter-wat.wasm', { memoryMib });
      return engine.cacheStats()!;
    };
    expect(await load({})).toMatchObject({ hits: 0, writes: 2 });
    expect(await load({}, 16)).toMatchObject({ hits: 1, misses: 1, writes: 1 }); // a new cap: one module rewritten
    expect(await load({ rewrite: false })).toMatchObject({ hits: 1, misses: 1, writes: 1 }); // the module as it is
    // jco's glue needs every core module, its main one too: the fast path's imports its memory (engine's README, Pooled memory).
    expect(await load({ callPath: 'glue' })).toMatchObject({ hits: 0, misses: 4, writes: 4 });
    expect(entries(dir)).toHaveLength(8);
    for (const options of [{}, { rewrite: false }, { callPath: 'glue' as const }]) {
      expect(await load(options)).toMatchObject({ misses: 0, writes: 0 });
    }
    expect(await load({}, 16)).toMatchObject({ misses: 0, writes: 0 });
  });

  it('runs a component on the glue path from the cache, glue and all', async () => {
    const dir = tempDir();
    for (const expected of [{ hits: 0, writes: 4 }, { hits: 4, writes: 0 }]) {
      const engine = new Engine({ cache: new DirectoryCache(dir) });
      const component = await engine.load(echo, 'echo-cm32p2.wasm');
      expect(engine.cacheStats()).toMatchObject(expected);
      expect(component.callPath).toBe('glue');
      expect(run(engine, component, ['hello'])).toEqual(['echo=hello']);
    }
  });

  it('takes a damaged entry for a miss and writes it again', async () => {
    const dir = tempDir();
    await new Engine({ cache: new DirectoryCache(dir) }).load(counter, 'counter-wat.wasm');
    const [one, two] = entries(dir).map((name) => join(dir, name));
    const damages: [string, (file: string) => void][] = [
      ['truncated', (file) => writeFileSync(file, readFileSync(file).subarray(0, 100))],
      ['a byte changed', (file) => writeFileSync(file, readFileSync(file).map((b, i) => (i === 60 ? b ^ 0x10 : b)))],
      ['another entry', (file) => cpSync(file === one ? two! : one!, file)],
      ['empty', (file) => writeFileSync(file, '')],
    ];
    for (const [what, damage] of damages) {
      for (const file of [one!, two!]) {
        damage(file);
        const engine = new Engine({ cache: new DirectoryCache(dir) });
        const component = await engine.load(counter, 'counter-wat.wasm');
        expect([what, engine.cacheStats()]).toMatchObject([what, { hits: 1, misses: 1, damaged: 1, writes: 1 }]);
        expect(run(engine, component, ['a', 'b'])).toEqual(['count=0', 'state=0', 'count=1', 'state=1\na', 'count=2', 'state=2\nb']);
      }
    }
    const healed = new Engine({ cache: new DirectoryCache(dir) });
    await healed.load(counter, 'counter-wat.wasm');
    expect(healed.cacheStats()).toMatchObject({ hits: 2, misses: 0 });
  });

  it('never keeps a refusal: a bad component gets its typed error on every load', async () => {
    const dir = tempDir();
    const printer = readFileSync('test/fixtures/printer/printer.wasm');
    for (let i = 0; i < 2; i++) {
      const error = await new Engine({ cache: new DirectoryCache(dir) }).load(printer, 'printer.wasm').catch((e: unknown) => e);
      expect(isRomhostError(error) && error.code).toBe('foreign-import');
    }
    expect(entries(dir)).toEqual([]);
    // A module the rewrite refuses (a memory minimum above a cap of 0): the component validated
    // and is kept, the refusal is not.
    for (let i = 0; i < 2; i++) {
      const error = await new Engine({ cache: new DirectoryCache(dir) }).load(counter, 'counter-wat.wasm', { memoryMib: 0 }).catch((e: unknown) => e);
      expect(isRomhostError(error) && error.code).toBe('core-module-refused');
    }
    expect(entries(dir)).toHaveLength(1);
  });

  it('runs without a cache that fails, and says so once', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      const engine = new Engine({ cache: new DirectoryCache(join(file, 'cache')) });
      const component = await engine.load(counter, 'counter-wat.wasm');
      expect(engine.cacheStats()).toMatchObject({ hits: 0, misses: 2, writes: 0, errors: 4 });
      expect(run(engine, component, ['a'])).toContain('count=1');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^romhost: the engine cache .* cannot be read: .*ENOTDIR/)]);
  });

  it('serves any EngineCache, e.g. one in memory', async () => {
    const map = new Map<string, Uint8Array>();
    const memory: EngineCache = { get: async (key) => map.get(key), put: async (key, bytes) => void map.set(key, bytes) };
    await new Engine({ cache: memory }).load(counter, 'counter-wat.wasm');
    expect([...map.keys()].every((key) => key.startsWith('romhost-engine/'))).toBe(true);
    const engine = new Engine({ cache: memory });
    await engine.load(counter, 'counter-wat.wasm');
    expect(engine.cacheStats()).toMatchObject({ hits: 2, misses: 0 });
  });
});

describe('the code version in every key', () => {
  it('changes with the rewrite code, and only with the code', async () => {
    const copy = join(tempDir(), 'engine');
    cpSync('host/engine', copy, { recursive: true });
    const version = await engineCodeVersion(copy);
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(await engineCodeVersion(copy)).toBe(version);
    writeFileSync(join(copy, 'rewrite/rewrite.test.ts'), 'tests are not the code that runs');
    expect(await engineCodeVersion(copy)).toBe(version);
    writeFileSync(join(copy, 'rewrite/fuel.ts'), `${readFileSync(join(copy, 'rewrite/fuel.ts'), 'utf8')}\n// one more line\n`);
    expect(await engineCodeVersion(copy)).not.toBe(version);
  });
});
