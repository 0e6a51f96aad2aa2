import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { App } from '../../src/dash/App.js';
import { createDashStore } from '../../src/dash/store.js';
import { runningState } from './fixtures.js';

/** A terminal whose size the test sets, as a real one does on resize (columns, rows, 'resize'). */
class FakeTerminal extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  last = '';
  write = (frame: string): boolean => {
    this.last = frame;
    return true;
  };
}

class FakeInput extends EventEmitter {
  isTTY = false;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): null => null;
}

async function frameWhere(term: FakeTerminal, ok: (lines: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = term.last.split('\n');
    if (ok(lines)) return lines;
    if (Date.now() > deadline) assert.fail(`never drew ${what}:\n${term.last}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('dash screen and the terminal size', () => {
  it('follows a resize from 80x24 to 140x40', async () => {
    const term = new FakeTerminal();
    const store = createDashStore({ initial: runningState(), publishMs: 0 });
    const app = render(<App store={store} controls={{ quit() {}, togglePause() {}, changeRate() {} }} />, {
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: new FakeInput() as unknown as NodeJS.ReadStream,
      debug: true,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    try {
      const border = (lines: string[]) => lines.find((l) => l.startsWith('┌')) ?? '';
      await frameWhere(term, (l) => [...border(l)].length === 80, 'an 80 column frame');
      term.columns = 140;
      term.rows = 40;
      term.emit('resize');
      const lines = await frameWhere(term, (l) => [...border(l)].length === 140, 'a 140 column frame');
      assert.ok(lines.length > 30 && lines.length < 40, `${lines.length} rows`);
    } finally {
      app.unmount();
    }
  });
});
