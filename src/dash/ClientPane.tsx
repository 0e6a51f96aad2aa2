/** Right pane: the load client's totals after each batch (the original's `{'ConnErr': 0, 400: 45, 201: 1035}`), rate and latency. */
import { Pane, type Line } from './Pane.js';
import { fmtCountsShort, fmtMs } from './format.js';
import { formatCounts, type BatchLine, type ChildState, type LoadView } from './state.js';

export interface ClientPaneProps {
  readonly load: LoadView | undefined;
  readonly log: readonly BatchLine[];
  readonly child: ChildState;
  readonly width: number;
  readonly height: number;
}

export function batchLine(b: BatchLine, innerWidth: number): Line {
  const wide = formatCounts(b.counts);
  return { text: innerWidth >= wide.length ? wide : fmtCountsShort(b.counts) };
}

export function ClientPane(props: ClientPaneProps) {
  const l = props.load;
  const stats: Line[] = l
    ? [
        l.paused
          ? { text: `PAUSED (rate ${l.rate ?? '-'}/s)`, color: 'yellow', bold: true }
          : { text: `rate ${l.rate !== undefined ? `${l.rate}/s` : 'closed loop'} · ${Math.round(l.throughput)}/s`, bold: true },
        { text: `sent ${l.sent}` },
        { text: `p50 ${fmtMs(l.latencyMs.p50)} p99 ${fmtMs(l.latencyMs.p99)}` },
        l.unexpected > 0 ? { text: `unexpected ${l.unexpected}`, color: 'red' } : { text: `unexpected 0${l.backlog > 0 ? ` · behind ${l.backlog}` : ''}` },
      ]
    : [{ text: 'waiting for the client…', dim: true }];
  return <Pane title="client" role="load" child={props.child} width={props.width} height={props.height} stats={stats} log={props.log.map((b) => batchLine(b, props.width - 2))} />;
}
