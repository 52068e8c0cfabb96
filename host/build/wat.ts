/** The WAT step: a core module in WebAssembly text → its binary, through jco's `parse`. */
import { fail } from '../errors.js';
import type { StepInput, StepOutput } from './languages.js';
import { readText } from './read-text.js';
import { oneLine, watSyntaxError } from './tool-message.js';

export async function compileWat(input: StepInput): Promise<StepOutput> {
  const { parse } = await import('@bytecodealliance/jco'); // lazily: ~0.8 s to import
  const text = readText(input.source, (reason, cause) => fail('build-failed', { file: input.source, reason }, cause));
  try {
    return { kind: 'core', bytes: await parse(text) };
  } catch (e) {
    const syntax = watSyntaxError(e);
    if (syntax) {
      return fail('build-failed', { file: `${input.source}:${syntax.line}:${syntax.column}`, reason: syntax.message }, e);
    }
    return fail('build-failed', { file: input.source, reason: oneLine(e) }, e);
  }
}
