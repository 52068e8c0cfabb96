export { DirtyQueue } from './dirty-queue.js';
export { equalBytes, Router } from './router.js';
export type { ActivityHook, Placement, ReportChange, RomReader, ShadowHook, SourceValue, StepTap } from './step-hooks.js';
export { routeTable } from './route-table.js';
export type { Route, RouteTable, Subscriber } from './route-table.js';
