/**
 * The scenario file's shape, as a zod schema: what `parseScenario` validates and what the JSON
 * Schema for editors is generated from. Every error message here says what was expected; the
 * parser adds where (file, line, field) and what was found.
 * Relations between fields (routes, component names, duplicates) are checked in check-references.ts.
 */
import { z } from 'zod';
import type { Limits, RestartPolicy } from './types.js';
import { DEFAULT_LIMITS, DEFAULT_RESTART } from './limits.js';
import { CHILD_NAME, FAMILY_NAME, NAME, REPORT_NAME, RESERVED_CHILD_NAMES, ROM_NAME, SUBSYSTEM_REPORT, anchored } from './names.js';
import { SOURCE, sourceExpectation } from './source.js';
import { didYouMean } from './nearest-name.js';

/** A strict map with fixed fields: an unknown field is an error that names it. */
function fields<Shape extends z.core.$ZodLooseShape>(shape: Shape, expected: string) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownField(issue.keys[0] ?? '', Object.keys(shape))
        : `expected ${expected}`,
  });
}

/** Only the first unknown field is named: the parser points at its line. */
function unknownField(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return `unknown field "${key}"${hint || ` (fields: ${known.join(', ')})`}`;
}

function positiveInteger(description: string, max = Number.MAX_SAFE_INTEGER) {
  const expected = {
    error: max === Number.MAX_SAFE_INTEGER ? 'expected a positive whole number' : `expected a whole number from 1 to ${max}`,
  };
  return z.int(expected).positive(expected).max(max, expected).optional().meta({ description });
}

function wholeNumber(description: string) {
  const expected = { error: 'expected a whole number, 0 or more' };
  return z.int(expected).nonnegative(expected).max(Number.MAX_SAFE_INTEGER, expected).optional().meta({ description });
}

/** 4 GiB: all a 32-bit WebAssembly memory can address. */
const MAX_MEMORY_MIB = 4096;

const limitShape = {
  fuel: positiveInteger(
    `Instructions a child may run per update before it faults. Default ${DEFAULT_LIMITS.fuel}.`,
  ),
  memory_mib: positiveInteger(
    `Cap on a child's linear memory, in MiB (at most ${MAX_MEMORY_MIB}). Default ${DEFAULT_LIMITS.memory_mib}.`,
    MAX_MEMORY_MIB,
  ),
  report_kib: positiveInteger(
    `Largest report a child may submit, in KiB. Default ${DEFAULT_LIMITS.report_kib}.`,
  ),
  reports_per_update: positiveInteger(
    `Most reports a child may submit in one update. Default ${DEFAULT_LIMITS.reports_per_update}.`,
  ),
  updates_per_step: positiveInteger(
    `Most child updates one step may run before it ends as a cycle that never settles. Default ${DEFAULT_LIMITS.updates_per_step}.`,
  ),
  max_warm: positiveInteger(
    `Most children with a live instance at once; past it the least recently updated hibernate (the scenario's value counts, for the whole host). Default ${DEFAULT_LIMITS.max_warm}.`,
  ),
} satisfies Record<keyof Limits, z.ZodType>;

const limits = fields(limitShape, 'a map of limits').meta({ id: 'Limits' });

const restartShape = {
  max: wholeNumber(`Restarts allowed within within_steps steps; past them the child is quarantined. Default ${DEFAULT_RESTART.max}.`),
  within_steps: positiveInteger(`The window, in steps, in which restarts are counted. Default ${DEFAULT_RESTART.within_steps}.`),
  backoff_steps: wholeNumber(
    `Steps between a fault and the restart (0: in the same step). Default ${DEFAULT_RESTART.backoff_steps}.`,
  ),
} satisfies Record<keyof RestartPolicy, z.ZodType>;

const restart = fields(restartShape, 'a map with max, within_steps and backoff_steps').meta({ id: 'RestartPolicy' });

const componentName = z.string().regex(anchored(NAME), {
  error: "the name may use only letters, digits, '_' and '-', and must start with a letter or digit",
});

/** `input, host and config` */
const RESERVED_LIST = RESERVED_CHILD_NAMES.join(', ').replace(/, ([^,]*)$/, ' and $1');

const childName = z.string().regex(anchored(`${CHILD_NAME}|${FAMILY_NAME}`), {
  error: (issue) =>
    RESERVED_CHILD_NAMES.includes(String(issue.input).replace(/\/\*$/, ''))
      ? `${RESERVED_LIST} are reserved names (they would clash with sources): choose another`
      : "the name may use only letters, digits, '_' and '-', and must start with a letter or digit; a family is NAME/* (e.g. room/*)",
});

// A subsystem's ROMs are its inputs, whose names may hold '/' (`left/pointer`); a component's may
// not, which check-references.ts says once it knows which the child is.
const romName = z.string().regex(anchored(`${ROM_NAME}(?:/${ROM_NAME})*`), {
  error: "a local ROM name may use only letters, digits, '.', '_' and '-', and must start with a letter or digit",
});

const source = z
  .string({ error: (issue) => sourceExpectation(issue.input) })
  .regex(anchored(SOURCE), { error: (issue) => sourceExpectation(issue.input) })
  .meta({
    description:
      "CHILD/REPORT (another child's report), input/NAME (an input) or host/state (the host's report); FAMILY/KEY/REPORT (a family member's report); in a family's routes, * stands for the member's key (input/room/*/msg, room/*/state).",
  });

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Any JSON value, for the inside of a config map or list (where null is fine). */
const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]))
  .meta({ id: 'JsonValue' });

const configValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(jsonValue), z.record(z.string(), jsonValue)], {
    error: 'expected a string (the ROM is its UTF-8 bytes) or a map, list, number or boolean (the ROM is its JSON)',
  })
  .meta({ description: 'A string is the ROM\'s UTF-8 bytes; any other value is the ROM\'s JSON text.' });

// A component's report is a name; a subsystem's is one of its own sources (check-references.ts tells them apart).
const reportName = z.string({ error: 'expected a report name' }).regex(anchored(`${REPORT_NAME}|${SUBSYSTEM_REPORT}`), {
  error: "expected a report name: not empty, no '/' (a subsystem's reports are CHILD/REPORT of its scenario)",
});

const child = fields(
  {
    // Any string: whether it names a component is the reference check's to say, with a suggestion.
    component: z
      .string({ error: 'expected the name of an entry of components' })
      .optional()
      .meta({ description: 'The name of an entry of components. A child has a component or a scenario.' }),
    scenario: z
      .string({ error: 'expected the path of a scenario file' })
      .min(1, { error: 'expected the path of a scenario file' })
      .optional()
      .meta({
        description:
          "A subsystem: the path of a scenario file (relative to this file's folder) whose children run in a namespace of their own (SUBSYSTEM/CHILD). Its roms map its inputs; its reports list the CHILD/REPORT sources its parent may route.",
      }),
    roms: z
      .record(romName, source, { error: 'expected a map of local ROM name to source' })
      .optional()
      .meta({ description: 'Local ROM name → source: what this child reads, under its own names.' }),
    config: z
      .record(romName, configValue, { error: 'expected a map of local ROM name to value' })
      .optional()
      .meta({ description: 'Local ROM name → inline value: ROMs whose value is written here.' }),
    reports: z
      .array(reportName, { error: 'expected a list of report names' })
      .optional()
      .meta({
        description:
          "The reports this child may submit; submitting any other is a fault. For a subsystem: the CHILD/REPORT sources of its scenario that its parent may route (as SUBSYSTEM/CHILD/REPORT).",
        uniqueItems: true,
      }),
    limits: limits.optional().meta({ description: "This child's overrides of the scenario's limits." }),
    restart: restart.optional().meta({ description: "This child's overrides of the scenario's restart policy." }),
  },
  'a map with component (or scenario), roms, config, reports, limits and restart',
);

const componentPath = z
  .string({ error: 'expected the path of a .wasm file' })
  .min(1, { error: 'expected the path of a .wasm file' })
  .meta({ description: 'Path of the component\'s .wasm file, relative to this file\'s folder (or absolute).' });

export const scenarioFileSchema = fields(
  {
    components: z
      .record(componentName, componentPath, { error: 'expected a map of component name to .wasm path' })
      .default({})
      .meta({ description: 'Component name → path of its .wasm file. Many children may share one. May be left out when every child is a subsystem.' }),
    children: z
      .record(childName, child, { error: 'expected a map of child name to child' })
      .meta({
        description:
          'Child name → the component it runs, its routes and its reports. A name NAME/* is a family: members NAME/KEY are created on the first input that addresses them.',
      }),
    limits: limits.optional().meta({ description: 'Limits for every child (each may override them).' }),
    restart: restart
      .optional()
      .meta({ description: 'How faulted children are restarted, counted in steps (each child may override it).' }),
  },
  'a map with components, children, limits and restart',
).meta({
  title: 'romhost scenario',
  description:
    'The components, children and routes a romhost host runs. See docs/scenario.md in the romhost repository.',
});

/** A scenario file that has the right shape; its references are not checked yet. */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;
