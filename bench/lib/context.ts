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
}

export interface SectionOutput {
  readonly rows: Row[];
  readonly notes: string[];
}

export type Section = (options: BenchOptions, out: SectionOutput) => Promise<void>;

/** Node flags for a profiled sqsdemo child (and where its profile will be), or none. */
export function profileFor(options: BenchOptions, name: string): { nodeArgs: string[]; path: string | undefined } {
  if (!options.profile) return { nodeArgs: [], path: undefined };
  const file = `${name}-${Date.now()}.cpuprofile`;
  return { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', options.profileDir, '--cpu-prof-name', file], path: join(options.profileDir, file) };
}
