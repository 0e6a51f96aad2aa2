/**
 * dash on a real terminal: run it in a detached tmux session (120x32), read
 * the screen with capture-pane, press q, and read the final balance printed
 * in the normal screen after Ink left. Skipped (with the reason) without tmux,
 * except under CI, where .ci/run installs it and its absence fails the test.
 */
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { BIN } from '../helpers/cli.js';
import { dashRun, parseBalance } from './dash-helpers.js';

const exec = promisify(execFile);

function tmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed: the terminal test needs it (apt-get install tmux)';
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe('sqsdemo dash on a terminal', () => {
  const missing = tmuxMissing();
  // CI installs tmux (.ci/run): there a missing tmux is a failure, not a skip.
  const inCi = process.env.CI !== undefined && process.env.CI !== '0' && process.env.CI !== 'false';
  if (missing && !inCi) console.log(`# skipping the tmux test: ${missing}`);

  it('draws the three panes with moving counters; +, p reach the load client; q stops everything and prints the balance', { skip: missing && !inCi ? missing : false }, async () => {
    if (missing) assert.fail(`${missing}; CI=${process.env.CI} requires it`);
    const socket = `sqsdemo-e2e-${randomBytes(4).toString('hex')}`;
    const tmux = (...args: string[]) => exec('tmux', ['-L', socket, '-f', '/dev/null', ...args]).then((r) => r.stdout);
    const run = dashRun(['--rate', '100', '--work-ms', '20']);
    // The test must not inherit the developer's SQS settings, nor CI=true (a user's terminal is not CI).
    const env = [...['SQSDEMO_ENDPOINT', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL', 'SQSDEMO_QUEUE', 'SQSDEMO_DLQ', 'SQSDEMO_AWS'].flatMap((v) => ['-u', v]), 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true', 'TERM=xterm-256color', 'CI=0'];
    // After dash exits, keep the pane open so the test can read what it printed.
    const command = `env ${env.join(' ')} ${quote(process.execPath)} ${quote(BIN)} ${run.args.map(quote).join(' ')}; echo "DASH-EXIT=$?"; sleep 120`;
    const screen = () => tmux('capture-pane', '-p', '-t', 'dash');
    const waitScreen = async (pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen();
        const m = text.match(pattern);
        if (m) return m;
        if (what !== 'the exit of dash' && /DASH-EXIT=/.test(text)) assert.fail(`dash exited before the screen showed ${what}:\n${text}`);
        if (Date.now() > deadline) assert.fail(`the screen never showed ${what}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    try {
      // From a directory outside the repository, as a user runs it (tsx must still find the project's tsconfig).
      await tmux('new-session', '-d', '-s', 'dash', '-c', tmpdir(), '-x', '120', '-y', '32', command);
      const first = Number((await waitScreen(/\bsent (\d*[1-9]\d*)\b/, 'a first count of sent requests'))[1]);
      const text = await screen();
      for (const title of ['HTTP log', 'reader', 'client']) assert.match(text, new RegExp(title), `pane title ${title}`);
      assert.match(text, /q quit/);
      // The malformed requests' 400s come back at once; a 201 waits for SQS (seconds on a slow engine such as moto).
      await waitScreen(/POST \/api\/message 201/, 'a 201 in the HTTP log');
      // Counters move: the client's sent count grows.
      await waitScreen(new RegExp(`\\bsent (?!${first}\\b)\\d+`), `a sent count other than ${first}`);
      // The keys reach the load client itself: what the pane shows is what load reports in its own stats.
      await waitScreen(/rate 100\/s · /, 'the load client at its starting rate');
      await tmux('send-keys', '-t', 'dash', '+');
      await waitScreen(/rate 150\/s · /, 'the load client reporting 150/s after +');
      await tmux('send-keys', '-t', 'dash', 'p');
      await waitScreen(/PAUSED \(rate 150\/s\)/, 'the load client reporting itself paused after p');
      await tmux('send-keys', '-t', 'dash', 'p');
      await waitScreen(/rate 150\/s · /, 'the load client running again after a second p');
      await tmux('send-keys', '-t', 'dash', 'q');
      const code = Number((await waitScreen(/DASH-EXIT=(\d+)/, 'the exit of dash'))[1]);
      const after = await screen();
      assert.equal(code, 0, after);
      const b = parseBalance(after.replace(/\n(?=\s)/g, ' '));
      assert.ok(b?.holds, `final balance holds:\n${after}`);
      assert.ok(b.accepted > 0);
    } finally {
      await tmux('kill-server').catch(() => undefined);
      await run.cleanup();
    }
  });
});
