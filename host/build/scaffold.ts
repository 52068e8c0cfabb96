/**
 * `romhost new`: a component folder from its language's template (kits/LANG/template, a counter),
 * with `{{name}}` replaced in file names and contents, and a smoke scenario beside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fail } from '../errors.js';
import { LANGUAGES, type Language } from './languages.js';
import { romhostWorldWit } from './world-wit.js';

const NAME = /^[a-z][a-z0-9-]*$/;
const PLACEHOLDER = /\{\{name\}\}/g;

/** The scenario every new component is smoke-tested with: a counter over its own state. */
export const SMOKE_SCENARIO = 'smoke.yaml';

export interface Scaffolded {
  readonly dir: string;
  /** The files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
}

/** The languages that have a template. */
export function scaffoldLanguages(): Language[] {
  return LANGUAGES.filter((language) => existsSync(templateDir(language)));
}

export function scaffoldComponent(name: string, language: Language, dir: string): Scaffolded {
  if (!NAME.test(name)) fail('scaffold-invalid', { what: `name "${name}"`, detail: 'use lowercase letters, digits and -, starting with a letter (e.g. my-counter)' });
  const template = templateDir(language);
  if (!existsSync(template)) {
    fail('scaffold-invalid', { what: `language ${language}`, detail: `it has no template yet; languages with one: ${scaffoldLanguages().join(', ')}` });
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) fail('scaffold-invalid', { what: dir, detail: 'the folder exists and is not empty: choose another name or --dir' });
  const files: string[] = [];
  for (const file of walk(template)) {
    const target = join(dir, relative(template, file).replace(PLACEHOLDER, name));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(file, 'utf8').replace(PLACEHOLDER, name));
    files.push(relative(dir, target));
  }
  const wasm = (JSON.parse(readFileSync(join(dir, 'component.json'), 'utf8')) as { wasm: string }).wasm;
  writeFileSync(
    join(dir, SMOKE_SCENARIO),
    `# The smoke test of ${name}: \`romhost run ${SMOKE_SCENARIO} --input input=a --input input=b --once\` counts 2.
components: { ${name}: ${wasm} }
children:
  ${name}:
    component: ${name}
    roms: { input: input/input, state: ${name}/state }   # its state, routed back to itself
    reports: [count, state]
`,
  );
  files.push(SMOKE_SCENARIO);
  return { dir, files: files.sort() };
}

function templateDir(language: Language): string {
  return join(dirname(dirname(romhostWorldWit())), 'kits', language, 'template');
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
