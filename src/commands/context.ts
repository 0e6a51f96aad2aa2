/**
 * CommandContext now lives in src/context.ts (below the roles, which take it);
 * this re-export keeps the roles not yet moved (src/localsqs/run.ts) compiling.
 */
export type { CommandContext } from '../context.js';
