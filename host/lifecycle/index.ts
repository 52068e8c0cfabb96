export { Child } from './child.js';
export type { Submitted } from './child.js';
