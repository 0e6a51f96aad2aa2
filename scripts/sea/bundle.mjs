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
 * @returns {Promise<{ code: string, sha256: string, inputs: number, warnings: string[] }>}
 */
export async function bundleCli() {
  const assets = Object.fromEntries(ASSET_FILES.map((name) => [name, readFileSync(join(ROOT, name), 'utf8')]));
  const warnings = [];
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/main.ts'],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: 'sqsdemo.mjs',
    jsx: 'automatic',
    legalComments: 'none',
    // Not minified: it does not start faster (measured) and --debug stack traces stay readable.
    minify: false,
    metafile: true,
    logLevel: 'silent',
    define: {
      __SQSDEMO_SEA__: 'true',
      __SQSDEMO_ASSETS__: JSON.stringify(assets),
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
  const code = result.outputFiles[0].text;
  return {
    code,
    sha256: createHash('sha256').update(code).digest('hex'),
    inputs: Object.keys(result.metafile.inputs).length,
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
