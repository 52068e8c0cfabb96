/** Scenario packages: a scenario and its components in one verified file (docs/scenario.md, "Packages"). */
export { PACKAGE_VERSION, PACKAGE_WORLD } from './format.js';
export type { PackageManifest } from './format.js';
export { packScenario } from './pack-scenario.js';
export type { Packed } from './pack-scenario.js';
export { readPackage } from './read-package.js';
export type { ReadPackage } from './read-package.js';
export { inspectPackage } from './inspect-package.js';
export type { PackageInfo } from './inspect-package.js';
