import { expect, test } from 'vitest';
import { MemberValues } from './member-values.js';

const bytes = (text: string) => new TextEncoder().encode(text);

test("a member's values, unpacked, packed as it hibernates and unpacked again, read the same throughout", () => {
  const members = new MemberValues();
  members.unpacked('room/7').set('room/7/count', bytes('1'));
  members.unpacked('room/7').set('input/room/7/msg', bytes('a'));
  members.unpacked('room/8').set('room/8/count', bytes('5'));
  const all = () => new Map(members.entries());
  const before = all();
  expect(members.value('room/7', 'room/7/count')).toEqual(bytes('1'));

  members.freeze('room/7');
  expect([...members.unpackedMembers()].map(([m]) => m)).toEqual(['room/8']);
  expect(members.value('room/7', 'input/room/7/msg')).toEqual(bytes('a'));
  expect(members.value('room/7', 'room/7/state')).toBeUndefined();
  expect(all()).toEqual(before);

  // Unpacked from its record: the step that does it knows the member exists (router.ts clears it).
  expect(members.thawed).toBeUndefined();
  expect(members.unpacked('room/7').get('room/7/count')).toEqual(bytes('1'));
  expect(members.thawed).toBe('room/7');
  expect(all()).toEqual(before);

  // One that never had a record is unpacked empty, and known to nobody.
  members.thawed = undefined;
  expect(members.unpacked('room/9').size).toBe(0);
  expect(members.thawed).toBeUndefined();
});

test('a value forgotten is gone whether its member was packed or not; a member with no values keeps no record', () => {
  const members = new MemberValues();
  members.unpacked('room/1').set('room/1/count', bytes('1'));
  members.unpacked('room/1').set('room/1/state', bytes('s'));
  members.freeze('room/1');
  members.delete('room/1', 'room/1/count');
  expect(members.value('room/1', 'room/1/count')).toBeUndefined();
  expect(members.value('room/1', 'room/1/state')).toEqual(bytes('s'));
  members.delete('room/1', 'room/1/state');
  members.freeze('room/1');
  expect([...members.entries()]).toEqual([]);
  // Forgetting a value of a member that has none unpacks nothing.
  members.delete('room/2', 'room/2/count');
  expect([...members.unpackedMembers()]).toEqual([]);
});
