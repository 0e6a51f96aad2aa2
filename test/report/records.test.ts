import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRecord, splitRecords, type DataLogRecord, type RawRecord } from '../../src/report/records.js';
import { line } from './fixtures.js';

type Item = RawRecord | { readonly bad: RawRecord & { reason: string } };

async function split(chunks: string[]): Promise<Item[]> {
  const out: Item[] = [];
  for await (const item of splitRecords(chunks)) out.push(item);
  return out;
}

/** Each record's start line and either its fields or why it is bad. */
async function parseAll(text: string, chunks = [text]): Promise<Array<{ line: number; record?: DataLogRecord; bad?: string }>> {
  return (await split(chunks)).map((item) => {
    if ('bad' in item) return { line: item.bad.line, bad: item.bad.reason };
    const r = parseRecord(item.text);
    return typeof r === 'string' ? { line: item.line, bad: r } : { line: item.line, record: r };
  });
}

describe('data-log records', () => {
  it('reads the lines the reader writes, with quotes, commas and line breaks in the body', async () => {
    const text = line({ nowMs: 1_700_000_001_000, ageMs: 1_000, body: 'a, "quoted"\nsecond line' }) + line({ nowMs: 1_700_000_002_000, ageMs: 250, pass: false, receiveCount: 3, id: 'm2' });
    const items = await parseAll(text);
    assert.deepEqual(items.map((i) => i.line), [1, 3], 'the second record starts on line 3');
    assert.deepEqual(items[0]!.record, { nowMs: 1_700_000_001_000, sentMs: 1_700_000_000_000, pass: true, receiveCount: 1, senderId: 'AIDAEXAMPLE', messageId: 'm-1700000001000-1', body: 'a, "quoted"\nsecond line' });
    assert.equal(items[1]!.record!.pass, false);
    assert.equal(items[1]!.record!.receiveCount, 3);
  });

  it('names each bad line with its line number and why, and goes on with the next', async () => {
    const good = (t: number) => line({ nowMs: t, ageMs: 10 });
    const text = [
      good(1_700_000_000_001),
      'not a data log line',
      '1700000000002,1700000000000,maybe,1,S,id,"b"\n',
      '1700000000003,1700000000000,pass,0,S,id,"b"\n',
      '1700000000004,0,pass,1,S,id,"b"\n',
      '1700000000005,1700000000000,pass,1,S,id\n',
      'x1700000000006,1700000000000,pass,1,S,id,"b"\n',
      '1700000000007,1700000000000,pass,1,S,id,"never closed\n',
      good(1_700_000_000_008),
      '\n',
      good(1_700_000_000_009),
    ].map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
    const items = await parseAll(text);
    const bad = items.filter((i) => i.bad).map((i) => [i.line, i.bad]);
    assert.deepEqual(bad.map(([l]) => l), [2, 3, 4, 5, 6, 7, 8]);
    assert.match(String(bad[0]![1]), /expected 7 fields/);
    assert.match(String(bad[1]![1]), /neither pass nor fail: "maybe"/);
    assert.match(String(bad[2]![1]), /ApproximateReceiveCount is 0/);
    assert.match(String(bad[3]![1]), /SentTimestamp is 0/);
    assert.match(String(bad[4]![1]), /found 6/);
    assert.match(String(bad[5]![1]), /now_ms is not a time/);
    assert.match(String(bad[6]![1]), /quoted field is not closed/);
    assert.deepEqual(items.filter((i) => i.record).map((i) => [i.line, i.record!.nowMs]), [[1, 1_700_000_000_001], [9, 1_700_000_000_008], [11, 1_700_000_000_009]]);
  });

  it('reports a quote left open at the end of the file, and a last line cut off mid-write', async () => {
    const text = `${line({ nowMs: 1_700_000_000_001, ageMs: 1 })}1700000000002,1700000000000,pa`;
    const items = await parseAll(text);
    assert.equal(items.length, 2);
    assert.equal(items[1]!.line, 2);
    assert.match(items[1]!.bad!, /found 3/);
    const open = await parseAll(`${line({ nowMs: 1_700_000_000_001, ageMs: 1 })}1700000000002,1700000000000,pass,1,S,id,"open body\nmore`);
    assert.equal(open[1]!.line, 2);
    assert.match(open[1]!.bad!, /not closed at the end of the file/);
  });

  it('reads CRLF line ends', async () => {
    const text = line({ nowMs: 1_700_000_000_001, ageMs: 1 }).replace('\n', '\r\n').repeat(2);
    const items = await parseAll(text);
    assert.equal(items.length, 2);
    assert.ok(items.every((i) => i.record), JSON.stringify(items));
  });

  it('gives up a line longer than any record (1 MiB) without holding it, then goes on', async () => {
    const huge = 'x'.repeat(300_000);
    const chunks = [huge, huge, huge, huge, `${huge}\n`, line({ nowMs: 1_700_000_000_001, ageMs: 1 })];
    const items = await parseAll('', chunks);
    assert.equal(items.length, 2);
    assert.deepEqual([items[0]!.line, items[1]!.line], [1, 2]);
    assert.match(items[0]!.bad!, /longer than/);
    assert.ok(items[1]!.record);
  });

  it('gives the same records however the stream is cut into chunks', async () => {
    const text = [
      line({ nowMs: 1_700_000_000_001, ageMs: 5, body: 'multi\nline, "x"' }),
      'junk\n',
      line({ nowMs: 1_700_000_000_002, ageMs: 7, pass: false, receiveCount: 2 }),
      '\r\n',
      line({ nowMs: 1_700_000_000_003, ageMs: 9 }).replace('\n', '\r\n'),
    ].join('');
    const whole = await parseAll(text);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), text.length];
        const chunks = at.slice(1).map((end, i) => text.slice(at[i], end));
        assert.deepEqual(await parseAll(text, chunks), whole);
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});
