import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { listeningPorts } from '../lib/listen-port.js';
import { callsPerMessage, parseCallCounts } from '../lib/sqs-calls.js';

describe('SQS calls per message (bench)', () => {
  it('adds up each action over its outcomes from the endpoint metrics', () => {
    const counts = parseCallCounts([
      '# HELP sqsdemo_sqs_requests_total Requests answered',
      'sqsdemo_sqs_requests_total{action="ReceiveMessage",outcome="ok"} 40',
      'sqsdemo_sqs_requests_total{action="ReceiveMessage",outcome="client_error"} 2',
      'sqsdemo_sqs_requests_total{action="SendMessageBatch",outcome="ok"} 10',
      'sqsdemo_sqs_bytes_total 99',
    ].join('\n'));
    assert.deepEqual([...counts], [['ReceiveMessage', 42], ['SendMessageBatch', 10]]);
  });

  it('divides the calls made between two readings by the messages', () => {
    const before = new Map([['ReceiveMessage', 10], ['GetQueueUrl', 2]]);
    const after = new Map([['ReceiveMessage', 60], ['GetQueueUrl', 2], ['DeleteMessageBatch', 20]]);
    assert.deepEqual([...callsPerMessage(before, after, 200)], [['ReceiveMessage', 0.25], ['DeleteMessageBatch', 0.1]]);
  });

  it('finds the port this process listens on', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads /proc');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      assert.ok(listeningPorts(process.pid).includes(port), `listening on ${port}`);
    } finally {
      server.close();
    }
  });
});
