import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHost, Engine, findComponentDirs, parseScenario, readManifest } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { HandChild } from './hand-loop.js';
import { emit, median, nowNs, progress, quantile, sig3 } from './stats.js';

export interface LanguagesOptions {
  readonly root: string;
  /** Inputs per round; each is two updates (the input, then the counter's own state coming back). */
  readonly perRound: number;
  readonly rounds: number;
  readonly instances: number;
}

const encoder = new TextEncoder();
const INPUT = [encoder.encode('input')];
const STATE = [encoder.encode('state')];

/**
 * languages: every implementation of the counter role (components/ROLES.md), one line each:
 * update throughput through the host vs the same component's main core export called directly by
 * a hand loop (bench/hand-loop.ts: the floor, no host), instantiate time from the engine's cache vs
 * `new WebAssembly.Instance` of that core module, and the component's size.
 */
export async function languages(opts: LanguagesOptions): Promise<void> {
  const impls = findComponentDirs(path.join(opts.root, 'components')).flatMap((dir) => {
    const manifest = readManifest(dir);
    return manifest.role === 'counter' ? [{ dir, language: manifest.language, wasm: path.join(dir, manifest.wasm) }] : [];
  });
  for (const impl of impls) {
    const name = path.basename(impl.dir);
    progress(`languages: ${name}`);
    const bytes = readFileSync(impl.wasm);
    const engine = new Engine();
    const host = createHost({ engine });
    await host.apply(
      parseScenario(
        `components: { c: ${impl.wasm} }\nchildren: { c: { component: c, roms: { input: input/input, state: c/state }, reports: [count, state] } }\n`,
        path.join(opts.root, 'languages.yaml'),
      ),
    );

    // The floor: the main core module with hand-written imports, when it has the fast path's shape.
    const component = await engine.load(bytes, impl.wasm);
    let hand: { child: HandChild; roms: Map<string, Uint8Array> } | undefined;
    let module: WebAssembly.Module | undefined;
    if (component.callPath === 'fast') {
      module = await mainCoreModule(bytes);
      const roms = new Map<string, Uint8Array>();
      hand = { roms, child: new HandChild(module, (n) => roms.get(n), (n, c) => n === 'state' && roms.set('state', c)) };
    }

    // A fault can lose the input of its step (the restarted child sees only the latest value): count them.
    let faults = 0;
    host.faults$.subscribe(() => (faults += 1));
    let next = 0;
    const hostRates: number[] = [];
    const handRates: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const values = Array.from({ length: opts.perRound }, () => encoder.encode(String(next++)));
      let t0 = nowNs();
      for (const value of values) await host.publish('input', value);
      hostRates.push((2 * opts.perRound) / ((nowNs() - t0) / 1e9));
      if (hand) {
        t0 = nowNs();
        for (const value of values) {
          hand.roms.set('input', value);
          hand.child.update(INPUT);
          hand.child.update(STATE);
        }
        handRates.push((2 * opts.perRound) / ((nowNs() - t0) / 1e9));
      }
    }
    const count = new TextDecoder().decode(host.read('c/count'));
    if (!(Number(count) <= next && Number(count) >= next - faults)) {
      throw new Error(`languages: ${name} counted ${count} of ${next} inputs, with ${faults} faults`);
    }

    // Instantiate: one more instance from the engine's cache vs the raw core module.
    const imports = { read: () => undefined, submit: () => {} };
    const limits = { fuel: 10_000_000, memoryMib: 256 };
    const romhostUs: number[] = [];
    const rawUs: number[] = [];
    const rawImports = {
      'romhost:component/rom@0.1.0': { read: () => {} },
      'romhost:component/report@0.1.0': { submit: () => {} },
    };
    for (let i = 0; i < opts.instances; i++) {
      let t0 = nowNs();
      engine.instantiate(component, imports, limits);
      romhostUs.push((nowNs() - t0) / 1000);
      if (module) {
        t0 = nowNs();
        new WebAssembly.Instance(module, rawImports);
        rawUs.push((nowNs() - t0) / 1000);
      }
    }
    await host.close();

    const romhost = median(hostRates);
    const baseline = handRates.length > 0 ? median(handRates) : undefined;
    emit({
      bench: `languages/${name}`,
      unit: 'updates/s',
      romhost: sig3(romhost),
      baseline: baseline === undefined ? null : sig3(baseline),
      baseline_name:
        baseline === undefined ? `none: ${component.glueReason ?? 'no fast path'} (runs through jco glue)` : 'its main core export called directly by a hand loop',
      ratio: baseline === undefined ? null : sig3(romhost / baseline),
      language: impl.language,
      call_path: component.callPath,
      component_bytes: bytes.length,
      faults,
      instantiate_us: sig3(median(romhostUs)),
      instantiate_us_p99: sig3(quantile(romhostUs, 0.99)),
      raw_instantiate_us: rawUs.length > 0 ? sig3(median(rawUs)) : null,
    });
  }
}
