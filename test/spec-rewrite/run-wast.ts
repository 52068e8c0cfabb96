import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RewriteError } from '../../host/engine/rewrite/index.js';
import type { Command } from './commands.js';
import { leftOut, type LeftOut } from './scope.js';
import { Script, type Outcome, type Prepare } from './script.js';
import type { Converted } from './wast-to-json.js';

export interface WastRun {
  /** Commands by type: how many ran, and how many passed in each run. */
  readonly counts: ReadonlyMap<string, { total: number; original: number; rewritten: number }>;
  /** `text` modules of assert_malformed / assert_invalid: no binary, nothing to rewrite. */
  readonly textOnly: number;
  /** Commands left out of both runs (scope.ts), with why. */
  readonly leftOut: readonly (LeftOut & { readonly line: number })[];
  /** `LINE type (run): why`, for every command that failed in either run. */
  readonly failures: readonly string[];
}

type Rewritten = Prepare & { readonly mode: 'rewritten' };

/**
 * Runs a converted script twice, on the original modules and on rewritten ones, and checks
 * every command in both: the rewritten run must pass where the original does, and trap or
 * refuse to link with the same V8 message. A module listed in `refusedByRewrite` (by line) must
 * be refused by the rewrite, and is left out with what needs it.
 */
export async function runWast(converted: Converted, rewritten: Rewritten, refusedByRewrite: ReadonlyMap<number, string>): Promise<WastRun> {
  const binary = converted.commands.filter((c) => !('module_type' in c && c.module_type === 'text'));
  const skipped = leftOut(binary, converted.dir, converted, refusedByRewrite);
  const counts = new Map<string, { total: number; original: number; rewritten: number }>();
  const failures: string[] = [];
  const reference: (Outcome | undefined)[] = [];
  for (const prepare of [{ mode: 'original' } as const, rewritten]) {
    const key = prepare.mode;
    const script = new Script(converted.dir, prepare);
    for (const [i, command] of binary.entries()) {
      const skip = skipped.get(i);
      if (skip) {
        if (skip.kind === 'rewrite' && key === 'rewritten') {
          const refusal = await refusedAsListed(command, converted.dir, rewritten);
          if (refusal) failures.push(`${command.line} ${command.type}: ${refusal}`);
        }
        continue;
      }
      let outcome: Outcome;
      try {
        outcome = await script.run(command, reference[i]);
      } catch (e) {
        outcome = { failure: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
      }
      if (key === 'original') reference[i] = outcome;
      const count = counts.get(command.type) ?? { total: 0, original: 0, rewritten: 0 };
      counts.set(command.type, count);
      if (key === 'original') count.total++;
      if (outcome.failure === undefined) count[key]++;
      else failures.push(`${command.line} ${command.type} (${key}): ${outcome.failure}`);
    }
  }
  return {
    counts,
    textOnly: converted.commands.length - binary.length,
    leftOut: [...skipped].map(([i, s]) => ({ ...s, line: binary[i]!.line })),
    failures,
  };
}

/** Why a module listed as refused by the rewrite is not refused (undefined when it is). */
async function refusedAsListed(command: Command, dir: string, rewritten: Rewritten): Promise<string | undefined> {
  if (!('filename' in command)) return 'listed as refused by the rewrite, but it is not a module';
  try {
    await rewritten.rewrite(new Uint8Array(readFileSync(join(dir, command.filename))));
  } catch (e) {
    return e instanceof RewriteError ? undefined : `the rewrite failed without a RewriteError: ${String(e)}`;
  }
  return 'listed as refused by the rewrite, but the rewrite takes it now: take it off the list';
}
