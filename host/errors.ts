/**
 * Every error romhost raises, in one table (after immer's `errors`): a code, and a message that
 * names the thing at fault first and says what to do. Parts raise them with `fail(code, params)`.
 */

const messages = {
  // engine: bytes to components
  'component-unreadable': (p: { file: string; reason: string }) =>
    `component ${p.file} cannot be read: ${p.reason}`,
  'not-wasm': (p: { file: string }) =>
    `component ${p.file} is not WebAssembly (no \\0asm header): check the path, or build it first`,
  'core-module': (p: { file: string }) =>
    `component ${p.file} is a core WebAssembly module, not a component: wrap it with \`romhost build\` (jco componentEmbed + componentNew) against wit/world.wit`,
  'invalid-component': (p: { file: string; reason: string }) =>
    `component ${p.file} is not a valid WebAssembly component: ${p.reason}`,
  'foreign-import': (p: { file: string; name: string }) =>
    `component ${p.file} imports ${p.name}, which romhost does not grant: a component may import only romhost:component/rom and romhost:component/report`,
  'missing-export': (p: { file: string }) =>
    `component ${p.file} does not export update: func(changed: list<string>): build it against the world romhost:component/state-machine in wit/world.wit`,
  'core-module-refused': (p: { file: string; module: string; reason: string }) =>
    `component ${p.file}: core module ${p.module} ${p.reason}`,
  'wrong-signature': (p: { file: string; name: string; found: string; expected: string }) =>
    `component ${p.file}: ${p.name} has the type ${p.found}, but the world romhost:component/state-machine says ${p.expected}`,

  // build: component sources to .wasm files
  'manifest-unreadable': (p: { file: string; reason: string }) =>
    `manifest ${p.file} cannot be read: ${p.reason}: a component folder needs a component.json`,
  'manifest-invalid': (p: { file: string; detail: string }) =>
    `manifest ${p.file}: ${p.detail}: expected e.g. {"language": "wat", "source": "NAME.wat", "wasm": "NAME.wasm"}`,
  'build-failed': (p: { file: string; reason: string }) => `${p.file}: ${p.reason}`,

  'scaffold-invalid': (p: { what: string; detail: string }) => `romhost new: ${p.what}: ${p.detail}`,
  'smoke-failed': (p: { dir: string; detail: string }) =>
    `the new component in ${p.dir} does not pass its smoke test: ${p.detail}`,

  // scenario: the YAML file
  'scenario-unreadable': (p: { file: string; reason: string }) =>
    `scenario ${p.file} cannot be read: ${p.reason}`,
  'scenario-invalid': (p: { file: string; line: number; detail: string }) =>
    `${p.file}:${p.line}: ${p.detail}`,

  // running children
  'trap': (p: { child: string; reason: string }) =>
    `child "${p.child}" trapped: ${p.reason}`,
  'fuel-exhausted': (p: { child: string; fuel: number }) =>
    `child "${p.child}" ran out of fuel: more than ${p.fuel} instructions in one update; raise limits.fuel or do less per update`,
  'stack-overflow': (p: { child: string; depth: number }) =>
    `child "${p.child}" overflowed its call stack (deeper than ${p.depth} calls): recurse less deeply`,
  'memory-exhausted': (p: { child: string; reason: string; mib: number }) =>
    `child "${p.child}" trapped (${p.reason}) with its memory at its cap of ${p.mib} MiB: raise limits.memory_mib or use less`,
  'undeclared-report': (p: { child: string; report: string; declared: readonly string[] }) =>
    `child "${p.child}" submitted report "${p.report}", which the scenario does not declare (declared: ${p.declared.join(', ') || 'none'}): add it to the child's reports`,
  'report-too-large': (p: { child: string; report: string; bytes: number; limitKib: number }) =>
    `child "${p.child}": report "${p.report}" is ${formatKib(p.bytes)}, limit ${p.limitKib} KiB: raise limits.report_kib or submit less`,
  'too-many-reports': (p: { child: string; count: number; limit: number }) =>
    `child "${p.child}" submitted more than ${p.limit} reports in one update: submit each report once per update, or raise limits.reports_per_update`,
  'cycle': (p: { step: number; updates: number; children: readonly string[] }) =>
    `step ${p.step} did not settle within ${p.updates} updates: children ${p.children.map((c) => `"${c}"`).join(', ')} keep changing each other's ROMs; break the cycle or raise limits.updates_per_step`,
  'start-failed': (p: { child: string; reason: string }) =>
    `child "${p.child}" could not start: ${p.reason}`,
  'swap-failed': (p: { child: string; component: string; reason: string }) =>
    `child "${p.child}" keeps its component: swapping in ${p.component} failed: ${p.reason}`,
  'shadow-failed': (p: { child: string; component: string; reason: string }) =>
    `child "${p.child}" runs on unshadowed: its candidate ${p.component} failed: ${p.reason}`,
  'no-shadow': (p: { child: string }) =>
    `child "${p.child}" has no shadow to promote or stop: start one first (host.shadow, or {"shadow": "${p.child}", "component": "PATH.wasm"})`,
  'cannot-hibernate': (p: { child: string; status: string }) =>
    `child "${p.child}" is ${p.status}: only a running child hibernates (restart it first)`,
  'subsystem-command': (p: { subsystem: string; command: string; detail: string }) =>
    `"${p.subsystem}" is a subsystem, which ${p.command} does not take: ${p.detail}`,
  'unknown-child': (p: { child: string; known: readonly string[] }) =>
    `no child is called "${p.child}" (children: ${p.known.join(', ') || 'none'})`,

  // the host's API
  'unknown-input': (p: { name: string }) =>
    `input "${p.name}" is not a valid input name: use letters, digits, '.', '_', '-' and '/' (e.g. pointer or room/1/msg)`,
  'unknown-source': (p: { source: string }) =>
    `"${p.source}" names no ROM or report of this host: use CHILD/REPORT, input/NAME or host/state`,
  'closed': () => `the host is closed: create a new one with createHost()`,
  'step-not-now': (p: { reason: string }) => `host.step cannot run now: ${p.reason}`,
  'step-kind': (p: { kind: string }) =>
    `host.step runs a publish, kill, restart or hibernate, not "${p.kind}": an apply or swap loads components first; use host.apply or host.swap`,
  'step-not-input': (p: { source: string }) =>
    `host.step publishes to an input source, input/NAME (e.g. input/pointer or input/room/1/msg), not "${p.source}"`,
  'no-scenario': () => `the host runs no scenario yet: apply one first`,
  'not-a-report': (p: { source: string }) =>
    `"${p.source}" is not a report: only a report of a child (CHILD/REPORT) comes from another host of a cluster`,

  // the inspector page
  'inspector-port-in-use': (p: { port: number }) =>
    `the inspector cannot listen on 127.0.0.1:${p.port}: the port is in use; pass another with --port (0 picks a free one)`,
  'inspector-page-missing': (p: { dir: string }) =>
    `the inspector page is not built (no ${p.dir}/index.html): run npm run build`,
  'inspector-message-invalid': (p: { detail: string }) =>
    `the inspector received a message it does not understand: ${p.detail}`,
  'unknown-component': (p: { component: string; known: readonly string[] }) =>
    `the scenario names no component "${p.component}" (components: ${p.known.join(', ') || 'none'})`,

  // the journal: record and replay
  'journal-unreadable': (p: { file: string; reason: string }) => `journal ${p.file} cannot be read: ${p.reason}`,
  'journal-not-journal': (p: { file: string }) =>
    `${p.file} is not a romhost journal: its first line must be {"romhost":"journal","version":N,...}; record one with romhost run --record FILE`,
  'journal-version': (p: { file: string; version: number; supported: number }) =>
    `journal ${p.file} is in format version ${p.version}, and this romhost reads version ${p.supported}: replay it with the romhost that recorded it`,
  'journal-damaged': (p: { file: string; offset: number; line: number; detail: string }) =>
    `journal ${p.file} is damaged at byte ${p.offset} (line ${p.line}): ${p.detail}`,
  'journal-component-changed': (p: { file: string; step: number; name: string; path: string; recorded: string; found: string }) =>
    `journal ${p.file}, step ${p.step}: component "${p.name}" (${p.path}) is not the one recorded (recorded ${p.recorded.slice(0, 12)}, found ${p.found.slice(0, 12)}): rebuild it from the recorded source, or replay against it on purpose with --swap CHILD=${p.path}`,
  'journal-component-missing': (p: { file: string; step: number; child: string; component: string }) =>
    `journal ${p.file}, step ${p.step}: child "${p.child}" was swapped to component ${p.component.slice(0, 12)}, which was given as bytes and is not on disk: pass it with --swap ${p.child}=FILE`,
  'check-unknown-child': (p: { file: string; child: string; known: readonly string[] }) =>
    `no child "${p.child}" runs in ${p.file} (children: ${p.known.join(', ') || 'none'}): name one of them, or leave --child out to check each`,
  'check-no-children': (p: { file: string }) =>
    `no child runs in ${p.file}: nothing to check; record a run that applies a scenario (romhost run SCENARIO --record FILE)`,
  'check-seed': (p: { seed: string }) =>
    `seed ${p.seed} is not a whole number from 0 to 4294967295: the random restarts draw from a 32-bit seed`,
  'bisect-unknown-child': (p: { file: string; child: string; known: readonly string[] }) =>
    `no child "${p.child}" runs in ${p.file} (children: ${p.known.join(', ') || 'none'}): name the child whose two implementations to compare`,
  'bisect-input-fails': (p: { input: number; at: string; reason: string }) =>
    `input ${p.input} (${p.at}) fails on A and on B alike: ${p.reason}; it runs on neither, so it says nothing about them: fix it or leave it out`,
  'bisect-journal-unusable': (p: { file: string; step: number; detail: string }) =>
    `journal ${p.file}, step ${p.step}: ${p.detail}; bisect runs one scenario's inputs, as romhost run --inputs lines: give them with --inputs instead`,

  // the store
  'store-unopenable': (p: { dir: string; reason: string }) =>
    `the store at ${p.dir} cannot be opened: ${p.reason}; give another with --store DIR (a folder) or --store nats://HOST:PORT`,
  'store-shared': (p: { store: string; seq: number }) =>
    `the ${p.store} was written by another writer since this one last wrote (its journal stream is past message ${p.seq}): a store serves one host at a time; give each host a store of its own (with NATS, a prefix of its own), or reopen this one to go on after the other`,
  // the cluster
  'cluster-host-taken': (p: { host: string; reason: string }) =>
    `host "${p.host}" lost its heartbeat in the cluster to another process under the same name (${p.reason}): give each host a name of its own with --host NAME`,
  'cluster-unsupported': (p: { what: string }) =>
    `${p.what} is not available in a cluster yet (--store nats://): run it on a host of its own (--store DIR)`,
  'store-write-failed': (p: { store: string; reason: string }) =>
    `the ${p.store} could not keep a step: ${p.reason}; nothing after the last acknowledged input is durable: free the disk or give another store, and restart`,

  // packages: a scenario and its components in one file (romhost pack)
  'package-unreadable': (p: { file: string; reason: string }) => `package ${p.file} cannot be read: ${p.reason}`,
  'package-not-package': (p: { file: string }) =>
    `${p.file} is not a romhost package (not a zip archive): make one with romhost pack SCENARIO -o NAME.romhost`,
  'package-damaged': (p: { file: string; detail: string }) =>
    `package ${p.file} is damaged: ${p.detail}: copy it again, or pack it again from its scenario`,
  'package-version': (p: { file: string; version: number; supported: number }) =>
    `package ${p.file} is in format version ${p.version}, and this romhost reads version ${p.supported}: run it with the romhost that packed it, or pack it again with this one`,
  'package-world': (p: { file: string; world: string; supported: string }) =>
    `package ${p.file} needs the world ${p.world}, and this romhost has ${p.supported}: run it with a romhost that has ${p.world}`,
  'package-component-changed': (p: { file: string; name: string; expected: string; found: string }) =>
    `package ${p.file}: component "${p.name}" does not match its manifest (SHA-256 ${p.expected.slice(0, 12)} listed, ${p.found.slice(0, 12)} found): the package was altered or damaged; pack it again from its scenario`,
  'package-scenario-changed': (p: { file: string; expected: string; found: string }) =>
    `package ${p.file}: its scenario.yaml does not match its manifest (SHA-256 ${p.expected.slice(0, 12)} listed, ${p.found.slice(0, 12)} found): the package was altered or damaged; pack it again from its scenario`,
  'package-unpack-failed': (p: { file: string; path: string; reason: string }) =>
    `package ${p.file} cannot be unpacked to ${p.path}: ${p.reason}; free the disk, or set ROMHOST_CACHE to a folder romhost may write`,
  'package-unwritable': (p: { file: string; reason: string }) =>
    `package ${p.file} cannot be written: ${p.reason}`,

  // snapshots: a host's state at a step boundary in one file (host/snapshot, docs/snapshot.md)
  'snapshot-unreadable': (p: { file: string; reason: string }) => `snapshot ${p.file} cannot be read: ${p.reason}`,
  'snapshot-not-snapshot': (p: { file: string; detail: string }) =>
    `${p.file} is not a romhost snapshot (${p.detail}): take one with romhost snapshot, or a {"snapshot": "PATH"} line to romhost run`,
  'snapshot-damaged': (p: { file: string; detail: string }) =>
    `snapshot ${p.file} is damaged: ${p.detail}: copy it again, or take it again from its host`,
  'snapshot-version': (p: { file: string; version: number; supported: number }) =>
    `snapshot ${p.file} is in format version ${p.version}, and this romhost reads version ${p.supported}: restore it with the romhost that took it`,
  'snapshot-world': (p: { file: string; world: string; supported: string }) =>
    `snapshot ${p.file} needs the world ${p.world}, and this romhost has ${p.supported}: restore it with a romhost that has ${p.world}`,
  'snapshot-unwritable': (p: { file: string; reason: string }) => `snapshot ${p.file} cannot be written: ${p.reason}`,
  'snapshot-component-missing': (p: { file: string; name: string; sha256: string; looked: readonly string[] }) =>
    `snapshot ${p.file}: component "${p.name}" (SHA-256 ${p.sha256.slice(0, 12)}) is not in ${p.looked.join(', nor in ')}: give a package or a store that holds it (romhost run NAME.romhost --restore SNAPSHOT, or --store DIR)`,
  'snapshot-component-mismatch': (p: { file: string; child: string; expected: string; found: string }) =>
    `snapshot ${p.file}: child "${p.child}" was restored on component ${p.found.slice(0, 12)}, but the snapshot says ${p.expected.slice(0, 12)}: a component file changed while it was restored; restore again`,
  'snapshot-store-empty': (p: { store: string }) =>
    `the ${p.store} holds no run to snapshot: run a scenario on it first (romhost run SCENARIO --store DIR)`,
  'snapshot-store-holds-run': (p: { store: string; step: number }) =>
    `a snapshot cannot be restored into the ${p.store}: it holds a run already (at step ${p.step}); restore into a new store (another --store DIR), or resume that run without --restore`,
} as const;

export type ErrorCode = keyof typeof messages;
export type ErrorParams<C extends ErrorCode> = Parameters<(typeof messages)[C]>[0];

/** An error of romhost: `code` says which, `message` says what is at fault and what to do. */
export class RomhostError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'RomhostError';
  constructor(
    readonly code: C,
    readonly params: ErrorParams<C>,
    options?: { cause?: unknown },
  ) {
    super((messages[code] as (p: ErrorParams<C>) => string)(params), options);
  }
}

export function fail<C extends ErrorCode>(code: C, params: ErrorParams<C>, cause?: unknown): never {
  throw new RomhostError(code, params, cause === undefined ? undefined : { cause });
}

export function isRomhostError(e: unknown): e is RomhostError {
  return e instanceof RomhostError;
}

function formatKib(bytes: number): string {
  const kib = bytes / 1024;
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
}
