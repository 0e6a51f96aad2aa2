/** What every section gets from run.ts. */
import { join } from 'node:path';
import type { Row } from './report.js';

export interface BenchOptions {
  /** The ~30 s version: shorter windows, fewer messages. */
  readonly quick: boolean;
  /** Run sqsdemo's side of each measurement under `node --cpu-prof` and report its hottest functions. */
  readonly profile: boolean;
  /** Where --cpu-prof writes (bench/profiles). */
  readonly profileDir: string;
  /** Extra flags for `sqsdemo dash` in the pipeline section (e.g. a load rate). */
  readonly dashArgs: readonly string[];
  /** Run sqsdemo's children from source through tsx (default: build dist/ and run dist/js). */
  readonly fromSource?: boolean;
}

export interface SectionOutput {
  readonly rows: Row[];
  readonly notes: string[];
}

export type Section = (options: BenchOptions, out: SectionOutput) => Promise<void>;

/**
 * Node flags for a profiled sqsdemo child, and the directory its profiles go
 * to (one per thread: tsx's loader runs in a worker thread), or none.
 */
export function profileFor(options: BenchOptions, name: string): { nodeArgs: string[]; path: string | undefined } {
  if (!options.profile) return { nodeArgs: [], path: undefined };
  const dir = join(options.profileDir, `${name}-${Date.now()}`);
  return { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir], path: dir };
}
