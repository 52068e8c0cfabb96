export { Engine } from './engine.js';
export type { EngineOptions, EngineStats } from './engine.js';
export type { CallPath, ChildImports, Component, ComponentInstance, CoreModuleInfo } from './types.js';
export { LimitTrap, MAX_CALL_DEPTH } from './limiter.js';
export type { InstanceLimits, Limit } from './limiter.js';
export type { EngineCache } from './engine-cache.js';
export { DirectoryCache } from './directory-cache.js';
export { defaultCacheDir } from './cache-location.js';
export type { CacheStats } from './prepared-cache.js';
