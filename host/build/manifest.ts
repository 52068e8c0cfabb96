/**
 * component.json: what a component folder holds and how to build it. Paths in it are relative
 * to the folder.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../errors.js';
import { LANGUAGES } from './languages.js';
import { readText } from './read-text.js';

export const MANIFEST_FILE = 'component.json';

const manifestSchema = z.strictObject({
  language: z.enum(LANGUAGES),
  /** The source file handed to the language's step. */
  source: z.string().min(1),
  /** Where the built bytes go. */
  wasm: z.string().regex(/\.wasm$/, 'expected a file name ending in .wasm'),
  /** The WIT file to build against; default romhost's wit/world.wit. */
  wit: z.string().min(1).optional(),
  /** The world in that WIT; default state-machine. */
  world: z.string().min(1).optional(),
  /** Emit the core module only, not wrapped as a component (for test fixtures). */
  core: z.boolean().optional(),
  /**
   * The role it implements (components/ROLES.md): every component of one role must give the
   * same reports for the same inputs, which test/conformance.test.ts checks across languages.
   */
  role: z.enum(['counter', 'kv']).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** Reads and validates `DIR/component.json`; a fault names the file and the field. */
export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  const text = readText(file, (reason, cause) => fail('manifest-unreadable', { file, reason }, cause));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail('manifest-invalid', { file, detail: `not JSON (${(e as Error).message})` }, e);
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}": ` : '';
  return fail('manifest-invalid', { file, detail: `${where}${issue?.message ?? 'invalid'}` });
}
