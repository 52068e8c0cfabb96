import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost, findComponentDirs, parseScenario, readManifest, type Host } from '../host/index.js';
import { text } from './support/scenarios.js';

/**
 * One role, many languages (components/ROLES.md): every component whose component.json names a
 * role gives the same report changes for the same inputs, is invisible when restarted, and can be
 * hot-swapped for any other implementation in the middle of a run without a change downstream.
 */
interface Implementation {
  readonly name: string;
  readonly language: string;
  readonly wasm: string;
}

function implementations(role: 'counter' | 'kv'): Implementation[] {
  return findComponentDirs('components').flatMap((dir) => {
    const manifest = readManifest(dir);
    if (manifest.role !== role) return [];
    return [{ name: dir.split('/').pop()!, language: manifest.language, wasm: join(dir, manifest.wasm) }];
  });
}

const ROLES = {
  counter: {
    roms: '{ input: input/input, state: c/state }',
    reports: '[count, state]',
    input: 'input',
    inputs: ['a', 'b', 'b', '', 'ünïcødé', 'x'.repeat(5000), 'a', '', '42'],
  },
  kv: {
    roms: '{ command: input/command, state: c/state }',
    reports: '[state, view, size]',
    input: 'command',
    inputs: [
      'set b 2',
      'set a x y',
      'set a ',
      'set q "hi"\\\nok',
      'del b',
      'del zz',
      'SET a 1',
      'set k\u0000 v',
      'set a',
      '',
      'set ü ☃',
      'set z \u0001\u001f"',
      `set big ${'v'.repeat(3000)}`,
      'clear',
      'set a 1',
    ],
  },
} as const;

type Role = keyof typeof ROLES;

async function host(role: Role, wasm: string): Promise<{ host: Host; changes: string[] }> {
  const spec = ROLES[role];
  const yaml = `components: { impl: ${wasm} }
children: { c: { component: impl, roms: ${spec.roms}, reports: ${spec.reports} } }
`;
  const h = createHost();
  const changes: string[] = [];
  h.reports$.subscribe((c) => changes.push(`${c.step} ${c.source}=${JSON.stringify(text(c.content))}`));
  h.faults$.subscribe((f) => changes.push(`${f.step} fault ${f.message}`));
  await h.apply(parseScenario(yaml, join(process.cwd(), 'conformance.yaml')));
  return { host: h, changes };
}

/** Runs the role's inputs; `before(i)` may restart or swap the child before input i. */
async function run(role: Role, wasm: string, before?: (h: Host, i: number) => Promise<unknown>): Promise<string[]> {
  const { host: h, changes } = await host(role, wasm);
  const spec = ROLES[role];
  for (const [i, input] of spec.inputs.entries()) {
    await before?.(h, i);
    await h.publish(spec.input, input);
  }
  await h.close();
  // Step numbers shift with each restart or swap step: compare what downstream saw, in order.
  return changes.map((c) => c.replace(/^\d+ /, ''));
}

describe.each(['counter', 'kv'] as const)('role %s', (role) => {
  const impls = implementations(role);

  it('has implementations in several languages', () => {
    expect(new Set(impls.map((i) => i.language)).size).toBeGreaterThanOrEqual(role === 'counter' ? 2 : 4);
  });

  it('gives the same reports in every language', async () => {
    const runs = await Promise.all(impls.map(async (impl) => ({ impl: impl.name, changes: await run(role, impl.wasm) })));
    for (const r of runs.slice(1)) expect({ impl: r.impl, changes: r.changes }).toEqual({ impl: r.impl, changes: runs[0]!.changes });
    expect(runs[0]!.changes.some((c) => c.includes('fault'))).toBe(false);
  });

  it('is invisible when restarted before every input, in every language', async () => {
    for (const impl of impls) {
      const undisturbed = await run(role, impl.wasm);
      const restarted = await run(role, impl.wasm, (h) => h.restart('c'));
      expect({ impl: impl.name, changes: restarted }).toEqual({ impl: impl.name, changes: undisturbed });
    }
  });

  it('hot-swaps between languages mid-run with no change in the reports that follow', async () => {
    const undisturbed = await run(role, impls[0]!.wasm);
    // Before each input the child moves on to the next language, round and round.
    const swapped = await run(role, impls[0]!.wasm, (h, i) => h.swap('c', impls[(i + 1) % impls.length]!.wasm));
    expect(swapped).toEqual(undisturbed);
  });
});

describe('role kv', () => {
  it('follows the examples of components/ROLES.md', async () => {
    const examples: [command: string, view: string, size: string][] = [
      ['set b 2', '{"b":"2"}', '1'],
      ['set a x y', '{"a":"x y","b":"2"}', '2'],
      ['set a ', '{"a":"","b":"2"}', '2'],
      ['set q "hi"\\\nok', '{"a":"","b":"2","q":"\\"hi\\"\\\\\\u000aok"}', '3'],
      ['del b', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['del zz', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['SET a 1', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['clear', '{}', '0'],
    ];
    for (const impl of implementations('kv')) {
      const { host: h } = await host('kv', impl.wasm);
      expect([impl.name, text(h.read('c/view')), text(h.read('c/size')), h.read('c/state')?.length]).toEqual([impl.name, '{}', '0', 0]);
      for (const [command, view, size] of examples) {
        await h.publish('command', command);
        expect([impl.name, command, text(h.read('c/view')), text(h.read('c/size'))]).toEqual([impl.name, command, view, size]);
      }
      await h.publish('command', 'set k v');
      expect(text(h.read('c/state'))).toBe('k\u0000v\u0000');
      await h.close();
    }
  });
});
