// Step 1 of the single executable: bundle the whole CLI (src/main.ts and every
// command src/cli.ts registers) into ONE ES module, so start-up pays for no
// module resolution and the binary needs no files beside it.
//
// Why ESM: ink and yoga-layout use top-level await, which CommonJS cannot hold.
// Node 20's SEA main must be CommonJS, so sea-main.cjs import()s this bundle.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STUB = fileURLToPath(new URL('./react-devtools-core-stub.mjs', import.meta.url));

/** Files the program reads at run time, embedded as __SQSDEMO_ASSETS__ (see src/assets.ts). */
export const ASSET_FILES = ['swagger.yml'];

/** Source files allowed to use import.meta.url: they switch to the embedded form in the binary. */
const SEA_AWARE = new Set(['src/self.ts', 'src/assets.ts']);

/**
 * Bundle src/main.ts.
 *
 * - `split: false`: ONE ES module (the single executable's fallback when it
 *   cannot write its cache; it starts slower: everything is parsed at once).
 * - `split: true`: an entry `sqsdemo.mjs` plus chunks. src/cli.ts import()s
 *   only the command being run, so `--help` loads the entry and commander
 *   (~150 KB) instead of all of it (~4 MB: the SDK, Ink, React, ajv).
 * - `sea`: built for the single executable (true) or for `node bin/sqsdemo`
 *   running dist/js (false: src/self.ts then starts roles through the shim).
 *
 * @param {{ split?: boolean, sea?: boolean }} [options]
 * @returns {Promise<{ files: Array<{ name: string, code: string }>, entry: string, sha256: string, inputs: string[], warnings: string[] }>}
 */
export async function bundleCli({ split = false, sea = true } = {}) {
  const assets = Object.fromEntries(ASSET_FILES.map((name) => [name, readFileSync(join(ROOT, name), 'utf8')]));
  const warnings = [];
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { sqsdemo: 'src/main.ts' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: split,
    outdir: 'out',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    legalComments: 'none',
    // Not minified: it does not start faster (measured) and --debug stack traces stay readable.
    minify: false,
    metafile: true,
    logLevel: 'silent',
    define: {
      __SQSDEMO_SEA__: sea ? 'true' : 'false',
      __SQSDEMO_ASSETS__: JSON.stringify(assets),
      // dist/js/*.mjs: the package root is two levels up (src/self.ts finds bin/sqsdemo from it).
      ...(sea ? {} : { __SQSDEMO_BUNDLE_ROOT__: JSON.stringify('../../') }),
      // React's production build: faster, and no development warnings on a user's terminal.
      'process.env.NODE_ENV': '"production"',
    },
    alias: { 'react-devtools-core': STUB },
    // Bundled CommonJS packages call require() for Node built-ins; an ES module has none.
    // Anchored at the binary, it can load built-ins only, which is all a bundle needs.
    banner: {
      js: "import { createRequire as __sqsdemoCreateRequire } from 'node:module';\nconst require = __sqsdemoCreateRequire(process.execPath);",
    },
    plugins: [inkWithoutDevtools(), noFilesBesideTheBinary(warnings)],
  }).catch((err) => {
    const messages = (err.errors ?? []).map(formatMessage);
    throw new Error(`esbuild failed:\n${messages.join('\n') || err.message}`);
  });
  for (const w of result.warnings) warnings.push(formatMessage(w));
  const files = result.outputFiles
    .map((f) => ({ name: relative(join(ROOT, 'out'), f.path).split('\\').join('/'), code: f.text }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.name).update('\0').update(f.code).update('\0');
  return {
    files,
    entry: 'sqsdemo.mjs',
    sha256: hash.digest('hex'),
    inputs: Object.keys(result.metafile.inputs),
    warnings,
  };
}

/**
 * Ink connects to React DevTools and reads its own package.json when DEV=true in
 * the environment; neither exists in the binary, and DEV=true is common in shells.
 */
function inkWithoutDevtools() {
  return {
    name: 'ink-without-devtools',
    setup(build) {
      build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, () => ({
        contents: 'export const isDev = () => false;\n',
        loader: 'js',
      }));
    },
  };
}

/** Warn when our own code locates files next to itself: in the binary there are none. */
function noFilesBesideTheBinary(warnings) {
  return {
    name: 'no-files-beside-the-binary',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, (args) => {
        const rel = relative(ROOT, args.path).split('\\').join('/');
        if (SEA_AWARE.has(rel)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (/import\.meta\.(url|dirname|filename)|__dirname/.test(text)) {
          warnings.push(`${rel} locates files through import.meta: the single executable has no files beside it (use readAsset() from src/assets.ts, or selfCommand() from src/self.ts)`);
        }
        return undefined;
      });
    },
  };
}

function formatMessage(m) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  return `  ${where}${m.text}`;
}
