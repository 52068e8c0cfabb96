import { describe, expect, it } from 'vitest';
import { started, text } from './support/scenarios.js';

/**
 * Hostile components (test/hostile/) under the host: each misbehaves when its input is `go`.
 * Each fault names the child and what it did; the others go on; nothing accepted is lost.
 */
const HOSTILE = [
  'endless-loop',
  'memory-bomb',
  'giant-report',
  'report-storm',
  'undeclared-report',
  'deep-recursion',
  'trap-in-update',
  'trap-at-start',
  'unrouted-reader',
];

const SCENARIO = `
components:
  counter: components/counter-wat/counter-wat.wasm
${HOSTILE.map((name) => `  ${name}: test/hostile/${name}/${name}.wasm`).join('\n')}
children:
  counter: { component: counter, roms: { input: input/count, state: counter/state }, reports: [count, state] }
${HOSTILE.map((name) => `  ${name}: { component: ${name}, roms: { input: input/${name} }, reports: [ok${name === 'unrouted-reader' ? ', seen' : ''}]${name === 'giant-report' ? ', limits: { memory_mib: 128 }' : ''} }`).join('\n')}
limits: { fuel: 1000000, memory_mib: 16, report_kib: 1024 }
restart: { max: 0 }
`;

const EXPECTED: Record<string, [code: string, message: string] | undefined> = {
  'endless-loop': ['fuel-exhausted', 'child "endless-loop" ran out of fuel: more than 1000000 instructions in one update; raise limits.fuel or do less per update'],
  'memory-bomb': ['memory-exhausted', 'child "memory-bomb" trapped (unreachable) with its memory at its cap of 16 MiB: raise limits.memory_mib or use less'],
  'giant-report': ['report-too-large', 'child "giant-report": report "ok" is 102400 KiB, limit 1024 KiB: raise limits.report_kib or submit less'],
  'report-storm': ['too-many-reports', 'child "report-storm" submitted more than 64 reports in one update: submit each report once per update, or raise limits.reports_per_update'],
  'undeclared-report': ['undeclared-report', 'child "undeclared-report" submitted report "surprise", which the scenario does not declare (declared: ok): add it to the child\'s reports'],
  'deep-recursion': ['stack-overflow', 'child "deep-recursion" overflowed its call stack (deeper than 3000 calls): recurse less deeply'],
  'trap-in-update': ['trap', 'child "trap-in-update" trapped: unreachable'],
  'trap-at-start': undefined, // faults at start, below
  'unrouted-reader': undefined, // no fault: it just sees nothing
};

describe('hostile components', () => {
  it('start cleanly, except the one that traps at start', async () => {
    const { host, applied } = await started(SCENARIO);
    expect(applied.faults.map((f) => [f.child, f.code, f.message])).toEqual([['trap-at-start', 'start-failed', 'child "trap-at-start" could not start: unreachable']]);
    expect(Object.values(host.state.children).filter((c) => c.status !== 'running').map((c) => c.name)).toEqual(['trap-at-start']);
  });

  it.each(HOSTILE.filter((name) => EXPECTED[name] !== undefined))('%s: a fault naming the child, and the host goes on', async (name) => {
    const { host } = await started(SCENARIO);
    await host.publish('count', 'before');
    await host.publish(name, 'fine');
    expect(text(host.read(`${name}/ok`))).toBe('fine');
    const result = await host.publish(name, 'go');
    const [code, message] = EXPECTED[name]!;
    expect(result.faults.map((f) => [f.child, f.code, f.message])).toEqual([[name, code, message]]);
    expect(host.state.children[name]).toMatchObject({ status: 'quarantined', fault: { code, message } });
    // Its last report stays; the input it was given is kept; the others keep working.
    expect(text(host.read(`${name}/ok`))).toBe('fine');
    expect(text(host.read(`input/${name}`))).toBe('go');
    await host.publish('count', 'after');
    expect(text(host.read('counter/count'))).toBe('2');
    for (const other of HOSTILE.filter((n) => n !== name && n !== 'trap-at-start')) {
      expect(host.state.children[other]!.status).toBe('running');
    }
  });

  it('unrouted-reader: a ROM with no route reads as none', async () => {
    const { host } = await started(SCENARIO);
    await host.publish('count', 'secret'); // a value under another child's route
    const result = await host.publish('unrouted-reader', 'go');
    expect(result.faults).toEqual([]);
    expect(text(host.read('unrouted-reader/seen'))).toBe('none');
  });

  it('stop at the same point on every run (fuel and call depth are deterministic)', async () => {
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const { host, changes, faults } = await started(SCENARIO);
      for (const name of HOSTILE) await host.publish(name, 'go');
      runs.push([...changes, ...faults.map((f) => `${f.step} ${f.message}`), text(host.read('host/state'))!]);
    }
    expect(runs[1]).toEqual(runs[0]);
  });
});
