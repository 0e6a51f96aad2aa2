import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App, type DashControls } from '../../src/dash/App.js';
import { accessLine, HttpLogPane } from '../../src/dash/HttpLogPane.js';
import { ReaderPane } from '../../src/dash/ReaderPane.js';
import { ClientPane } from '../../src/dash/ClientPane.js';
import { Header } from '../../src/dash/Header.js';
import { createDashStore } from '../../src/dash/store.js';
import { initialState } from '../../src/dash/state.js';
import { T0, access, fold, loadStats, runningState } from './fixtures.js';

/** Let React run its effects (useInput subscribes in one) before keys are typed. */
const effects = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Wait for Ink's next frame to show `pattern` (it throttles frames); fails after 5 s. */
async function frameShows(lastFrame: () => string | undefined, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(lastFrame() ?? '')) {
    if (Date.now() > deadline) assert.fail(`frame never showed ${pattern}:\n${lastFrame()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return lastFrame()!;
}

function recorder(): DashControls & { calls: string[] } {
  const calls: string[] = [];
  return { calls, quit: () => calls.push('quit'), togglePause: () => calls.push('pause'), changeRate: (d) => calls.push(d > 0 ? 'faster' : 'slower') };
}

function app(size = { columns: 80, rows: 24 }, state = runningState()) {
  const store = createDashStore({ initial: state, publishMs: 0 });
  const controls = recorder();
  const r = render(<App store={store} controls={controls} size={size} />);
  return { ...r, store, controls };
}

afterEach(() => cleanup());

describe('dash screen', () => {
  it('shows the three panes side by side with their titles, at 80x24', () => {
    const { lastFrame } = app();
    const lines = lastFrame()!.split('\n');
    const titles = lines.find((l) => l.includes('HTTP log'))!;
    assert.match(titles, /HTTP log.*reader.*client/);
    assert.ok(lines.length <= 23, `${lines.length} rows`);
    for (const l of lines) assert.ok([...l].length <= 80, `too wide: ${l}`);
  });

  it('uses a taller terminal for longer logs', () => {
    const many = fold(Array.from({ length: 60 }, (_, i) => access(201, i)), runningState());
    const small = app({ columns: 80, rows: 24 }, many).lastFrame()!;
    cleanup();
    const tall = app({ columns: 160, rows: 50 }, many).lastFrame()!;
    const count = (f: string) => f.split('\n').filter((l) => l.includes('POST /api/message')).length;
    assert.ok(count(tall) > count(small), `${count(tall)} vs ${count(small)}`);
  });

  it('redraws when the store changes', async () => {
    const { lastFrame, store } = app();
    store.dispatch({ kind: 'event', event: loadStats(4242) });
    await frameShows(lastFrame, /sent 4242/);
  });

  it('q quits, p pauses, + and - change the rate', async () => {
    const { stdin, controls } = app();
    await effects();
    for (const key of ['p', '+', '-', 'q']) stdin.write(key);
    assert.deepEqual(controls.calls, ['pause', 'faster', 'slower', 'quit']);
  });

  it('? shows the help, and the next key closes it without acting', async () => {
    const { stdin, lastFrame, controls } = app();
    await effects();
    stdin.write('?');
    const help = await frameShows(lastFrame, /Keys/);
    assert.match(help, /pause \/ resume the load/);
    assert.doesNotMatch(help, /…/, 'every help line fits 80 columns');
    for (const key of ['q ', 'p ', 'r ', 'd ', '? ']) assert.match(help, new RegExp(`\\s${key.replace('?', '\\?')}`), `the help names ${key.trim()}`);
    assert.match(help, /hold exactly\./, 'the whole help fits 80x24, its last line included');
    stdin.write('q');
    await frameShows(lastFrame, /HTTP log/);
    assert.deepEqual(controls.calls, []);
  });
});

describe('panes', () => {
  it('the HTTP log shows each request, 4xx red and 5xx bold red', () => {
    const s = runningState();
    const { lastFrame } = render(<HttpLogPane serve={s.serve} log={s.httpLog} child={s.children.serve} width={40} height={12} />);
    assert.match(lastFrame()!, /POST \/api\/message 400/);
    assert.match(lastFrame()!, /enqueued 500/);
    assert.equal(accessLine({ t: T0, method: 'POST', path: '/api/message', status: 400, ms: 1 }, 30).color, 'red');
    assert.equal(accessLine({ t: T0, method: 'POST', path: '/api/message', status: 503, ms: 1 }, 30).bold, true);
    assert.equal(accessLine({ t: T0, method: 'POST', path: '/api/message', status: 201, ms: 1 }, 30).color, undefined);
  });

  it("the reader pane shows the original's received/processed lines and the retry counts", () => {
    const s = runningState();
    const { lastFrame } = render(<ReaderPane work={s.work} log={s.readerLog} child={s.children.work} width={40} height={14} />);
    assert.match(lastFrame()!, /Messages received\/processed: 3\/2/);
    assert.match(lastFrame()!, /processed 400/);
    assert.match(lastFrame()!, /receives 1:400 2:10/);
  });

  it("the client pane shows the original's count lines, the rate and pause", () => {
    const s = fold([loadStats(100, { paused: true })], runningState());
    const { lastFrame } = render(<ClientPane load={s.load} log={s.clientLog} child={s.children.load} width={40} height={12} />);
    assert.match(lastFrame()!, /\{'ConnErr': 0, 400: 1, 201: 23\}/);
    assert.match(lastFrame()!, /PAUSED/);
  });

  it('a crashed role shows its last error lines in its pane', () => {
    const s = fold([
      { kind: 'stderr', name: 'serve', line: 'sqsdemo serve: listen EADDRINUSE 127.0.0.1:5000' },
      { kind: 'child', name: 'serve', status: 'crashed', exitCode: 3 },
    ]);
    const { lastFrame } = render(<HttpLogPane serve={s.serve} log={s.httpLog} child={s.children.serve} width={60} height={10} />);
    assert.match(lastFrame()!, /crashed \(exit 3\)/);
    assert.match(lastFrame()!, /EADDRINUSE/);
  });

  it('the header shows queue depth, dead-lettered and the balance that holds', () => {
    const { lastFrame } = render(<Header state={runningState()} width={120} />);
    assert.match(lastFrame()!, /queue 60 visible · 30 in flight │ dead-lettered 10/);
    assert.match(lastFrame()!, /accepted 500 = processed 400 \+ dead-lettered 10 \+ queued 60 \+ in flight 30 {2}✓ holds/);
  });

  it('the header shows FIFO and the order violations on FIFO queues (dash --fifo)', () => {
    const fifo = { ...runningState(), fifo: true };
    assert.match(render(<Header state={fifo} width={160} />).lastFrame()!, /FIFO · order violations 0/);
    const broken = { ...fifo, work: { ...fifo.work!, orderViolations: 2 } };
    assert.match(render(<Header state={broken} width={160} />).lastFrame()!, /FIFO · order violations 2/);
    assert.doesNotMatch(render(<Header state={runningState()} width={160} />).lastFrame()!, /FIFO/);
  });

  it('the header says when the numbers are not in yet', () => {
    const { lastFrame } = render(<Header state={initialState()} width={80} />);
    assert.match(lastFrame()!, /waiting for the first poll/);
  });
});
