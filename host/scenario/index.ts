/** The scenario file: its format, parsing and validation, and its JSON Schema for editors. */
export { parseScenario } from './parse-scenario.js';
export { loadScenario } from './load-scenario.js';
export { scenarioJsonSchema } from './json-schema.js';
export { DEFAULT_LIMITS, DEFAULT_RESTART } from './limits.js';
/** The route text of a source (`CHILD/REPORT`, `input/NAME`, `host/state`): one spelling for every part. */
export { formatSource } from './source.js';
export type { Scenario, ChildSpec, ComponentRef, RomSource, Limits, RestartPolicy } from './types.js';
export { childChanges } from './child-changes.js';
export type { ChildChanges, PlacedChild } from './child-changes.js';
