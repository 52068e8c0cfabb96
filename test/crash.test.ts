import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashTrials, reportsOf } from '../bench/crash-trials.js';
import { tempDirs } from './support/temp-dirs.js';

/**
 * The crash test (DESIGN §3.7): a host on an lmdb store in a child process, killed with SIGKILL at
 * seeded random points of a run and started again on the same store. No acknowledged input may be
 * lost, none may be taken twice, and the run must end with the reports of a run never interrupted.
 * CI deals 200 kills (two chains of 100, side by side); `npm run bench -- crash` deals 1,000.
 */

const root = process.cwd();
const SCENARIO = 'examples/counter/scenario.yaml';
const inputs = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ rom: 'input/input', text: `v${i + 1}` }));

const freshDir = tempDirs('romhost-crash-inputs-');

describe('a host killed with SIGKILL and started again on its store', () => {
  it('loses no acknowledged input in 200 kills, takes none twice, and ends as a run never killed', async () => {
    const file = join(freshDir(), 'inputs.jsonl');
    writeFileSync(file, inputs.join('\n'));
    const uninterrupted = await reportsOf(root, ['run', SCENARIO, '--inputs', file, '--once']);
    expect(uninterrupted['counter/count']).toBe(String(inputs.length));

    const chains = await Promise.all([1, 2].map((seed) => crashTrials({ root, scenario: SCENARIO, inputs, kills: 100, seed })));
    for (const chain of chains) {
      expect(chain.kills).toBe(100);
      expect(chain.lost).toEqual([]);
      // Each start found at least what the one before had acknowledged, and the kills fell all along the run.
      expect(chain.resumedAt).toEqual([...chain.resumedAt].sort((a, b) => a - b));
      expect(new Set(chain.resumedAt).size).toBeGreaterThan(20);
      expect(chain.journalInputs).toEqual(inputs.map((_, i) => `v${i + 1}`));
      expect(chain.reports).toEqual(uninterrupted);
    }
  }, 900_000);
});
