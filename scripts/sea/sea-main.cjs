// The single executable's entry (Node 20's SEA main must be CommonJS, and can
// require() only Node's built-ins). It starts the ES module bundle of the CLI
// (see scripts/build-sea.mjs).
//
// How: the split bundle (assets 'split/*': an entry and chunks; src/cli.ts
// import()s only the command being run) is written once per version to a
// per-user cache directory named by its SHA-256, and import()ed from there;
// later starts only stat() its files. `--help` then loads ~150 KB instead of
// ~4 MB. When no cache directory is writable, the one-file bundle (asset
// 'sqsdemo.mjs') is imported from memory as a data: URL (slower: everything is
// parsed on every start).
'use strict';
const { getAsset } = require('node:sea');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { pathToFileURL } = require('node:url');

const BUNDLE = 'sqsdemo.mjs';
const EXIT_CANNOT_START = 70;
/** Other versions' cache entries older than this are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** { sha256, entry, files: [{ name, size }] } of the split bundle, written by the build. */
const manifest = JSON.parse(getAsset('split/manifest.json', 'utf8'));

function cacheDir() {
  const env = process.env;
  if (env.SQSDEMO_CACHE_DIR) return env.SQSDEMO_CACHE_DIR;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'sqsdemo', 'cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'sqsdemo');
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(xdg, 'sqsdemo');
}

/** True when `dir` holds every file of the split bundle, whole. */
function complete(dir) {
  return manifest.files.every((f) => {
    const st = fs.statSync(path.join(dir, f.name), { throwIfNoEntry: false });
    return st !== undefined && st.isFile() && st.size === f.size;
  });
}

/** The entry's file URL in the cache, writing the bundle there first if needed; undefined if that is impossible. */
function cachedBundleUrl() {
  try {
    const root = cacheDir();
    const dir = path.join(root, `sqsdemo-${manifest.sha256.slice(0, 20)}`);
    const entry = pathToFileURL(path.join(dir, manifest.entry)).href;
    if (complete(dir)) return entry;
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    // Write aside and rename: concurrent first starts (dash starts several) never see half a bundle.
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { mode: 0o700 });
    for (const f of manifest.files) fs.writeFileSync(path.join(tmp, f.name), Buffer.from(getAsset(`split/${f.name}`)), { mode: 0o600 });
    try {
      fs.rmSync(dir, { recursive: true, force: true }); // an incomplete one left by a crash
      fs.renameSync(tmp, dir);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!complete(dir)) throw err; // another start won the race: use its copy
    }
    removeStale(root, path.basename(dir));
    return entry;
  } catch {
    return undefined;
  }
}

function removeStale(dir, keep) {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (name === keep || !/^sqsdemo-[0-9a-f]+(\.mjs)?(\.\d+\.tmp)?$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > STALE_MS) fs.rmSync(file, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

function dataUrl() {
  const code = `${getAsset(BUNDLE, 'utf8')}\n//# sourceURL=sqsdemo.mjs\n`;
  return `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
}

// A CommonJS SEA main has no import() of its own; a vm.Script with the main
// context's default loader does. Node 20 flags that option as experimental with a
// warning on first use; only that one warning is kept off the user's terminal.
const importer = new vm.Script('(url) => import(url)', {
  filename: 'sqsdemo-sea-main',
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext();

function start(url) {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(warning, ...rest) {
    if (String((warning && warning.message) || warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    return emitWarning.call(process, warning, ...rest);
  };
  try {
    return importer(url);
  } finally {
    process.emitWarning = emitWarning;
  }
}

const cached = cachedBundleUrl();
start(cached ?? dataUrl()).catch((err) => {
  // Only failures to load the bundle land here: src/cli.ts main() reports its own errors and exits.
  if (cached && err && err.code === 'ERR_MODULE_NOT_FOUND') {
    // The cache file vanished between stat() and import(): start from memory instead.
    return start(dataUrl());
  }
  throw err;
}).catch((err) => {
  process.stderr.write(`sqsdemo: could not start: ${(err && err.stack) || err}\n`);
  process.exit(EXIT_CANNOT_START);
});
