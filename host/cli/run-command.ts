import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError, type Command as Program } from 'commander';
import {
  createHost,
  defaultStoreDir,
  loadScenario,
  openDurableHost,
  openStore,
  readPackage,
  readSnapshot,
  recordJournal,
  startInspector,
  writeSnapshot,
  type DurableHost,
  type Fault,
  type Host,
  type Scenario,
  type StepResult,
  type Store,
  type WrittenSnapshot,
} from '../index.js';
import { LINE_FORMS, parseCommandLine, parseInputFlag, stdinCommands, type Command, type Located } from './command-line.js';
import { displayPath } from '../display-path.js';
import { jsonFields, jsonValue } from '../json-value.js';
import { shadowLine } from './shadow-line.js';
import { runInCluster } from './cluster-run.js';
import { fromScenario, restoring, type Start } from './run-start.js';

interface RunOptions {
  readonly input: string[];
  readonly inputs?: string;
  readonly once?: boolean;
  readonly watch?: boolean;
  readonly ui?: boolean;
  readonly port: number;
  readonly record?: string;
  /** A folder, or true: the scenario's default one. */
  readonly store?: string | true;
  readonly ack?: boolean;
  readonly host?: string;
  readonly leaseMs: number;
  readonly restore?: string;
}


export function registerRun(program: Program): void {
  program
    .command('run')
    .argument('[scenario]', 'the scenario file (YAML), or a package of one (.romhost, made by romhost pack); with --restore, only where its components are found')
    .option('--input <NAME=TEXT>', 'publish TEXT as input/NAME (repeatable, in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--inputs <FILE.jsonl>', 'run each JSON line of FILE (inputs and lifecycle commands), after the --input flags')
    .option('--once', 'run the inputs, print the final value of every report as one JSON object, and exit (1 if any fault happened or a command failed)')
    .option('--watch', "apply the scenario again whenever it, a subsystem's scenario or one of its components changes on disk; run until interrupted")
    .option('--ui', 'serve the inspector page on 127.0.0.1 and print its URL; run until interrupted (report changes go to the page, not stdout)')
    .option('--port <N>', 'the inspector\'s port (0: any free one)', parsePort, 4280)
    .option('--record <FILE>', 'write the journal of the run to FILE: every input, command and scenario change, and what each caused (romhost replay FILE replays it)')
    .option('--store [DIR]', 'keep the run in an lmdb store in DIR (default: a folder of its own for the scenario, shown at start): the journal and every value, durable after each step; a run on a store that holds one resumes it. With nats://HOST:PORT[/PREFIX], join the cluster of every host on that NATS server and prefix (docs/cluster.md)')
    .option('--ack', 'with --store: print {"ack": SEQ, "step": N} once each input or command is durable; SEQ counts them over the store\'s life (in a cluster: {"ack": SEQ}, its place in the cluster\'s order)')
    .option('--host <NAME>', 'in a cluster: this host\'s name, unique among its hosts and the same when it restarts (default: HOSTNAME-PID)')
    .option('--lease-ms <MS>', 'in a cluster: how long a host may miss renewing its heartbeat before the others take its children over', parseLease, 5000)
    .option('--restore <SNAPSHOT>', 'start from a snapshot (romhost snapshot, or a {"snapshot": "PATH"} line): its scenario, every ROM and report value, each child on the component it ran; the components are found by SHA-256 in the package or scenario given, the store, or the files the snapshot\'s scenario names')
    .description('run a scenario: apply it, run inputs, print report changes as JSON lines and read more commands from stdin')
    .addHelpText(
      'after',
      `
Without --once, each report change is printed as {"step": N, "report": "CHILD/REPORT", "text": "..."}
(or "base64" when the value is not UTF-8), each fault as {"step": N, "fault": {...}}, each lifecycle
event as {"step": N, "child": "CHILD", "lifecycle": "restarted"}, what a shadow does as
{"step": N, "shadow": {"child": "CHILD", "report": "R", "live": ..., "candidate": ...}} (or "started",
"agreed", "fault", "dropped"), and stdin is read for more commands, one JSON line each: ${LINE_FORMS}.
A component path in an --inputs file is relative to that file.

With --store, the first line printed is {"store": "lmdb at DIR", "step": N, "accepted": SEQ}: the step the
store's run had reached and how many inputs and commands it had accepted (0 and 0 for a new store). A
run on a store that holds one resumes it: every ROM and report has its stored value and the children
start on them. After a crash, send the inputs after the SEQ-th again.

A {"snapshot": "PATH"} line writes a snapshot of the host, after the steps before it, to PATH (relative
to the --inputs file, or to the working directory on stdin) and prints {"step": N, "snapshot": PATH,
"bytes": SIZE} (with --once, a line on stderr). --restore SNAPSHOT starts from one: the snapshot holds its
scenario, so SCENARIO is optional and, when given, only lends its components (a package's, or the files
a YAML names); the restore's apply and its kills are the first steps (docs/snapshot.md). With --store,
the restored run is kept in that store, which must hold no run yet.

With --store nats://HOST:PORT[/PREFIX] the process is one host of a cluster: start it in several
processes (each with its own --host) and they share the scenario's children, each child run by one
host, taken over by the others when its host dies. Inputs may be sent to any host. The first line
printed is {"cluster": {"host": NAME, ...}}; then report changes, and {"cluster": "claimed" |
"took-over" | "lost", "child": C, "seq": N} or {"cluster": "lapsed", "host": H, "seq": N}. It runs
until interrupted. Only inputs go to a cluster (no lifecycle commands, --once, --record or --watch).

Examples:
  romhost run examples/counter/scenario.yaml --input input=a --input input=b --once
  echo '{"rom": "input/input", "text": "a"}' | romhost run examples/counter/scenario.yaml
  echo '{"restart": "counter"}' | romhost run examples/counter/scenario.yaml --input input=a
  romhost run examples/windows/scenario.yaml --inputs examples/windows/windows.jsonl --ui
  romhost run examples/counter/scenario.yaml --input input=a --input input=b --once --record run.journal
  echo '{"rom": "input/input", "text": "a"}' | romhost run examples/counter/scenario.yaml --store /tmp/counter --ack
  romhost run examples/rooms/scenario.yaml --store nats://127.0.0.1:4222 --host a --ack
  romhost run counter.romhost --input input=a --once
  echo '{"snapshot": "counter.snapshot"}' | romhost run examples/counter/scenario.yaml --input input=a
  romhost run counter.romhost --restore counter.snapshot --input input=b --once`,
    )
    .action(async (given: string | undefined, options: RunOptions) => {
      if (options.restore !== undefined) {
        const refused = (['watch', 'record'] as const).find((flag) => options[flag] !== undefined);
        if (refused) throw new Error(`--${refused} does not go with --restore: ${refused === 'watch' ? 'the snapshot\'s scenario is no file to watch' : 'a journal replays from a fresh host, and a restored run starts from the snapshot\'s values'}`);
        if (typeof options.store === 'string' && /^nats:\/\//i.test(options.store)) throw new Error('--restore does not go with --store nats://: a cluster takes no snapshot yet; restore on a host of its own (--store DIR)');
      } else if (given === undefined) {
        throw new Error('romhost run needs a scenario file or a package (.romhost), or --restore SNAPSHOT: romhost run --help has examples');
      }
      const snapshot = options.restore === undefined ? undefined : await readSnapshot(options.restore);
      // A package runs as the scenario it unpacks to (verified first), so every option works on it alike.
      const file = snapshot?.scenario.file ?? (given!.endsWith('.romhost') ? (await readPackage(given!)).scenario.file : given!);
      const commands = await givenCommands(options);
      if (options.once && options.ui) throw new Error('--once and --ui do not go together: --once exits after the inputs, --ui serves the page until interrupted');
      if (options.ack && options.store === undefined) throw new Error('--ack needs --store: an input is acknowledged once it is durable, and only a store makes it so');
      if (typeof options.store === 'string' && /^nats:\/\//i.test(options.store)) {
        const refused = (['once', 'record', 'watch'] as const).find((flag) => options[flag] !== undefined && options[flag] !== false);
        if (refused) throw new Error(`--${refused} does not go with --store nats://: a host of a cluster runs until interrupted and records no journal of its own (the cluster's input log is that)`);
        process.exitCode = await runInCluster(file, commands, { ...options, store: options.store });
        return;
      }
      if (options.host !== undefined) throw new Error('--host names a host of a cluster: it goes with --store nats://HOST:PORT');
      const store = options.store === undefined ? undefined : await openStore(options.store === true ? defaultStoreDir(file) : options.store);
      const run = await (snapshot ? restoring(snapshot, given, store) : Promise.resolve(fromScenario(file))).catch(async (e: unknown) => {
        await store?.close();
        throw e;
      });
      const durable = store === undefined ? undefined : await openOnStore(store, options, run.resume);
      const host = durable?.host ?? createHost(run.resume ? { resume: run.resume } : {});
      const journal = options.record === undefined ? undefined : recordJournal(host, options.record);
      const acks = options.ack ? { next: durable!.resumed?.accepted ?? 0 } : undefined;
      try {
        process.exitCode = options.once ? await runOnce(host, run, commands, acks) : await runLive(host, run, commands, options, acks);
      } finally {
        await journal?.close();
        await host.close();
        await durable?.close();
        await durable?.store.close();
      }
    });
}

/** Opens a host on the store; says where it is, and where its run had got to. */
async function openOnStore(store: Store, options: RunOptions, resume: Start['resume']): Promise<DurableHost> {
  const durable = await openDurableHost(store, resume ? { resume } : {}).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const { step = 0, accepted = 0 } = durable.resumed ?? {};
  if (options.store === true || process.stderr.isTTY) {
    process.stderr.write(`romhost: store: ${store.location}${durable.resumed ? ` (resuming at step ${step}, after ${accepted} inputs and commands)` : ' (new)'}\n`);
  }
  if (!options.once) process.stdout.write(`${JSON.stringify({ store: store.location, step, accepted })}\n`);
  return durable;
}

/** The commands of the --input flags, then of the --inputs file, in order (run and snapshot take both). */
export async function givenCommands(options: { readonly input: readonly string[]; readonly inputs?: string | undefined }): Promise<Located[]> {
  // Spread into a literal, not into push's arguments: an --inputs file may hold more lines than a call takes arguments.
  return [
    ...options.input.map((flag) => ({ command: parseInputFlag(flag), at: `--input ${flag}` })),
    ...(options.inputs ? await readInputsFile(options.inputs) : []),
  ];
}

export async function readInputsFile(file: string): Promise<Located[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--inputs ${file} cannot be read: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [{ command: parseCommandLine(line, dirname(file)), at: `${file}:${i + 1}` }];
    } catch (e) {
      throw new Error(`${file}:${i + 1}: ${(e as Error).message}`);
    }
  });
}

function execute(host: Host, command: Command): Promise<unknown> {
  switch (command.kind) {
    case 'publish':
      return host.publish(command.name, command.content);
    case 'kill':
      return host.kill(command.child);
    case 'restart':
      return host.restart(command.child);
    case 'hibernate':
      return host.hibernate(command.child);
    case 'swap':
      return host.swap(command.child, command.component);
    case 'shadow':
      return host.shadow(command.child, command.component);
    case 'promote':
      return host.promote(command.child);
    case 'unshadow':
      return host.unshadow(command.child);
    case 'snapshot':
      return host.snapshot().then((snapshot) => writeSnapshot(command.file, snapshot));
  }
}

/** Counts acknowledged commands, to print `{"ack": SEQ}`: `next` is the last SEQ so far. */
type Acks = { next: number };

/** Says where a `{"snapshot": PATH}` line wrote its snapshot. */
type TellSnapshot = (written: WrittenSnapshot) => void;

/** A line on stderr: where `--once` and `romhost check` say it, stdout being theirs. */
const snapshotOnStderr: TellSnapshot = ({ file, step, bytes }) =>
  void process.stderr.write(`romhost: snapshot of step ${step} written to ${displayPath(file)} (${bytes} bytes)\n`);

/** A JSON line among a live run's. */
const snapshotAsJson: TellSnapshot = ({ file, step, bytes }) => print({ step, snapshot: file, bytes });

/**
 * Runs commands in order; one that fails is reported on stderr and the rest go on. Returns how
 * many failed. Commands the host queues at once are not waited for one by one: on a durable store
 * the steps of those that arrive together are written together. A swap or shadow loads its
 * component first, so it waits for those before it, to keep the order; a snapshot waits too, so
 * that the line saying where it went stands before what later commands print.
 */
export async function executeAll(
  host: Host,
  commands: Iterable<Located> | AsyncIterable<Located>,
  acks?: Acks,
  tellSnapshot: TellSnapshot = snapshotOnStderr,
): Promise<number> {
  let failed = 0;
  const running = new Set<Promise<void>>();
  for await (const { command, at } of commands) {
    const alone = command.kind === 'swap' || command.kind === 'shadow' || command.kind === 'promote' || command.kind === 'snapshot';
    if (alone || running.size >= MAX_IN_FLIGHT) await Promise.all(running);
    const done: Promise<void> = execute(host, command).then(
      (result) => {
        if (command.kind === 'snapshot') tellSnapshot(result as WrittenSnapshot);
        // Shadows and snapshots take no step: nothing is accepted, nothing to acknowledge.
        else if (acks && command.kind !== 'shadow' && command.kind !== 'unshadow') print({ ack: ++acks.next, step: (result as StepResult).step });
      },
      (e: unknown) => {
        failed += 1;
        process.stderr.write(`romhost: ${at}: ${(e as Error).message}\n`);
      },
    );
    running.add(done);
    void done.finally(() => running.delete(done));
    if (alone) await done;
  }
  await Promise.all(running);
  return failed;
}

/** Commands waiting for their steps to be durable, at most: the rest of stdin waits. */
const MAX_IN_FLIGHT = 4096;

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function runOnce(host: Host, start: Start, commands: readonly Located[], acks?: Acks): Promise<number> {
  const faults: Fault[] = [];
  host.faults$.subscribe((f) => faults.push(f));
  await start.apply(host);
  const failed = await executeAll(host, commands, acks);
  const reports = Object.fromEntries([...host.reports()].map(([source, content]) => [source, jsonValue(content)]));
  process.stdout.write(`${JSON.stringify({ reports, faults })}\n`);
  return faults.length > 0 || failed > 0 ? 1 : 0;
}

async function runLive(host: Host, start: Start, commands: readonly Located[], options: RunOptions, acks?: Acks): Promise<number> {
  const { file } = start;
  if (!options.ui) host.reports$.subscribe((c) => print({ step: c.step, report: c.source, ...jsonFields(c.content) }));
  host.faults$.subscribe(({ step, ...fault }) => print({ step, fault }));
  host.lifecycle$.subscribe(({ step, child, action, component }) => print({ step, child, lifecycle: action, ...(component ? { component } : {}) }));
  // With --ui, the values a shadow compares go to the page, as report changes do; the rest is printed.
  host.shadow$.subscribe((e) => (!options.ui || (e.kind !== 'divergence' && e.kind !== 'agreed')) && print(shadowLine(e)));
  let scenario = await start.apply(host);
  const unwatch = options.watch ? watchScenario(host, file, () => scenario, (next) => (scenario = next)) : undefined;
  await executeAll(host, commands, acks, snapshotAsJson);
  const inspector = options.ui ? await startInspector(host, { port: options.port }) : undefined;
  // With --watch or --ui the run goes on after stdin ends, until interrupted (which also ends stdin).
  const interrupted = unwatch || inspector ? new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done)) : undefined;
  if (inspector) {
    print({ inspector: inspector.url });
    if (process.stderr.isTTY) process.stderr.write(`romhost: the inspector of ${file} is at ${inspector.url} (Ctrl-C stops)\n`);
  } else if (process.stdin.isTTY) {
    process.stderr.write(`romhost: running ${file}; type commands as JSON lines, e.g. {"rom": "input/input", "text": "hi"}; Ctrl-D ends\n`);
  }
  const reading = executeAll(host, stdinCommands(), acks, snapshotAsJson);
  if (interrupted) {
    await Promise.race([reading, interrupted]);
    await interrupted;
    process.stdin.destroy();
  } else {
    await reading;
  }
  unwatch?.();
  await inspector?.close();
  return 0;
}

/**
 * Re-applies the scenario when its file, a subsystem's or one of its components changes. Polls by stat
 * (editors replace files rather than write them in place, which fs.watch loses track of).
 */
function watchScenario(host: Host, file: string, current: () => Scenario, applied: (s: Scenario) => void): () => void {
  const watched = new Set<string>();
  let queue = Promise.resolve();
  const reapply = () => {
    queue = queue.then(async () => {
      try {
        const next = await loadScenario(file);
        const result = await host.apply(next);
        applied(next);
        rewatch();
        const { started = [], stopped = [], restarted = [], reconfigured = [] } = host.state.applied ?? {};
        process.stdout.write(`${JSON.stringify({ step: result.step, applied: { file, started, stopped, restarted, reconfigured } })}\n`);
      } catch (e) {
        process.stderr.write(`romhost: --watch: ${(e as Error).message}\n`);
      }
    });
  };
  const rewatch = () => {
    const paths = new Set([file, ...current().subsystems.map((s) => s.file), ...Object.values(current().components).map((c) => c.path)]);
    for (const path of watched) if (!paths.has(path)) unwatchFile(path), watched.delete(path);
    for (const path of paths) if (!watched.has(path)) watchFile(path, { interval: 200 }, reapply), watched.add(path);
  };
  rewatch();
  return () => {
    for (const path of watched) unwatchFile(path);
  };
}

function parseLease(text: string): number {
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < 100) throw new InvalidArgumentError(`--lease-ms ${text} is not a lease: give a whole number of milliseconds, 100 or more`);
  return ms;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError(`--port ${text} is not a port: give a number from 0 to 65535 (0: any free one)`);
  return port;
}
