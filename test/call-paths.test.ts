import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHost, Engine, loadScenario, type ReportChange } from '../host/index.js';
import { text } from './support/scenarios.js';

/**
 * The fast path lifts and lowers the world by hand; jco's generated glue is the reference.
 * Every example runs through both on the same inputs, and every report change must agree: its
 * own session (`session.jsonl` or `inputs.jsonl`, as `romhost run --inputs` reads it) where it has
 * one, else INPUTS published to each of its inputs (a family's pattern is no input name: such an
 * example needs a session).
 */
const examples = readdirSync('examples').map((name) => `examples/${name}/scenario.yaml`);
const INPUTS = ['a', 'b', 'b', '7', '', '41', 'ünïcødé', 'x'.repeat(70_000), '0', 'a'];

function session(file: string, inputs: readonly string[]): [name: string, value: string][] {
  const lines = ['session.jsonl', 'inputs.jsonl'].map((name) => file.replace(/scenario\.yaml$/, name)).find((f) => existsSync(f));
  if (lines === undefined) return INPUTS.flatMap((value) => inputs.map((name): [string, string] => [name, value]));
  return readFileSync(lines, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { rom: string; text: string })
    .map(({ rom, text }) => [rom.slice('input/'.length), text]);
}

async function run(file: string, engine: Engine) {
  const scenario = await loadScenario(file);
  const inputs = [...new Set(scenario.children.flatMap((c) => Object.values(c.roms)).flatMap((s) => (s.kind === 'input' ? [s.name] : [])))].sort();
  const host = createHost({ engine });
  const changes: string[] = [];
  host.reports$.subscribe((c: ReportChange) => changes.push(`${c.step} ${c.source}=${text(c.content)}`));
  host.faults$.subscribe((f) => changes.push(`${f.step} fault ${f.message}`));
  await host.apply(scenario);
  for (const [name, value] of session(file, inputs)) await host.publish(name, value);
  const paths = Object.values(host.state.children).map((c) => c.callPath);
  await host.close();
  return { changes, paths, inputs };
}

describe('fast path and jco glue', () => {
  it.each(examples)('agree on %s', async (file) => {
    const fast = await run(file, new Engine());
    const glue = await run(file, new Engine({ callPath: 'glue' }));
    expect(fast.paths.every((p) => p === 'fast')).toBe(true);
    expect(glue.paths.every((p) => p === 'glue')).toBe(true);
    expect(fast.inputs.length).toBeGreaterThan(0);
    expect(fast.changes.length).toBeGreaterThan(INPUTS.length);
    expect(fast.changes).toEqual(glue.changes);
  });
});
