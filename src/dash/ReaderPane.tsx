/** Middle pane: the reader's `Messages received/processed` lines, counters, message age and receive counts. */
import { Pane, type Line } from './Pane.js';
import { fmtMs } from './format.js';
import type { ChildState, ReceiveLine, WorkView } from './state.js';

export interface ReaderPaneProps {
  readonly work: WorkView | undefined;
  readonly log: readonly ReceiveLine[];
  readonly child: ChildState;
  readonly width: number;
  readonly height: number;
}

export function receiveLine(r: ReceiveLine, innerWidth: number): Line {
  const wide = `Messages received/processed: ${r.received}/${r.processed}`;
  const mid = `received/processed ${r.received}/${r.processed}`;
  return { text: innerWidth >= wide.length ? wide : innerWidth >= mid.length ? mid : `rcv/done ${r.received}/${r.processed}` };
}

/** `1:900 2:80 3:5`: messages handled by ApproximateReceiveCount. */
export function receiveCounts(counts: Readonly<Record<string, number>>): string {
  const keys = Object.keys(counts).sort((a, b) => Number(a) - Number(b));
  return keys.length === 0 ? '-' : keys.map((k) => `${k}:${counts[k]}`).join(' ');
}

export function ReaderPane(props: ReaderPaneProps) {
  const w = props.work;
  const stats: Line[] = w
    ? [
        { text: `processed ${w.processed} · ${Math.round(w.throughput)}/s`, bold: true },
        { text: `failed ${w.failed} retried ${w.retried}`, ...(w.failed > 0 ? { color: 'yellow' } : {}) },
        { text: `in tasks ${w.inFlight}${w.concurrency ? `/${w.concurrency}` : ''} · deleted ${w.deleted}` },
        { text: `age p50 ${fmtMs(w.ageMs.p50)} p99 ${fmtMs(w.ageMs.p99)}` },
        { text: `receives ${receiveCounts(w.receiveCounts)}` },
      ]
    : [{ text: 'waiting for the reader…', dim: true }];
  return <Pane title="reader" role="work" child={props.child} width={props.width} height={props.height} stats={stats} log={props.log.map((r) => receiveLine(r, props.width - 2))} />;
}
