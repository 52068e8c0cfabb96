export { Engine } from './engine.js';
export type { EngineOptions, EngineStats } from './engine.js';
export type { CallPath, ChildImports, Component, ComponentInstance, CoreModuleInfo } from './types.js';
