/**
 * Converts the spec tests (test/wasm-spec-tests/*.wast) with wast2json (Debian's wabt 1.0.32,
 * apt-get install wabt) into test/wasm-spec-tests/generated/, which is committed: the tests read
 * that folder and need no wabt. Run it after changing a .wast, wast-to-json.ts or wast-forms.ts:
 *
 *   npm run spec:generate             rewrites the folder
 *   npm run spec:generate -- --check  regenerates into a temporary folder and exits 1 if the
 *                                     committed one differs (CI)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import type { Command } from './commands.js';
import { GENERATED, INDEX, layout, MODULES, readIndex, sha256, SUITE, type GeneratedIndex, type GeneratedScript } from './generated.js';
import { wastToJson } from './wast-to-json.js';

const README = `# Generated: do not edit

The spec tests of test/wasm-spec-tests/ as \`wast2json\` (Debian's wabt 1.0.32) converts them, with
what it cannot read left out (test/spec-rewrite/wast-to-json.ts), written by
test/spec-rewrite/generate.ts so that \`npm test\` needs no wabt. After changing a \`.wast\` or the
conversion, run \`npm run spec:generate\` (with wabt installed: \`apt-get install wabt\`); CI runs
it with \`--check\`.

- \`${INDEX}\`: the wast2json version, and each \`.wast\` converted with its SHA-256 (the test
  refuses a stale folder).
- \`<name>.json\`: per \`.wast\`, the forms left out (\`dropped\`, with wabt's error) and what they
  take with them (\`unregistered\`, \`unexported\`, \`cut\`), then wast2json's commands, one a line.
  A \`.wasm\` filename names a file in \`${MODULES}/\`; a text module's \`.wat\` is not kept (the test
  does not run text modules).
- \`${MODULES}/\`: the modules, one file per distinct content, named by its SHA-256 (16 hex digits).
`;

function wast2jsonVersion(): string {
  const run = spawnSync('wast2json', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`cannot run wast2json: install Debian's wabt 1.0.32 (apt-get install wabt)`);
  return run.stdout.trim();
}

/** Writes the whole folder into `out`, which must be empty. */
function generate(out: string): void {
  const version = wast2jsonVersion();
  const modules = join(out, MODULES);
  mkdirSync(modules, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'romhost-spec-generate-'));
  const stored = new Map<string, string>();
  const index: { wast2json: string; files: Record<string, string> } = { wast2json: version, files: {} };
  try {
    for (const file of readdirSync(SUITE).filter((f) => f.endsWith('.wast')).sort()) {
      const source = join(SUITE, file);
      index.files[file] = sha256(readFileSync(source));
      const dir = mkdtempSync(join(work, `${basename(file, '.wast')}-`));
      const converted = wastToJson(source, dir);
      const commands = converted.commands.map((command): Command => {
        if (!('filename' in command) || !command.filename.endsWith('.wasm')) return command;
        const bytes = readFileSync(join(dir, command.filename));
        const name = `${sha256(bytes).slice(0, 16)}.wasm`;
        const known = stored.get(name);
        if (known === undefined) {
          writeFileSync(join(modules, name), bytes);
          stored.set(name, sha256(bytes));
        } else if (known !== sha256(bytes)) {
          throw new Error(`two modules share the name ${name}: name them by more of their hash`);
        }
        return { ...command, filename: name };
      });
      const script: GeneratedScript = {
        dropped: converted.dropped,
        unregistered: [...converted.unregistered].sort(),
        unexported: Object.fromEntries([...converted.unexported].sort(([a], [b]) => a.localeCompare(b)).map(([name, fields]) => [name, [...fields].sort()])),
        cut: [...converted.cut].sort((a, b) => a - b),
        commands,
      };
      writeFileSync(join(out, `${basename(file, '.wast')}.json`), layout({ ...script }));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(out, INDEX), `${JSON.stringify(index satisfies GeneratedIndex, null, 2)}\n`);
  writeFileSync(join(out, 'README.md'), README);
}

/** Every file below `dir`, by its path relative to `dir`. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (statSync(join(dir, path)).isFile()) files.set(path.split(sep).join('/'), readFileSync(join(dir, path)));
  }
  return files;
}

/** What differs between the committed folder and a fresh one, a line per file. */
function differences(committed: Map<string, Buffer>, fresh: Map<string, Buffer>): string[] {
  const out: string[] = [];
  for (const [path, bytes] of fresh) {
    const old = committed.get(path);
    if (old === undefined) out.push(`missing: ${path}`);
    else if (!old.equals(bytes)) out.push(`differs: ${path}`);
  }
  for (const path of committed.keys()) if (!fresh.has(path)) out.push(`not generated (stale): ${path}`);
  return out.sort();
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown arguments: ${unknown.join(' ')} (usage: generate [--check])`);
    return 2;
  }
  const out = mkdtempSync(join(tmpdir(), 'romhost-spec-generated-'));
  try {
    generate(out);
    const fresh = tree(out);
    if (check) {
      let committed = new Map<string, Buffer>();
      try {
        committed = tree(GENERATED);
      } catch {
        // no folder yet: every file is missing
      }
      const diff = differences(committed, fresh);
      if (diff.length === 0) {
        console.log(`${GENERATED} is up to date (${fresh.size} files)`);
        return 0;
      }
      let version = '';
      try {
        const committedVersion = readIndex().wast2json;
        const { wast2json } = JSON.parse(fresh.get(INDEX)!.toString('utf8')) as GeneratedIndex;
        if (committedVersion !== wast2json) version = `\nIt was generated with wast2json ${committedVersion}; this one is ${wast2json}.`;
      } catch {
        // no committed index to compare versions with
      }
      const shown = diff.slice(0, 20).map((d) => `  ${d}`);
      if (diff.length > shown.length) shown.push(`  ... and ${diff.length - shown.length} more`);
      console.error(
        `${GENERATED} does not match what wast2json makes of ${SUITE} now (${diff.length} files):\n${shown.join('\n')}${version}\n` +
          `Run \`npm run spec:generate\` (it needs wast2json: apt-get install wabt) and commit ${GENERATED}.`,
      );
      return 1;
    }
    rmSync(GENERATED, { recursive: true, force: true });
    cpSync(out, GENERATED, { recursive: true });
    const bytes = [...fresh.values()].reduce((n, b) => n + b.length, 0);
    const modules = [...fresh.keys()].filter((p) => p.startsWith(`${MODULES}/`)).length;
    console.log(`wrote ${GENERATED}: ${fresh.size} files (${modules} modules), ${(bytes / 1024).toFixed(0)} KiB`);
    return 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
