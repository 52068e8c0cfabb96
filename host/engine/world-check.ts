import { fail } from '../errors.js';
import type { SplitComponent } from './split-component.js';

/**
 * The world romhost:component/state-machine@0.1.0 as jco types it. jco derives these declarations
 * from the component's own WIT types, so comparing them is comparing the WIT (wit/world.wit).
 */
const GRANTED: ReadonlyMap<string, { file: string; decl: string; wit: string }> = new Map([
  ['romhost:component/rom@0.1.0', {
    file: 'interfaces/romhost-component-rom.d.ts',
    decl: 'read(name: string): Uint8Array | undefined',
    wit: 'read: func(name: string) -> option<list<u8>>',
  }],
  ['romhost:component/report@0.1.0', {
    file: 'interfaces/romhost-component-report.d.ts',
    decl: 'submit(name: string, content: Uint8Array): void',
    wit: 'submit: func(name: string, content: list<u8>)',
  }],
]);
const UPDATE = { decl: 'update(changed: Array<string>): void', wit: 'update: func(changed: list<string>)' };

export interface WorldShape {
  /** Versioned WIT imports, sorted. */
  readonly imports: readonly string[];
  readonly exports: readonly string[];
}

/** Refuses a component of another world, naming the first import or export at fault. */
export function checkWorld(split: SplitComponent, file: string): WorldShape {
  // `ImportObject` in the world's declarations lists every import with its version.
  const imports = [...split.worldTypes.matchAll(/^\s*'([^']+)': typeof /gm)].map((m) => m[1]!).sort();
  for (const name of imports) {
    const granted = GRANTED.get(name);
    if (!granted) fail('foreign-import', { file, name });
    const found = functionsDeclared(split.interfaceTypes.get(granted.file) ?? '');
    if (found.length !== 1 || found[0] !== granted.decl) {
      fail('wrong-signature', { file, name, found: found.join('; ') || 'no functions', expected: granted.wit });
    }
  }
  const exports = split.exports.map(([name]) => name).sort();
  if (!split.exports.some(([name, kind]) => name === 'update' && kind === 'function')) fail('missing-export', { file });
  const update = /^\s*(update\(.*\): .*),$/m.exec(split.worldTypes)?.[1];
  if (update !== UPDATE.decl) {
    fail('wrong-signature', { file, name: 'export update', found: update ?? 'unknown', expected: UPDATE.wit });
  }
  return { imports, exports };
}

function functionsDeclared(dts: string): string[] {
  return [...dts.matchAll(/^export function (.*);$/gm)].map((m) => m[1]!);
}
