import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, scaffoldLanguages } from '../host/index.js';
import { romhost } from './support/cli.js';

describe('romhost new', () => {
  it('has a template for every language the builder knows', () => {
    expect(scaffoldLanguages()).toEqual(LANGUAGES);
  });

  it.each(scaffoldLanguages())('scaffolds a %s counter that builds and passes its smoke scenario', async (language) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'romhost-new-')), 'hello-world');
    const made = await romhost(['new', 'hello-world', '--lang', language, '--dir', dir]);
    expect(made.stderr).not.toMatch(/error/i);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(new RegExp(`^${dir}: ${language} component built \\(\\d+ bytes\\) and smoke-tested`));
    const run = await romhost(['run', join(dir, 'smoke.yaml'), '--input', 'input=a', '--input', 'input=b', '--input', 'input=a', '--once']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ reports: { 'hello-world/count': '3', 'hello-world/state': '3\na' }, faults: [] });
  }, 180_000);

  it('refuses a bad name, a folder in use and an unknown language, in one line each', async () => {
    const base = mkdtempSync(join(tmpdir(), 'romhost-new-'));
    writeFileSync(join(base, 'taken'), 'x');
    const cases: [string[], RegExp][] = [
      [['new', 'Bad_Name', '--lang', 'wat', '--dir', join(base, 'a')], /^romhost: romhost new: name "Bad_Name": use lowercase letters, digits and -/],
      [['new', 'ok', '--lang', 'wat', '--dir', base], /^romhost: romhost new: .*: the folder exists and is not empty/],
      [['new', 'ok', '--lang', 'cobol', '--dir', join(base, 'b')], /^romhost: romhost new: --lang cobol: choose one of (\w+, )+\w+$/m],
    ];
    for (const [args, message] of cases) {
      const r = await romhost(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
