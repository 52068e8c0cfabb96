import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The point of the engine cache: a second process starting the same components imports neither
 * jco nor binaryen. Each run is the built CLI (dist/, test/global-setup.ts builds it) under an ESM
 * loader hook that logs every module URL resolved, to a file: the cold run must show jco and
 * binaryen loading (so the probe sees them when they do), the warm run must not.
 */
const dir = mkdtempSync(join(tmpdir(), 'romhost-cache-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';
register('./log-imports.mjs', import.meta.url, { data: { log: process.env.IMPORT_LOG } });
`);
writeFileSync(join(dir, 'log-imports.mjs'), `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`);

const JCO = /\/node_modules\/@bytecodealliance\/jco\//;
const BINARYEN = /\/node_modules\/binaryen\//;
let runs = 0;

/** `romhost ARGS` with the engine cache in `cache`; its stdout and the modules it imported. */
async function romhost(cache: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; imported: string[] }> {
  const log = join(dir, `imports-${++runs}.log`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', join(dir, 'register.mjs'), 'dist/host/cli/main.js', ...args],
    { env: { ...process.env, ...env, ROMHOST_CACHE: cache, IMPORT_LOG: log } },
  );
  return { stdout, imported: readFileSync(log, 'utf8').split('\n') };
}

const tools = (imported: readonly string[]) => ({
  jco: imported.some((url) => JCO.test(url)),
  binaryen: imported.some((url) => BINARYEN.test(url)),
});

describe('a second start of the same components', { timeout: 120_000 }, () => {
  const counter = ['run', 'examples/counter/scenario.yaml', '--input', 'input=a', '--once'];

  it('imports neither jco nor binaryen (the counter example, fast path)', async () => {
    const cache = join(dir, 'counter');
    const cold = await romhost(cache, counter);
    expect(tools(cold.imported)).toEqual({ jco: true, binaryen: true });
    const warm = await romhost(cache, counter);
    expect(tools(warm.imported)).toEqual({ jco: false, binaryen: false });
    expect(warm.imported.some((url) => url.endsWith('/dist/host/engine/engine.js'))).toBe(true);
    expect(warm.stdout).toBe(cold.stdout);
    expect(JSON.parse(warm.stdout)).toMatchObject({ reports: { 'counter/count': '1', 'plus-one/out': '2' }, faults: [] });
  });

  it('imports neither on the glue path either (jco glue kept in the cache)', async () => {
    const scenario = join(dir, 'echo.yaml');
    writeFileSync(scenario, `components: { echo: ${resolve('test/fixtures/echo-cm32p2/echo-cm32p2.wasm')} }
children: { echo: { component: echo, roms: { input: input/input }, reports: [echo] } }
`);
    const cache = join(dir, 'echo');
    const args = ['run', scenario, '--input', 'input=hello', '--once'];
    const cold = await romhost(cache, args);
    const warm = await romhost(cache, args);
    expect([tools(cold.imported), tools(warm.imported)]).toEqual([{ jco: true, binaryen: true }, { jco: false, binaryen: false }]);
    expect(JSON.parse(warm.stdout)).toEqual({ reports: { 'echo/echo': 'hello' }, faults: [] });
  });

  it('after several cold processes filled the same cache at once', async () => {
    const cache = join(dir, 'concurrent');
    const colds = await Promise.all(Array.from({ length: 3 }, () => romhost(cache, counter)));
    expect(new Set(colds.map((c) => c.stdout)).size).toBe(1);
    expect(readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const warm = await romhost(cache, counter);
    expect(tools(warm.imported)).toEqual({ jco: false, binaryen: false });
    expect(warm.stdout).toBe(colds[0]!.stdout);
  });

  it('is cold every time with ROMHOST_CACHE=off, which writes nothing', async () => {
    const xdg = join(dir, 'xdg'); // where the cache would be by default
    expect(tools((await romhost('off', counter, { XDG_CACHE_HOME: xdg })).imported)).toEqual({ jco: true, binaryen: true });
    expect(existsSync(xdg)).toBe(false);
  });
});
