/** `sqsdemo sqs --data-dir` as a user runs it: restart keeps messages, a second process is refused, --help says what each fsync mode promises. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'sqsdemo-datadir-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

describe('sqsdemo sqs --data-dir', { concurrency: true }, () => {
  it('keeps queues and messages across a stop (SQSDEMO_DATA_DIR), and refuses a second process on the same dir with exit 5 (held by another process, like a taken port)', async () => {
    const dir = join(root, 'a');
    const env = { SQSDEMO_DATA_DIR: dir };
    const first = spawnSqsdemo(['sqs', '--port', '0'], { env });
    const [, url = ''] = await first.waitFor(/listening on (http:\/\/\S+)/);
    assert.match(first.stdout, /recovered 0 queues and 0 messages/);
    const c = client(url);
    const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '5' } }));
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: 'survives' }));
    c.destroy();
    const second = await runSqsdemo(['sqs', '--port', '0', '--data-dir', dir]);
    assert.equal(second.code, 5);
    assert.match(second.stderr, new RegExp(`data dir .* is in use by process ${first.child.pid}`));
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /kept 1 message in /);

    const again = spawnSqsdemo(['sqs', '--port', '0', '--json'], { env });
    const [, url2 = ''] = await again.waitFor(/"type":"ready".*"url":"(http:[^"]+)"/);
    assert.match(again.stdout, /"type":"recovered".*"queues":1,"messages":1/);
    const c2 = client(url2);
    const url3 = (await c2.send(new GetQueueUrlCommand({ QueueName: 'kept' }))).QueueUrl;
    const { Messages = [] } = await c2.send(new ReceiveMessageCommand({ QueueUrl: url3, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages.map((m) => m.Body), ['survives']);
    c2.destroy();
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });

  it('--help says what each --fsync mode promises; an unknown mode is exit 2', async () => {
    const help = await runSqsdemo(['sqs', '--help']);
    assert.equal(help.code, 0);
    for (const promise of [/always +written and fsynced before the answer/, /batch +written to the OS before the answer: survives kill -9/, /never +answered at once/]) assert.match(help.stdout, promise);
    const bad = await runSqsdemo(['sqs', '--data-dir', join(root, 'b'), '--fsync', 'sometimes']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /always, batch, never/);
  });
});
