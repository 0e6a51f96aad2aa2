/**
 * The modules a source file pulls in at start-up: its static `import ... from`
 * (not `import type`, not `await import()`), followed through relative paths.
 * Returns repo-relative paths of source files and bare package names.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STATIC_IMPORT = /^\s*import\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

export function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(STATIC_IMPORT)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const target = relative(ROOT, join(ROOT, dirname(file), spec)).replace(/\.js$/, '');
      for (const ext of ['.ts', '.tsx', '.json', '']) {
        try {
          readFileSync(join(ROOT, target + ext));
          if (!target.endsWith('.json') || ext === '') visit(target + ext);
          break;
        } catch {
          /* next extension */
        }
      }
    }
  };
  visit(entry);
  return seen;
}
