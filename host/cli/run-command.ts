import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { createHost, loadScenario, type Fault, type Host } from '../index.js';
import { parseInputFlag, parseInputLine, type Input } from './input-line.js';
import { jsonFields, jsonValue } from './json-value.js';

interface RunOptions {
  readonly input: string[];
  readonly inputs?: string;
  readonly once?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .argument('<scenario>', 'the scenario file (YAML)')
    .option('--input <NAME=TEXT>', 'publish TEXT as input/NAME (repeatable, in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--inputs <FILE.jsonl>', 'publish each JSON line of FILE, after the --input flags')
    .option('--once', 'publish the inputs, print the final value of every report as one JSON object, and exit (1 if any fault happened)')
    .description('run a scenario: apply it, publish inputs, print report changes as JSON lines and read more inputs from stdin')
    .addHelpText(
      'after',
      `
Without --once, each report change is printed as {"step": N, "report": "CHILD/REPORT", "text": "..."}
(or "base64" when the value is not UTF-8), each fault as {"step": N, "fault": {...}}, and stdin is read
for more inputs, one JSON line each: {"rom": "input/NAME", "text": "..."} or {"rom": "input/NAME", "base64": "..."}.

Examples:
  romhost run examples/counter/scenario.yaml --input input=a --input input=b --once
  echo '{"rom": "input/input", "text": "a"}' | romhost run examples/counter/scenario.yaml`,
    )
    .action(async (file: string, options: RunOptions) => {
      const inputs = options.input.map(parseInputFlag);
      if (options.inputs) inputs.push(...(await readInputsFile(options.inputs)));
      const host = createHost();
      process.exitCode = options.once ? await runOnce(host, file, inputs) : await runLive(host, file, inputs);
      await host.close();
    });
}

async function readInputsFile(file: string): Promise<Input[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--inputs ${file} cannot be read: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [parseInputLine(line)];
    } catch (e) {
      throw new Error(`${file}:${i + 1}: ${(e as Error).message}`);
    }
  });
}

async function runOnce(host: Host, file: string, inputs: readonly Input[]): Promise<number> {
  const faults: Fault[] = [];
  host.faults$.subscribe((f) => faults.push(f));
  await host.apply(await loadScenario(file));
  for (const input of inputs) await host.publish(input.name, input.content);
  const reports = Object.fromEntries([...host.reports()].map(([source, content]) => [source, jsonValue(content)]));
  process.stdout.write(`${JSON.stringify({ reports, faults })}\n`);
  return faults.length > 0 ? 1 : 0;
}

async function runLive(host: Host, file: string, inputs: readonly Input[]): Promise<number> {
  const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  host.reports$.subscribe((c) => print({ step: c.step, report: c.source, ...jsonFields(c.content) }));
  host.faults$.subscribe(({ step, ...fault }) => print({ step, fault }));
  await host.apply(await loadScenario(file));
  for (const input of inputs) await host.publish(input.name, input.content);
  if (process.stdin.isTTY) {
    process.stderr.write(`romhost: running ${file}; type inputs as JSON lines, e.g. {"rom": "input/input", "text": "hi"}; Ctrl-D ends\n`);
  }
  // More inputs from stdin until it ends; a bad line is reported and skipped, the host keeps running.
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      const input = parseInputLine(line);
      await host.publish(input.name, input.content);
    } catch (e) {
      process.stderr.write(`romhost: stdin: ${(e as Error).message}\n`);
    }
  }
  return 0;
}
