import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { RecordingProcessor, bodies, sendBodies, startReader, until, type RunningReader } from './harness.js';

/** A TCP proxy to the test endpoint that can cut every connection and refuse new ones, then come back on the same port. */
class FlakyProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s)).on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe('sqsdemo work: SQS outages', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  let proxy: FlakyProxy | undefined;
  after(async () => {
    await r?.stop();
    await proxy?.down().catch(() => undefined);
    await t?.stop();
  });

  it('backs off with a warn event while SQS is unreachable, then carries on', async () => {
    t = await startTestSqs({ topology: { visibilityTimeout: 2 } });
    proxy = new FlakyProxy(new URL(t.endpoint));
    await proxy.up();
    const p = new RecordingProcessor();
    r = await startReader(t, p, { waitSeconds: 1 }, { sqs: { ...t.config, endpoint: `http://127.0.0.1:${proxy.port}` } });
    await proxy.down();
    await until(() => r!.events.some((e) => e.type === 'warn' && /receive failed/.test(e.message)), 'a receive warning');
    await proxy.up();
    const sent = bodies(5, 'after');
    await sendBodies(t, sent);
    await until(() => r!.reader.counters().deleted >= sent.length, 'processed after the outage');
    for (const b of sent) assert.equal(p.passes(b), 1);
    const warnings = r.events.flatMap((e) => (e.type === 'warn' ? [e] : []));
    assert.ok(warnings.length >= 1);
    for (const w of warnings) {
      // Classified at the SQS boundary as a network failure: retried, with the network error's code.
      assert.match(w.message, /receive failed \(SQS unavailable: cannot reach SQS at http:\/\/127\.0\.0\.1:\d+ .*\); retrying in \d+\.\d s/);
      assert.match(w.code ?? '', /^E[A-Z]+$/, `network error code, got ${w.code}`);
    }
    assert.deepEqual(r.events.filter((e) => e.type === 'stopping' || e.type === 'error'), [], 'the outage did not stop the reader');
  });
});
