/**
 * DashState: everything the panes draw, folded from the events of every role
 * (their `--json` streams), the supervisor's view of its children and dash's
 * own queue-depth polls. `reduce` is pure: same actions in, same state out.
 */
import type { AnyEvent } from '../telemetry/events.js';
import type { BatchEvent, LoadStatsEvent, OutcomeCounts } from '../telemetry/load-events.js';
import type { ReceiveEvent, WorkStatsEvent } from '../telemetry/work-events.js';
import { pushRing } from './ring.js';

export type ChildName = 'sqs' | 'setup' | 'serve' | 'work' | 'load';
export const CHILD_NAMES: readonly ChildName[] = ['sqs', 'setup', 'serve', 'work', 'load'];

/**
 * pending: not started (yet); skipped: not needed (e.g. sqs with --endpoint);
 * crashed: exited non-zero (or by a signal) without being asked to stop.
 */
export type ChildStatus = 'pending' | 'skipped' | 'starting' | 'running' | 'stopping' | 'exited' | 'crashed';

export interface ChildState {
  readonly status: ChildStatus;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  /** Last lines of stderr and error events (newest last), shown when it crashes. */
  readonly errorLines: readonly string[];
  readonly url?: string;
}

/** Messages in one queue (GetQueueAttributes' approximate counts). */
export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface QueueDepth {
  readonly main: QueueCounts;
  readonly dlq: QueueCounts;
  /** Epoch ms of the poll. */
  readonly t: number;
}

export interface AccessLine {
  readonly t: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly error?: string;
}

/** The reader pane's log line: the original's `Messages received/processed: R/P`. */
export type ReceiveLine = Pick<ReceiveEvent, 't' | 'count' | 'received' | 'processed'>;

/** The client pane's log line: totals after a batch. */
export type BatchLine = Pick<BatchEvent, 't' | 'batch' | 'counts'>;

export interface ServeView {
  readonly enqueued: number;
  readonly responses: OutcomeCounts;
  readonly sqsCalls: number;
  readonly inFlight: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly sqsHealthy: boolean;
  readonly avgBatchSize: number;
  readonly rps: number;
  /** True once the stopped event arrived: the numbers are final. */
  readonly final: boolean;
}

/** The reader's latest stats (see WorkStatsEvent for each field's meaning). */
export interface WorkView
  extends Pick<WorkStatsEvent, 'received' | 'processed' | 'failed' | 'retried' | 'deleted' | 'inFlight' | 'throughput' | 'ageMs' | 'receiveCounts'> {
  readonly returned: number;
  /** FIFO queues: messages processed after a later one of their group (must be 0). */
  readonly orderViolations?: number;
  readonly pollers?: number;
  readonly concurrency?: number;
  readonly final: boolean;
}

/** The load client's latest stats (see LoadStatsEvent for each field's meaning). */
export interface LoadView extends Pick<LoadStatsEvent, 'sent' | 'counts' | 'throughput' | 'latencyMs' | 'rate' | 'paused' | 'unexpected'> {
  readonly backlog: number;
  readonly final: boolean;
}

/** Per-second samples (newest last), for the sparklines. */
export interface Series {
  readonly load: readonly number[];
  readonly serve: readonly number[];
  readonly work: readonly number[];
}

export interface DashState {
  readonly children: Readonly<Record<ChildName, ChildState>>;
  readonly httpLog: readonly AccessLine[];
  /** The original's `Messages received/processed: R/P`, one per non-empty receive. */
  readonly readerLog: readonly ReceiveLine[];
  /** The original's `{'ConnErr': 0, 400: 45, 201: 1035}`: totals after each batch. */
  readonly clientLog: readonly BatchLine[];
  readonly serve?: ServeView;
  readonly work?: WorkView;
  readonly load?: LoadView;
  readonly queues?: QueueDepth;
  /** Messages already in the queues when dash started (an endpoint that was running before). */
  readonly baseline?: QueueDepth;
  readonly series: Series;
  /** Recent warn events, "role: message". */
  readonly warnings: readonly string[];
  /** The `d` key's redrive: its latest progress or outcome line, shown in the footer. */
  readonly redrive?: string;
  /** Set once quitting started; the header says so. */
  readonly stopping: boolean;
  /** The pipeline runs on FIFO queues (dash --fifo): the header shows it and work's order violations. */
  readonly fifo?: boolean;
  /** The endpoint dash started: requests it handled, and refused for who sent them (signature, browser page, Host). */
  readonly endpoint?: EndpointView;
}

export interface EndpointView {
  readonly requests: number;
  readonly refused: number;
  /** True once its stopped event gave the totals. */
  readonly final: boolean;
}

export type DashAction =
  | { readonly kind: 'event'; readonly event: AnyEvent }
  | { readonly kind: 'child'; readonly name: ChildName; readonly status: ChildStatus; readonly exitCode?: number | null; readonly signal?: string | null }
  | { readonly kind: 'stderr'; readonly name: ChildName; readonly line: string }
  | { readonly kind: 'queues'; readonly depth: QueueDepth }
  | { readonly kind: 'baseline'; readonly depth: QueueDepth }
  | { readonly kind: 'stopping' }
  | { readonly kind: 'redrive'; readonly line: string };

/** Lines kept per log pane (enough for a tall terminal). */
export const LOG_LINES = 200;
/** Samples kept per sparkline (one a second). */
export const SERIES_POINTS = 120;
/** Error lines kept per child. */
export const ERROR_LINES = 8;

function initialChild(): ChildState {
  return { status: 'pending', errorLines: [] };
}

export function initialState(): DashState {
  const children = Object.fromEntries(CHILD_NAMES.map((n) => [n, initialChild()])) as Record<ChildName, ChildState>;
  return { children, httpLog: [], readerLog: [], clientLog: [], series: { load: [], serve: [], work: [] }, warnings: [], stopping: false };
}

export function reduce(state: DashState, action: DashAction): DashState {
  switch (action.kind) {
    case 'event':
      return reduceEvent(state, action.event);
    case 'child': {
      const prev = state.children[action.name];
      const next: ChildState = { ...prev, status: action.status, ...(action.exitCode !== undefined ? { exitCode: action.exitCode } : {}), ...(action.signal !== undefined ? { signal: action.signal } : {}) };
      return withChild(state, action.name, next);
    }
    case 'stderr': {
      const line = action.line.trimEnd();
      if (line === '') return state;
      const prev = state.children[action.name];
      return withChild(state, action.name, { ...prev, errorLines: pushRing(prev.errorLines, line, ERROR_LINES) });
    }
    case 'queues':
      return { ...state, queues: action.depth };
    case 'baseline':
      return { ...state, baseline: action.depth };
    case 'stopping':
      return { ...state, stopping: true };
    case 'redrive':
      return { ...state, redrive: action.line };
  }
}

function withChild(state: DashState, name: ChildName, child: ChildState): DashState {
  return { ...state, children: { ...state.children, [name]: child } };
}

function childName(role: string): ChildName | undefined {
  return (CHILD_NAMES as readonly string[]).includes(role) ? (role as ChildName) : undefined;
}

function reduceEvent(state: DashState, e: AnyEvent): DashState {
  // What every role shares: ready (running, with its url), warn, error.
  if (e.type === 'ready' || e.type === 'warn' || e.type === 'error') {
    const name = childName(e.role);
    if (name === undefined) return state;
    let next = state;
    if (e.type === 'ready') {
      const prev = next.children[name];
      next = withChild(next, name, { ...prev, status: prev.status === 'starting' || prev.status === 'pending' ? 'running' : prev.status, ...(e.url ? { url: e.url } : {}) });
    } else if (e.type === 'warn') {
      next = { ...next, warnings: pushRing(next.warnings, `${e.role}: ${e.message}`, 20) };
    } else {
      const prev = next.children[name];
      const line = e.hint ? `${e.message} (${e.hint})` : e.message;
      next = withChild(next, name, { ...prev, errorLines: pushRing(prev.errorLines, line, ERROR_LINES) });
    }
    if (e.role === 'work' && e.type === 'ready' && 'pollers' in e) {
      next = { ...next, work: { ...(next.work ?? emptyWork()), pollers: e.pollers, concurrency: e.concurrency } };
    }
    return next;
  }
  switch (e.role) {
    case 'serve':
      return reduceServe(state, e);
    case 'work':
      return reduceWork(state, e);
    case 'load':
      return reduceLoad(state, e);
    case 'sqs':
      return reduceEndpoint(state, e);
    default:
      return state;
  }
}

function reduceEndpoint(state: DashState, e: Extract<AnyEvent, { role: 'sqs' }>): DashState {
  if (state.endpoint?.final) return state;
  if (e.type === 'stats') return { ...state, endpoint: { requests: e.requests, refused: e.refused ?? 0, final: false } };
  if (e.type === 'stopped' && e.requests !== undefined) return { ...state, endpoint: { requests: e.requests, refused: e.refused ?? 0, final: true } };
  return state;
}

function emptyServe(): ServeView {
  return { enqueued: 0, responses: {}, sqsCalls: 0, inFlight: 0, latencyMs: { p50: 0, p99: 0, max: 0 }, sqsHealthy: true, avgBatchSize: 0, rps: 0, final: false };
}

function emptyWork(): WorkView {
  return { received: 0, processed: 0, failed: 0, retried: 0, deleted: 0, inFlight: 0, throughput: 0, ageMs: { p50: 0, p99: 0 }, receiveCounts: {}, returned: 0, final: false };
}

function reduceServe(state: DashState, e: Extract<AnyEvent, { role: 'serve' }>): DashState {
  const prev = state.serve ?? emptyServe();
  switch (e.type) {
    case 'access': {
      const line: AccessLine = { t: e.t, method: e.method, path: e.path, status: e.status, ms: e.ms, ...(e.error ? { error: e.error } : {}) };
      return { ...state, httpLog: pushRing(state.httpLog, line, LOG_LINES) };
    }
    case 'stats': {
      if (prev.final) return state;
      const serve: ServeView = {
        enqueued: e.enqueued, responses: e.responses, sqsCalls: e.sqsCalls, inFlight: e.inFlight, latencyMs: e.latencyMs,
        sqsHealthy: e.sqsHealthy, avgBatchSize: e.avgBatchSize ?? prev.avgBatchSize, rps: e.rps ?? 0, final: false,
      };
      return { ...state, serve, series: { ...state.series, serve: pushRing(state.series.serve, serve.rps, SERIES_POINTS) } };
    }
    case 'health':
      return { ...state, serve: { ...prev, sqsHealthy: e.healthy } };
    case 'stopped':
      return { ...state, serve: { ...prev, enqueued: e.enqueued, responses: e.responses, sqsCalls: e.sqsCalls ?? prev.sqsCalls, inFlight: 0, rps: 0, final: true } };
    default:
      return state;
  }
}

function reduceWork(state: DashState, e: Extract<AnyEvent, { role: 'work' }>): DashState {
  const prev = state.work ?? emptyWork();
  switch (e.type) {
    case 'receive':
      return { ...state, readerLog: pushRing(state.readerLog, { t: e.t, count: e.count, received: e.received, processed: e.processed }, LOG_LINES) };
    case 'stats': {
      if (prev.final) return state;
      const work: WorkView = {
        ...prev, received: e.received, processed: e.processed, failed: e.failed, retried: e.retried, deleted: e.deleted,
        inFlight: e.inFlight, throughput: e.throughput, ageMs: e.ageMs, receiveCounts: e.receiveCounts, returned: e.returned ?? prev.returned,
        ...(e.orderViolations !== undefined ? { orderViolations: e.orderViolations } : {}),
      };
      return { ...state, work, series: { ...state.series, work: pushRing(state.series.work, e.throughput, SERIES_POINTS) } };
    }
    case 'stopped':
      return {
        ...state,
        work: {
          ...prev, processed: e.processed, failed: e.failed, returned: e.returned, deleted: e.deleted ?? prev.deleted, inFlight: 0, throughput: 0, final: true,
          ...(e.orderViolations !== undefined ? { orderViolations: e.orderViolations } : {}),
        },
      };
    default:
      return state;
  }
}

function reduceLoad(state: DashState, e: Extract<AnyEvent, { role: 'load' }>): DashState {
  const prev = state.load;
  switch (e.type) {
    case 'batch':
      return { ...state, clientLog: pushRing(state.clientLog, { t: e.t, batch: e.batch, counts: e.counts }, LOG_LINES) };
    case 'stats': {
      if (prev?.final) return state;
      const load: LoadView = {
        sent: e.sent, counts: e.counts, throughput: e.throughput, latencyMs: e.latencyMs, ...(e.rate !== undefined ? { rate: e.rate } : {}),
        paused: e.paused, unexpected: e.unexpected, backlog: e.backlog ?? 0, final: false,
      };
      return { ...state, load, series: { ...state.series, load: pushRing(state.series.load, e.throughput, SERIES_POINTS) } };
    }
    case 'summary': {
      const load: LoadView = {
        ...(prev ?? { rate: undefined, paused: false, backlog: 0 }),
        sent: e.sent, counts: e.counts, throughput: 0, latencyMs: e.latencyMs, unexpected: e.unexpected, final: true,
      } as LoadView;
      return { ...state, load };
    }
    default:
      return state;
  }
}

/**
 * The original's client line: `{'ConnErr': 0, 400: 45, 201: 1035}`, with the
 * connection errors (every non-numeric outcome) summed as ConnErr.
 */
export function formatCounts(counts: OutcomeCounts): string {
  let connErr = 0;
  const codes: [string, number][] = [];
  for (const [k, v] of Object.entries(counts)) {
    if (/^\d+$/.test(k)) codes.push([k, v]);
    else connErr += v;
  }
  codes.sort((a, b) => Number(b[0]) - Number(a[0]));
  return `{'ConnErr': ${connErr}${codes.map(([k, v]) => `, ${k}: ${v}`).join('')}}`;
}
