/**
 * `GET /metrics` on the endpoint's port (Prometheus text, via prom-client):
 * queue depths per queue and state, bytes held, open connections, and
 * requests by action and outcome. Depths are read from the store when scraped,
 * so the hot path only counts requests. Unknown action names count as
 * `unknown`: a client cannot grow the label set.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { ACTIONS } from './actions/index.js';

export interface MetricsSource {
  queues(): readonly { readonly name: string; readonly visible: number; readonly inFlight: number; readonly delayed: number }[];
  heldBytes(): number;
  connections(): number;
}

export interface EndpointMetrics {
  /** Count one answered request. */
  request(action: string, status: number): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ body: string; contentType: string }>;
}

function outcome(status: number): string {
  return status < 400 ? 'ok' : status < 500 ? 'client_error' : 'server_error';
}

export function createEndpointMetrics(source: MetricsSource): EndpointMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'sqsdemo_sqs_requests_total',
    help: 'Requests answered, by action (unknown: not an SQS action; none: refused before one was read) and outcome (ok, client_error, server_error).',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sqsdemo_sqs_queue_messages',
    help: 'Messages held per queue and state (visible, in_flight, delayed), as ApproximateNumberOfMessages* reports them.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const q of source.queues()) {
        this.set({ queue: q.name, state: 'visible' }, q.visible);
        this.set({ queue: q.name, state: 'in_flight' }, q.inFlight);
        this.set({ queue: q.name, state: 'delayed' }, q.delayed);
      }
    },
  });
  new Gauge({
    name: 'sqsdemo_sqs_held_bytes',
    help: 'Bytes of messages held across every queue (payload plus bookkeeping), counted against --max-held-bytes.',
    registers: [registry],
    collect() {
      this.set(source.heldBytes());
    },
  });
  new Gauge({
    name: 'sqsdemo_sqs_connections',
    help: 'Open client connections (at most --max-connections).',
    registers: [registry],
    collect() {
      this.set(source.connections());
    },
  });
  // One labelled child per (action, outcome), so counting a request does not hash its labels again.
  const children = new Map<string, { inc(): void }>();
  return {
    request(action, status) {
      const name = action === '' ? 'none' : ACTIONS.has(action) ? action : 'unknown';
      const result = outcome(status);
      const key = `${name} ${result}`;
      let child = children.get(key);
      if (child === undefined) children.set(key, (child = requests.labels(name, result)));
      child.inc();
    },
    async scrape() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
