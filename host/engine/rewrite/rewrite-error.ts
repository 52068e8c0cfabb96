/**
 * Why a core module cannot be rewritten, in one table. Messages describe the module (the caller
 * knows its name and puts it first) and say what to do.
 */
const reasons = {
  'invalid-module': (p: { reason: string }) => `is not a valid core WebAssembly module: ${p.reason}`,
  'unreadable': (p: { features: string }) =>
    `cannot be read by binaryen with the features romhost meters (${p.features}): it uses another (threads, exception handling, tail calls, GC, memory64, multiple memories, ...) or a construct binaryen 132 does not read (such as table.init of a declarative element segment); build it without`,
  'refused-expression': (p: { func: string; kind: string; reason: string }) =>
    `function ${p.func}: ${p.kind} cannot be metered (${p.reason}); build it without it`,
  'unknown-expression': (p: { func: string; id: number }) =>
    `function ${p.func}: expression kind ${p.id} is unknown to host/engine/rewrite (a newer binaryen.js?): it would run unmetered, so the module is refused; teach expression-kinds.ts that kind`,
  'name-taken': (p: { name: string }) =>
    `already exports "${p.name}", a name the rewrite reserves for the host`,
  'memory-over-cap': (p: { index: number; min: number; cap: number }) =>
    `memory ${p.index} needs at least ${p.min} pages of 64 KiB (${mib(p.min)}), above the cap of ${p.cap} pages (${mib(p.cap)}): raise the memory limit`,
  'memory-limits': (p: { index: number; flags: number }) =>
    `memory ${p.index} has limits flags 0x${p.flags.toString(16)} (memory64 or custom page sizes), which the memory cap does not handle`,
  'bad-options': (p: { detail: string }) => `cannot be rewritten with these options: ${p.detail}`,
  'internal': (p: { reason: string }) =>
    `was rewritten into an invalid module, a bug in host/engine/rewrite: ${p.reason}`,
} as const;

export type RewriteErrorCode = keyof typeof reasons;
type Params<C extends RewriteErrorCode> = Parameters<(typeof reasons)[C]>[0];

/**
 * A module the rewrite refuses (or, for `internal`, fails on). The message reads after the
 * module's name: `core module component.core.wasm ${message}`.
 */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
  constructor(
    readonly code: RewriteErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function refuse<C extends RewriteErrorCode>(code: C, params: Params<C>, cause?: unknown): never {
  const message = (reasons[code] as (p: Params<C>) => string)(params);
  throw new RewriteError(code, message, cause === undefined ? undefined : { cause });
}

function mib(pages: number): string {
  return `${pages / 16} MiB`;
}
