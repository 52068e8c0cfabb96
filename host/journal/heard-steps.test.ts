import { describe, expect, it } from 'vitest';
import type { Fault } from '../index.js';
import { HeardSteps } from './heard-steps.js';
import { parseJournal } from './read-journal.js';
import { JOURNAL_HEADER } from './write-journal.js';

const enc = (text: string) => new TextEncoder().encode(text);
const lines = [
  JOURNAL_HEADER,
  { step: 1, kill: 'c' },
  { step: 1, lifecycle: 'stopped', child: 'c' },
  { step: 1, report: 'a/x', text: '1' },
  { step: 1, fault: { child: 'a', code: 'trap', message: 'child "a" trapped' } },
  { step: 2, input: 'input/i', text: 'z' },
  { step: 2, report: 'a/x', text: '2' },
  { step: 2, report: 'b/y', base64: Buffer.from([0xff]).toString('base64') },
];
const { steps } = parseJournal(enc(lines.map((l) => `${JSON.stringify(l)}\n`).join('')), 'j.journal');
const trap: Fault = { step: 1, child: 'a', code: 'trap', message: 'child "a" trapped' };

describe('HeardSteps', () => {
  it('hears steps that go as recorded, lifecycle entries passed over, what comes before its event included', () => {
    const heard = new HeardSteps(steps);
    // An apply's first reports come before its event: they begin the step all the same.
    heard.report(1, 'a/x', enc('1'));
    heard.event(1);
    heard.fault(trap);
    expect(heard.end()).toBeUndefined();
    heard.event(2);
    heard.report(2, 'a/x', enc('2'));
    heard.report(2, 'b/y', new Uint8Array([0xff]));
    expect(heard.end()).toBeUndefined();
  });

  it('keeps a step that differs as entries: what matched before it, then what came', () => {
    const heard = new HeardSteps(steps);
    heard.event(1);
    heard.report(1, 'a/x', enc('1'));
    heard.fault({ ...trap, message: 'child "a" trapped elsewhere' });
    expect(heard.end()).toEqual([
      { step: 1, report: 'a/x', text: '1' },
      { step: 1, fault: { child: 'a', code: 'trap', message: 'child "a" trapped elsewhere' } },
    ]);
    heard.event(2);
    heard.report(2, 'a/x', enc('2'));
    heard.report(2, 'b/y', new Uint8Array([0xfe]));
    expect(heard.end()).toEqual([
      { step: 2, report: 'a/x', text: '2' },
      { step: 2, report: 'b/y', base64: Buffer.from([0xfe]).toString('base64') },
    ]);
  });

  it('keeps a step that told less than the recording, and one past its end', () => {
    const heard = new HeardSteps(steps);
    heard.event(1);
    heard.report(1, 'a/x', enc('1'));
    expect(heard.end()).toEqual([{ step: 1, report: 'a/x', text: '1' }]);
    heard.event(2);
    expect(heard.end()).toEqual([]);
    heard.event(3);
    expect(heard.end()).toBeUndefined();
    heard.report(3, 'a/x', enc('3'));
    expect(heard.end()).toEqual([{ step: 3, report: 'a/x', text: '3' }]);
  });
});
