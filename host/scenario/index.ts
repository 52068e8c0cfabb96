/** The scenario file: its format, parsing and validation, and its JSON Schema for editors. */
export { parseScenario } from './parse-scenario.js';
export { loadScenario, replaceSubsystem, subsystemTexts } from './load-scenario.js';
export { scenarioJsonSchema } from './json-schema.js';
export { DEFAULT_LIMITS, DEFAULT_RESTART } from './limits.js';
/** The route text of a source (`CHILD/REPORT`, `input/NAME`, `host/state`): one spelling for every part. */
export { formatSource, isInputName, isInputSource, isSource, parseSource } from './source.js';
export type { Scenario, ChildSpec, ComponentRef, RomSource, Limits, RestartPolicy, SubsystemSpec, SubsystemTexts } from './types.js';
export { childChanges } from './child-changes.js';
export type { ChildChanges, PlacedChild } from './child-changes.js';
/** Families (`room/*`) and their members (`room/42`): names and the `*` patterns of their routes. */
export { familyOf, isFamily, keyOf, matchPattern, memberName, resolvePattern, sourcePattern } from './families.js';
export type { SourcePattern } from './families.js';
