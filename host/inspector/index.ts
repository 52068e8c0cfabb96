/** The inspector: a local web page on a running host (its children, ROMs, reports, lifecycle buttons, and a scene). */
export { startInspector } from './server.js';
export type { Inspector, InspectorOptions } from './server.js';
export { PROTOCOL_VERSION } from './protocol.js';
export type { ClientMessage, ScenarioView, ServerMessage, Value } from './protocol.js';
