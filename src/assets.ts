/**
 * Files the program reads at run time (swagger.yml). From the source tree they
 * are read from the package root; the single executable's build embeds them
 * (esbuild `define` of __SQSDEMO_ASSETS__), so the binary needs no files beside it.
 */
import { readFileSync } from 'node:fs';

declare const __SQSDEMO_ASSETS__: Readonly<Record<string, string>> | undefined;

export type AssetName = 'swagger.yml';

export function readAsset(name: AssetName): string {
  if (typeof __SQSDEMO_ASSETS__ !== 'undefined' && __SQSDEMO_ASSETS__[name] !== undefined) return __SQSDEMO_ASSETS__[name];
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}
