/**
 * Data-log lines for the report's tests, written the way the reader writes
 * them (src/reader/data-log.ts csvLine), so a change of format breaks these.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvLine } from '../../src/reader/data-log.js';
import type { ReaderMessage } from '../../src/reader/message.js';

export interface LineSpec {
  readonly nowMs: number;
  readonly ageMs: number;
  readonly pass?: boolean;
  readonly receiveCount?: number;
  readonly id?: string;
  readonly body?: string;
  readonly senderId?: string;
}

export function line(s: LineSpec): string {
  const message = {
    messageId: s.id ?? `m-${s.nowMs}-${s.receiveCount ?? 1}`,
    receiptHandle: 'rh',
    body: s.body ?? 'hello, "world"',
    sentTimestamp: s.nowMs - s.ageMs,
    receiveCount: s.receiveCount ?? 1,
    senderId: s.senderId ?? 'AIDAEXAMPLE',
    receivedAt: s.nowMs,
  } satisfies ReaderMessage;
  return csvLine(s.nowMs, message, s.pass ?? true);
}

/** A temp directory removed by the returned function. */
export function tempDir(): { dir: string; path(name: string): string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-report-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A seeded run like the original's: a backlog draining, failures coming back after `visibilityMs`, dead-lettered at `maxReceiveCount`. */
export function simulatedRun(options: { start: number; messages: number; failEvery: number; visibilityMs: number; maxReceiveCount: number; perSecond: number }): string {
  const lines: Array<{ t: number; text: string }> = [];
  for (let i = 0; i < options.messages; i++) {
    const sent = options.start - 60_000 + i * 5;
    let t = options.start + Math.floor((i * 1000) / options.perSecond);
    for (let rc = 1; rc <= options.maxReceiveCount; rc++) {
      const fails = i % options.failEvery === 0 && (rc < options.maxReceiveCount || i % (options.failEvery * 3) === 0);
      lines.push({ t, text: line({ nowMs: t, ageMs: t - sent, pass: !fails, receiveCount: rc, id: `msg-${i}`, body: `body ${i}, line "${rc}"` }) });
      if (!fails) break;
      t += options.visibilityMs;
    }
  }
  return lines.sort((a, b) => a.t - b.t).map((l) => l.text).join('');
}
