#!/usr/bin/env node
// npm run build: the single executable dist/sqsdemo (Node's single-executable
// applications, the successor of pkg). esbuild bundles the whole CLI into one ES
// module; node --experimental-sea-config packs it with scripts/sea/sea-main.cjs
// into a blob; postject injects that blob into a copy of the running node.
// The binary runs on the platform (OS, CPU, libc) it was built on.
//
//   node scripts/build-sea.mjs [--out DIR] [--quiet]     default DIR: dist
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ASSET_FILES, bundleCli } from './sea/bundle.mjs';
import { injectBlob, makeBlob } from './sea/inject.mjs';

const USAGE = `usage: node scripts/build-sea.mjs [--out DIR] [--quiet]

Builds DIR/sqsdemo (default DIR: dist), a single executable of the sqsdemo CLI
for this platform, from a copy of the running node (${process.version}).`;

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function options() {
  try {
    const { values } = parseArgs({
      options: { out: { type: 'string', default: 'dist' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { outDir: resolve(values.out), quiet: values.quiet };
  } catch (err) {
    console.error(`build-sea: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) {
    throw new Error(`Node ${process.version} cannot build it: single-executable assets need Node >= 20.12`);
  }
}

async function build({ outDir, quiet }) {
  const log = quiet ? () => {} : (line) => console.log(line);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  checkNode();
  const target = join(outDir, process.platform === 'win32' ? 'sqsdemo.exe' : 'sqsdemo');
  mkdirSync(outDir, { recursive: true }); // fail early on a bad --out
  const workDir = mkdtempSync(join(tmpdir(), 'sqsdemo-sea-'));
  try {
    log('bundling src/main.ts with esbuild (split for a fast start, one file as the fallback) ...');
    const [split, single, js] = await Promise.all([bundleCli({ split: true }), bundleCli(), bundleCli({ split: true, sea: false })]);
    for (const warning of new Set([...split.warnings, ...single.warnings])) console.warn(`warning: ${warning}`);
    const assets = {};
    const put = (asset, text) => {
      const file = join(workDir, asset.replace(/\//g, '__'));
      writeFileSync(file, text);
      assets[asset] = file;
    };
    // The fallback: one module, imported from memory when no cache directory is writable.
    put('sqsdemo.mjs', single.files[0].code);
    // The normal start: the split bundle, written once to the cache and imported from there.
    for (const f of split.files) put(`split/${f.name}`, f.code);
    put('split/manifest.json', JSON.stringify({ sha256: split.sha256, entry: split.entry, files: split.files.map((f) => ({ name: f.name, size: Buffer.byteLength(f.code) })) }));
    const total = split.files.reduce((n, f) => n + Buffer.byteLength(f.code), 0);
    log(`  ${split.inputs.length} modules -> ${split.files.length} files, ${mib(total)}; entry ${mib(Buffer.byteLength(split.files.find((f) => f.name === split.entry).code))} (${elapsed()})`);
    writeJsBundle(join(outDir, 'js'), js);
    log(`  dist/js: the same split bundle for \`node bin/sqsdemo\` (used while the sources are unchanged)`);

    log(`packing the SEA blob with node ${process.version} ...`);
    const blob = makeBlob({ workDir, assets });

    log(`injecting into a copy of ${process.execPath} ...`);
    rmSync(target, { force: true }); // a running old binary keeps its inode; we write a new file
    await injectBlob({ blob, target, log });

    const shown = relative(process.cwd(), target) || target;
    log(`done: ${shown.startsWith('..') ? target : shown} (${mib(statSync(target).size)}, ${process.platform}-${process.arch}, ${elapsed()})`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * DIR/js: the split bundle for `node bin/sqsdemo`, with inputs.json naming
 * every source file it was built from (size and mtime): the shim runs the
 * bundle only while all of them are unchanged, else the sources through tsx.
 */
function writeJsBundle(dir, bundle) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of bundle.files) writeFileSync(join(dir, f.name), f.code);
  // Files on disk only (esbuild also lists its defines), our own: node_modules change with package-lock.json.
  const own = bundle.inputs.filter((p) => !p.startsWith('<') && !p.split(/[\\/]/).includes('node_modules'));
  const watched = [...own, 'package.json', 'package-lock.json', ...ASSET_FILES, 'bin/sqsdemo'];
  const inputs = watched.map((p) => {
    const st = statSync(join(ROOT, p));
    return [p, st.mtimeMs, st.size];
  });
  writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ entry: bundle.entry, inputs }));
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const opts = options();
try {
  await build(opts);
} catch (err) {
  console.error(`build-sea: ${err.message}`);
  process.exit(1);
}
