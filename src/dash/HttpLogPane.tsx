/** Left pane: serve's access log (4xx red like the original's 400, 5xx bold red) and its counters. */
import { Pane, type Line } from './Pane.js';
import { fmtCountsShort, fmtMs } from './format.js';
import type { AccessLine, ChildState, ServeView } from './state.js';

export interface HttpLogPaneProps {
  readonly serve: ServeView | undefined;
  readonly log: readonly AccessLine[];
  readonly child: ChildState;
  readonly width: number;
  readonly height: number;
}

function clock(t: number): string {
  return new Date(t).toTimeString().slice(0, 8);
}

export function accessLine(a: AccessLine, innerWidth: number): Line {
  const core = `${a.method} ${a.path} ${a.status} ${fmtMs(a.ms)}`;
  const withTime = innerWidth >= core.length + 9 ? `${clock(a.t)} ${core}` : core;
  const text = a.error && innerWidth >= withTime.length + 4 ? `${withTime} ${a.error}` : withTime;
  if (a.status >= 500) return { text, color: 'red', bold: true };
  if (a.status >= 400) return { text, color: 'red' };
  return { text };
}

export function HttpLogPane(props: HttpLogPaneProps) {
  const s = props.serve;
  const inner = props.width - 2;
  const stats: Line[] = s
    ? [
        { text: fmtCountsShort(s.responses) },
        { text: `enqueued ${s.enqueued} · ${Math.round(s.rps)}/s`, bold: true },
        { text: `p50 ${fmtMs(s.latencyMs.p50)} p99 ${fmtMs(s.latencyMs.p99)} · ${s.avgBatchSize.toFixed(1)}/call` },
        ...(s.sqsHealthy ? [] : [{ text: 'SQS unreachable: answering 503', color: 'red' }]),
      ]
    : [{ text: 'waiting for the writer…', dim: true }];
  return <Pane title="HTTP log" role="serve" child={props.child} width={props.width} height={props.height} stats={stats} log={props.log.map((a) => accessLine(a, inner))} />;
}
