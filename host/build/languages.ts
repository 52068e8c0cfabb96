/**
 * One step per source language: source file → WebAssembly bytes. A step that emits a core module
 * leaves the wrapping as a component (against the manifest's world) to build.ts; a toolchain that
 * emits a component itself says so. Adding a language is one entry here.
 */
import { compileAssemblyScript } from './as.js';
import { compileC } from './c.js';
import { compileJs } from './js.js';
import { compileRust } from './rust.js';
import { compileWat } from './wat.js';

export interface StepInput {
  /** The component folder. */
  readonly dir: string;
  /** The source file, `dir` joined with the manifest's `source`. */
  readonly source: string;
  /** For slow toolchains: one line per stage, shown on a terminal. */
  readonly onProgress: (line: string) => void;
}

export interface StepOutput {
  readonly kind: 'core' | 'component';
  readonly bytes: Uint8Array;
}

export type LanguageStep = (input: StepInput) => Promise<StepOutput>;

const STEPS = {
  as: compileAssemblyScript,
  c: compileC,
  js: compileJs,
  rust: compileRust,
  wat: compileWat,
} as const satisfies Record<string, LanguageStep>;

export type Language = keyof typeof STEPS;

export const LANGUAGES = Object.keys(STEPS) as [Language, ...Language[]];

export function languageStep(language: Language): LanguageStep {
  return STEPS[language];
}
