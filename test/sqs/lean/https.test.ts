/**
 * Real AWS is HTTPS. Here the local endpoint sits behind a TLS proxy with a
 * self-signed certificate (test/fixtures/tls) that the roles trust through
 * NODE_EXTRA_CA_CERTS, as a user behind a corporate proxy would: `serve` and
 * `work` move messages through it on both SQS paths, and every byte they send
 * crosses TLS (the endpoint itself is reached only through the proxy).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../../helpers/cli.js';
import { startHarness, type Harness } from '../../localsqs/harness.js';

const CERT = fileURLToPath(new URL('../../fixtures/tls/localhost.crt', import.meta.url));
const KEY = fileURLToPath(new URL('../../fixtures/tls/localhost.key', import.meta.url));

interface TlsProxy {
  readonly url: string;
  /** TLS connections the proxy has accepted (handshake done). */
  connections: number;
  close(): Promise<void>;
}

async function startTlsProxy(target: URL): Promise<TlsProxy> {
  const open = new Set<Socket>();
  const proxy: { connections: number } = { connections: 0 };
  const server: Server = createServer({ key: readFileSync(KEY), cert: readFileSync(CERT) }, (tls: TLSSocket) => {
    proxy.connections++;
    const upstream = connect(Number(target.port), target.hostname);
    open.add(tls).add(upstream);
    const drop = (): void => {
      tls.destroy();
      upstream.destroy();
    };
    tls.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    tls.pipe(upstream).pipe(tls);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `https://127.0.0.1:${port}`,
    async close(): Promise<void> {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

describe('both SQS paths over HTTPS (a TLS proxy in front of the local endpoint)', { timeout: 120_000 }, () => {
  let h: Harness;
  let proxy: TlsProxy;
  before(async () => {
    h = await startHarness();
    proxy = await startTlsProxy(new URL(h.url));
  });
  after(async () => {
    await proxy?.close();
    await h?.stop();
  });

  for (const kind of ['lean', 'sdk'] as const) {
    it(`serve and work move messages through https on the ${kind} path`, async () => {
      const queue = `tls_${kind}`;
      const env = { NODE_EXTRA_CA_CERTS: CERT };
      const sqs = ['--endpoint', proxy.url, '--queue', queue, '--sqs-client', kind];
      const setup = await runSqsdemo(['setup', ...sqs], { env });
      assert.equal(setup.code, 0, setup.stderr);
      const connectionsBefore = proxy.connections;

      const serve = spawnSqsdemo(['serve', ...sqs, '--port', '0', '--json', '--no-access-log'], { env });
      try {
        const ready = await serve.waitFor(/"type":"ready"[^\n]*"url":"([^"]+)"[^\n]*"sqsHealthy":true/);
        for (let i = 0; i < 5; i++) {
          const res = await fetch(`${ready[1]}/api/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: `over tls ${i}` }) });
          assert.equal(res.status, 201, await res.text());
        }
      } finally {
        assert.equal((await serve.stop()).code, 0);
      }

      const work = spawnSqsdemo(['work', ...sqs, '--json', '--wait-seconds', '1', '--fail-rate', '0', '--work-ms', '1'], { env });
      try {
        await work.waitFor(/"type":"stats"[^\n]*"deleted":5/, 60_000);
      } finally {
        assert.equal((await work.stop()).code, 0);
      }

      assert.ok(proxy.connections > connectionsBefore, 'the roles connected through TLS');
      const { QueueUrl } = await h.client.send(new GetQueueUrlCommand({ QueueName: queue }));
      const { Attributes } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      assert.equal(Attributes?.ApproximateNumberOfMessages, '0');
      assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, '0');
    });
  }

  it('without the certificate trusted, a command refuses the endpoint and says why', async () => {
    const r = await runSqsdemo(['setup', '--endpoint', proxy.url, '--queue', 'tls_untrusted']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /TLS certificate was refused/);
    assert.match(r.stderr, /NODE_EXTRA_CA_CERTS/);
  });
});
