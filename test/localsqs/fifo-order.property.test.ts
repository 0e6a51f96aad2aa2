/**
 * A seeded property test of FIFO order through the real SDK: random sends,
 * receives, deletes, visibility changes and clock steps over several message
 * groups never deliver a group out of order, never hand out a message of a
 * group while another of that group is in flight, and never leave a servable
 * group unserved. A model on the same manual clock knows which messages are in
 * flight (received, not deleted, visibility timeout not yet over).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../helpers/manual-clock.js';
import { startHarness, type Harness } from './harness.js';

const GROUPS = ['a', 'b', 'c'] as const;

type Command =
  | { kind: 'send'; group: number }
  | { kind: 'receive'; max: number; visibility: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'hide'; pick: number; visibility: number }
  | { kind: 'tick'; seconds: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('send' as const), group: fc.nat({ max: GROUPS.length - 1 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('receive' as const), max: fc.integer({ min: 1, max: 10 }), visibility: fc.constantFrom(0, 1, 2, 5) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('hide' as const), pick: fc.nat(), visibility: fc.constantFrom(0, 1, 3) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
);

interface ModelMessage {
  readonly group: string;
  readonly body: string;
  deleted: boolean;
  handle: string | undefined;
  /** In flight until this time (epoch ms), 0 when never received. */
  until: number;
}

describe('FIFO order (property, seeded)', () => {
  let h: Harness;
  const clock = new ManualClock();
  before(async () => {
    h = await startHarness({ clock });
  });
  after(() => h.stop());
  let run = 0;

  it('never delivers a group out of order or two in-flight messages of one group', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const url = (await h.client.send(new CreateQueueCommand({ QueueName: `order${run++}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '2' } }))).QueueUrl!;
        const messages: ModelMessage[] = [];
        const inFlight = (m: ModelMessage) => !m.deleted && m.until > clock.now();
        const received = () => messages.filter((m) => !m.deleted && m.handle !== undefined);
        let sent = 0;
        for (const c of commands) {
          if (c.kind === 'send') {
            const group = GROUPS[c.group]!;
            const body = `${group}:${sent++}`;
            await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body }));
            messages.push({ group, body, deleted: false, handle: undefined, until: 0 });
          } else if (c.kind === 'receive') {
            const got = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: c.max, VisibilityTimeout: c.visibility }))).Messages ?? [];
            assert.ok(got.length <= c.max);
            const servable = GROUPS.filter((g) => messages.some((m) => m.group === g && !m.deleted) && !messages.some((m) => m.group === g && inFlight(m)));
            if (servable.length > 0) assert.ok(got.length > 0, `groups ${servable.join(',')} are servable but nothing was received`);
            const byGroup = new Map<string, string[]>();
            for (const m of got) {
              const group = m.Body!.split(':')[0]!;
              byGroup.set(group, [...(byGroup.get(group) ?? []), m.Body!]);
            }
            for (const [group, bodies] of byGroup) {
              const pending = messages.filter((m) => m.group === group && !m.deleted);
              assert.ok(!pending.some(inFlight), `group ${group} delivered while one of its messages is in flight`);
              assert.deepEqual(bodies, pending.slice(0, bodies.length).map((m) => m.body), `group ${group} out of order`);
            }
            for (const m of got) {
              const model = messages.find((x) => x.body === m.Body)!;
              model.handle = m.ReceiptHandle;
              model.until = clock.now() + c.visibility * 1000;
            }
          } else if (c.kind === 'delete') {
            const candidates = received();
            if (candidates.length === 0) continue;
            const m = candidates[c.pick % candidates.length]!;
            await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.handle }));
            m.deleted = true;
          } else if (c.kind === 'hide') {
            const candidates = received().filter(inFlight);
            if (candidates.length === 0) continue;
            const m = candidates[c.pick % candidates.length]!;
            await h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.handle, VisibilityTimeout: c.visibility }));
            m.until = clock.now() + c.visibility * 1000;
          } else {
            await clock.advance(c.seconds * 1000);
          }
        }
      }),
      { seed: 15_2026, numRuns: 40, endOnFailure: true },
    );
  });
});
