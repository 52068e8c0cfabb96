import { utf8 } from '../utf8.js';
import type { ScenarioFile } from './schema.js';

type ConfigValue = NonNullable<ScenarioFile['children'][string]['config']>[string];


/**
 * The bytes of an inline config ROM: a string is its UTF-8 bytes (so text ROMs need no quoting),
 * anything else its compact JSON, which every component language can read.
 */
export function encodeConfig(value: ConfigValue): Uint8Array {
  return utf8(typeof value === 'string' ? value : JSON.stringify(value));
}
