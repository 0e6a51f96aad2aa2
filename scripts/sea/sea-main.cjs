// The single executable's entry (Node 20's SEA main must be CommonJS, and can
// require() only Node's built-ins). It starts the ES module bundle of the CLI,
// embedded as the asset 'sqsdemo.mjs' (see scripts/build-sea.mjs).
//
// How: the bundle is written once per version to a per-user cache file named by
// its SHA-256, and import()ed from there; later starts only stat() that file.
// Measured on Node 20: ~210 ms for `--help`, the same as `node bundle.mjs`;
// importing it as a data: URL instead costs ~160 ms more on every start, so that
// is only the fallback when no cache directory is writable.
'use strict';
const { getAsset } = require('node:sea');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { pathToFileURL } = require('node:url');

const BUNDLE = 'sqsdemo.mjs';
const EXIT_CANNOT_START = 70;
/** Other versions' cache files older than this are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** "<sha256> <bytes>" of the bundle, written by the build. */
const [sha256, sizeText] = getAsset(`${BUNDLE}.sha256`, 'utf8').trim().split(' ');
const size = Number(sizeText);

function cacheDir() {
  const env = process.env;
  if (env.SQSDEMO_CACHE_DIR) return env.SQSDEMO_CACHE_DIR;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'sqsdemo', 'cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'sqsdemo');
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(xdg, 'sqsdemo');
}

/** The bundle's file URL in the cache, writing it first if needed; undefined if that is impossible. */
function cachedBundleUrl() {
  try {
    const dir = cacheDir();
    const file = path.join(dir, `sqsdemo-${sha256.slice(0, 20)}.mjs`);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st && st.isFile() && st.size === size) return pathToFileURL(file).href;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Write aside and rename: concurrent first starts (dash starts several) never see half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(getAsset(BUNDLE)), { mode: 0o600 });
    try {
      fs.renameSync(tmp, file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      if (!fs.existsSync(file)) throw err;
    }
    removeStale(dir, path.basename(file));
    return pathToFileURL(file).href;
  } catch {
    return undefined;
  }
}

function removeStale(dir, keep) {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (name === keep || !/^sqsdemo-[0-9a-f]+\.mjs(\.\d+\.tmp)?$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > STALE_MS) fs.rmSync(file, { force: true });
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
