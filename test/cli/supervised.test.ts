import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a role started by a supervisor', () => {
  it('stops by itself when the supervisor is killed with SIGKILL', async () => {
    // A stand-in supervisor: starts `sqsdemo sqs` as dash does, prints the role's pid, then idles.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, [${JSON.stringify(BIN)}, 'sqs', '--port', '0'], {
        env: { ...process.env, SQSDEMO_SUPERVISOR_PID: String(process.pid) }, stdio: ['ignore', 'pipe', 'inherit'], detached: true,
      });
      child.stdout.on('data', (d) => { if (/listening on/.test(String(d))) console.log('ROLE ' + child.pid); });
      setInterval(() => {}, 1000);
    `;
    const supervisor = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const rolePid = await new Promise<number>((resolve, reject) => {
      let out = '';
      supervisor.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /ROLE (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      supervisor.on('close', () => reject(new Error(`supervisor exited early: ${out}`)));
    });
    assert.ok(alive(rolePid));
    supervisor.kill('SIGKILL');
    // The role notices within a second or so; allow a generous bound on a loaded machine.
    const deadline = Date.now() + 20_000;
    while (alive(rolePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const stillAlive = alive(rolePid);
    if (stillAlive) process.kill(rolePid, 'SIGKILL');
    assert.equal(stillAlive, false, 'the role outlived its supervisor');
  });
});
