import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { routeTable } from './route-table.js';
import { SourceValues } from './source-values.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const table = (yaml: string) => routeTable(parseScenario(yaml, resolve('inline.yaml')));

const ROOMS = `
components: { counter: components/counter-wat/counter-wat.wasm }
children:
  room/*:
    component: counter
    roms: { input: input/room/*/msg, state: room/*/state }
    reports: [count, state]
  lobby:
    component: counter
    roms: { input: input/lobby }
    reports: [count, state]
`;
const LOBBY_ONLY = ROOMS.replace(/ {2}room\/\*:[\s\S]*?reports: \[count, state\]\n/, '');

test("a source's owner: a member's report, an input its family routes to it; nothing else", () => {
  const values = new SourceValues();
  values.table = table(ROOMS);
  expect(values.ownerOf('room/42/count')).toBe('room/42');
  expect(values.ownerOf('input/room/42/msg')).toBe('room/42');
  expect(values.ownerOf('input/lobby')).toBeUndefined();
  expect(values.ownerOf('lobby/count')).toBeUndefined();
  expect(values.ownerOf('host/state')).toBeUndefined();
  expect(values.ownerOf('office/layouter/rules')).toBeUndefined(); // no family office/*
  values.table = table(LOBBY_ONLY);
  expect(values.ownerOf('room/42/count')).toBeUndefined();
});

test('every value reads the same under a new table, wherever it now belongs, packed ones included', () => {
  const values = new SourceValues();
  const set = (source: string, text: string) => values.home(source).set(source, bytes(text));
  set('input/room/1/msg', 'early'); // before any table: nobody's
  values.table = table(ROOMS);
  set('room/1/count', '1');
  set('input/room/2/msg', 'b');
  set('room/2/state', 's');
  set('lobby/count', '7');
  values.freeze('room/2');
  const before = values.sorted();
  expect(before.map(([s]) => s)).toEqual(['input/room/1/msg', 'input/room/2/msg', 'lobby/count', 'room/1/count', 'room/2/state']);
  expect(values.home('input/room/1/msg')).toBe(values.home('room/1/count')); // room 1's own map now

  values.table = table(LOBBY_ONLY);
  expect(values.get('input/room/1/msg')).toEqual(bytes('early'));
  expect(values.get('room/2/state')).toEqual(bytes('s')); // packed, and nobody's now
  expect(values.sorted()).toEqual(before);
  values.table = table(ROOMS);
  expect(values.sorted()).toEqual(before);
  expect(values.get('input/room/2/msg')).toEqual(bytes('b'));
  values.freeze('room/2');
  // A new component for the family leaves its members packed; a new input route unpacks them.
  values.table = table(ROOMS.replace('counter: components/counter-wat/counter-wat.wasm', 'counter: components/counter-c/counter-c.wasm'));
  expect(values.unpack('room/2')).toBe(true);
  values.endStep();
  values.freeze('room/2');
  values.table = table(ROOMS.replace('input: input/room/*/msg', 'input: input/room/*/in'));
  expect(values.get('input/room/2/msg')).toEqual(bytes('b'));
  expect(values.ownerOf('input/room/2/msg')).toBeUndefined();
  expect(values.unpack('room/2')).toBe(false); // unpacked already, by the new table
  values.table = table(ROOMS);
  expect(values.sorted()).toEqual(before);
  // Unpacked from its record, a member is known to exist until the step ends.
  values.freeze('room/2');
  expect(values.unpack('room/2')).toBe(true);
  expect(values.unpack('room/2')).toBe(true);
  values.endStep();
  expect(values.unpack('room/2')).toBe(false);
  expect(values.unpack('room/3')).toBe(false);
  values.delete('room/2/state');
  expect(values.get('room/2/state')).toBeUndefined();
  expect(values.sorted().length).toBe(4);
});
