/**
 * How to start this same executable again (dash starts every role as a child of
 * it). Under `node bin/sqsdemo` that is node + the shim; inside the single
 * executable (npm run build) it is the binary itself, with no node on the PATH.
 */
import { fileURLToPath } from 'node:url';

/** Set to true by the single executable's build (esbuild `define`). */
declare const __SQSDEMO_SEA__: boolean | undefined;
/** The package root relative to this module, set by the dist/js build (its modules sit two levels down). */
declare const __SQSDEMO_BUNDLE_ROOT__: string | undefined;

export interface SelfCommand {
  readonly command: string;
  /** Arguments that come before the subcommand. */
  readonly args: readonly string[];
}

export function isSingleExecutable(): boolean {
  return typeof __SQSDEMO_SEA__ !== 'undefined' && __SQSDEMO_SEA__ === true;
}

export function selfCommand(): SelfCommand {
  if (isSingleExecutable()) return { command: process.execPath, args: [] };
  const root = typeof __SQSDEMO_BUNDLE_ROOT__ === 'string' ? __SQSDEMO_BUNDLE_ROOT__ : '../';
  return { command: process.execPath, args: [fileURLToPath(new URL(`${root}bin/sqsdemo`, import.meta.url))] };
}
