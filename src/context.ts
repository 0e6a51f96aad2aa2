/** What the composition root (src/cli.ts) hands to every command. */
import type { Writable } from 'node:stream';
import type { Env } from './config.js';

export interface CommandContext {
  /** Aborted on the first SIGINT/SIGTERM: stop taking work, drain, return. */
  readonly signal: AbortSignal;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Readable input (load's `--control stdin`); process.stdin in the real CLI. */
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Env;
  /** True when stdout is a terminal (colours, live redraws). */
  readonly isTTY: boolean;
}
