import type { CallPath, Component, CoreModuleInfo } from './types.js';

/**
 * What validating a component yields, as the cache keeps it: the Component without the hash
 * (the key holds it) and the label (each load names its own), plus jco's glue when the component
 * runs on the glue path (the fast path never needs it).
 */
export type ComponentRecord = Omit<Component, 'hash' | 'label'> & { readonly glue?: string };

export function encodeRecord(record: ComponentRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}

/**
 * The record, or undefined when the bytes are not one: sealed entries are intact, but a record
 * this code cannot read (a shape it does not know) must read as a miss too, never half a Component.
 */
export function decodeRecord(bytes: Uint8Array): ComponentRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { size, callPath, fastMain, glueReason, imports, exports, coreModules, glue } = value;
  if (typeof size !== 'number' || !isStrings(imports) || !isStrings(exports)) return undefined;
  if (!Array.isArray(coreModules) || !coreModules.every(isCoreModule)) return undefined;
  const path = onPath(callPath, fastMain, glueReason, glue);
  if (!path || (path.fastMain !== undefined && !coreModules.some((m) => m.name === path.fastMain))) return undefined;
  return { size, imports, exports, coreModules, ...path };
}

type PathFields = Pick<ComponentRecord, 'callPath' | 'fastMain' | 'glueReason' | 'glue'>;

/** The fast path names its main module; the glue path its reason and the glue it runs. */
function onPath(callPath: unknown, fastMain: unknown, glueReason: unknown, glue: unknown): PathFields | undefined {
  const path = callPath as CallPath;
  if (path === 'fast' && typeof fastMain === 'string') return { callPath: path, fastMain };
  if (path === 'glue' && typeof glueReason === 'string' && typeof glue === 'string') return { callPath: path, glueReason, glue };
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isCoreModule(v: unknown): v is CoreModuleInfo {
  return isObject(v) && typeof v['name'] === 'string' && typeof v['hash'] === 'string' && typeof v['size'] === 'number';
}
