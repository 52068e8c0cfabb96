import { resolve } from 'node:path';
import {
  createHost,
  parseScenario,
  type Fault,
  type Host,
  type HostOptions,
  type ReportChange,
  type Scenario,
  type StepResult,
} from '../../host/index.js';

/** Component paths in test scenarios are relative to the repository's root. */
export function scenario(yaml: string): Scenario {
  return parseScenario(yaml, resolve('inline.yaml'));
}

export const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

/** A host on `yaml`, its report changes recorded as `CHILD/REPORT=text@step`. */
export async function started(
  yaml: string,
  options: HostOptions = {},
): Promise<{ host: Host; changes: string[]; faults: Fault[]; applied: StepResult }> {
  const host = createHost(options);
  const changes: string[] = [];
  const faults: Fault[] = [];
  host.reports$.subscribe((c: ReportChange) => changes.push(`${c.source}=${text(c.content)}@${c.step}`));
  host.faults$.subscribe((f) => faults.push(f));
  const applied = await host.apply(scenario(yaml));
  return { host, changes, faults, applied };
}

export const COUNTER_CHAIN = `
components:
  counter: components/counter-wat/counter-wat.wasm
  adder: components/adder-wat/adder-wat.wasm
children:
  counter:
    component: counter
    roms: { input: input/input, state: counter/state }
    reports: [count, state]
  plus-one:
    component: adder
    roms: { in: counter/count }
    reports: [out]
`;

/** A decorator of the window manager alone (examples/windows), its window_layout and pointer from inputs. */
export const decoratorScenario = (wasm: string): string => `
components: { decorator: ${wasm} }
children:
  decorator:
    component: decorator
    roms: { window_layout: input/layout, pointer: input/pointer }
    reports: [margins, hover, decorations]
    limits: { report_kib: 64 }
`;
