/**
 * The component builder's public face: component folders (component.json + source) → .wasm
 * files, byte-reproducible. Used by `romhost build` and by tests.
 */
export { buildComponent, buildComponents } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export { findComponentDirs } from './find-component-dirs.js';
export { MANIFEST_FILE, readManifest } from './manifest.js';
export type { Manifest } from './manifest.js';
export { LANGUAGES } from './languages.js';
export type { Language } from './languages.js';
export { scaffoldComponent, scaffoldLanguages, SMOKE_SCENARIO } from './scaffold.js';
export type { Scaffolded } from './scaffold.js';
