/**
 * The supervisor: starts the roles in order (the local endpoint unless SQS is
 * configured, setup, then work and serve, then load), feeds their events into
 * the store, polls the queue depth, and stops them in order: load, serve, work
 * (after the queue drained or a bound passed), then the endpoint. A child that
 * crashes is shown as crashed and never restarted silently; the others go on.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Env, SqsConfig } from '../config.js';
import { SqsUnavailableError } from '../errors.js';
import { createSqsClient } from '../sqs/client.js';
import { toSqsdemoError } from '../sqs/errors.js';
import { DEFAULT_TOPOLOGY, ensureTopology, type QueueUrls } from '../sqs/topology.js';
import type { AnyEvent } from '../telemetry/events.js';
import type { LoadControl } from '../telemetry/load-events.js';
import { sleep } from '../util/abort.js';
import { spawnRole, type RoleChild } from './child.js';
import { endpointArgs, endpointEnv, loadArgs, roleEnv, serveArgs, sqsArgs, stepRate, workArgs, type DashConfig } from './config.js';
import { computeBalance } from './balance.js';
import { pollQueueDepth, readFinalDepth, readQueueDepth } from './queue-depth.js';
import type { ChildName } from './state.js';
import type { DashStore } from './store.js';

/** How long each role gets to drain after SIGTERM before SIGKILL (ms). */
export const STOP_GRACE_MS: Readonly<Record<ChildName, number>> = { load: 5_000, serve: 15_000, work: 15_000, sqs: 5_000, setup: 1_000 };
/** How long a role may take to print its ready event (ms); start-up through tsx on a busy machine is slow. */
const READY_TIMEOUT_MS = 60_000;

export interface Supervisor {
  /** Start every role; rejects when SQS cannot be used (the endpoint or setup failed). */
  start(): Promise<void>;
  /** Pause or resume the load (the `p` key). */
  togglePause(): void;
  /** Step the load rate up (1) or down (-1) (the `+`/`-` keys). */
  changeRate(dir: 1 | -1): void;
  /** Stop everything in order; resolves after the final queue poll and the endpoint's exit. Idempotent. */
  stop(): Promise<void>;
  /** The SQS client and where it points, once setup ran (the `d` key's redrive uses them); undefined before. */
  sqs(): { readonly client: SQSClient; readonly config: SqsConfig } | undefined;
}

export function createSupervisor(config: DashConfig, store: DashStore, env: Env): Supervisor {
  const children = new Map<ChildName, RoleChild>();
  const readyWaiters = new Map<ChildName, (url: string | undefined) => void>();
  const poller = new AbortController();
  let client: SQSClient | undefined;
  let clientConfig: SqsConfig | undefined;
  let urls: QueueUrls | undefined;
  let pollDone: Promise<void> = Promise.resolve();
  let paused = false;
  let rate = config.rate;
  let stopping: Promise<void> | undefined;

  // With --credentials the endpoint verifies SigV4 and the roles sign with its keys (config.ts).
  const rolesEnv = roleEnv(config, env);

  function launch(name: ChildName, args: readonly string[], childEnv: Env = rolesEnv): RoleChild {
    store.dispatch({ kind: 'child', name, status: 'starting' });
    const child = spawnRole(name, args, childEnv, {
      onEvent(event: AnyEvent) {
        store.dispatch({ kind: 'event', event });
        if (event.role === name && event.type === 'ready') readyWaiters.get(name)?.(event.url);
      },
      onStderr: (line) => store.dispatch({ kind: 'stderr', name, line }),
      onStdout: (line) => store.dispatch({ kind: 'stderr', name, line }),
    });
    children.set(name, child);
    void child.exited.then(({ code, signal }) => {
      const crashed = !child.stopRequested && (code !== 0 || signal !== null);
      store.dispatch({ kind: 'child', name, status: crashed ? 'crashed' : 'exited', exitCode: code, signal });
      readyWaiters.get(name)?.(undefined);
    });
    return child;
  }

  /** The ready event's url (or '' without one); undefined when the child exited first. */
  function ready(name: ChildName): Promise<string | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), READY_TIMEOUT_MS);
      readyWaiters.set(name, (url) => {
        clearTimeout(timer);
        readyWaiters.delete(name);
        resolve(url ?? (children.get(name) && store.getState().children[name].status === 'running' ? '' : undefined));
      });
    });
  }

  function lastLines(name: ChildName): string {
    const lines = store.getState().children[name].errorLines;
    return lines.length > 0 ? `: ${lines.slice(-3).join(' | ')}` : '';
  }

  async function setUp(endpoint: string | undefined): Promise<void> {
    const sqsConfig = endpoint !== undefined ? { ...config.sqs, endpoint } : config.sqs;
    client = createSqsClient(sqsConfig, { maxSockets: 4 });
    clientConfig = sqsConfig;
    store.dispatch({ kind: 'child', name: 'setup', status: 'running' });
    try {
      const report = await ensureTopology(
        client,
        {
          ...DEFAULT_TOPOLOGY, queueName: config.sqs.queueName, dlqName: config.sqs.dlqName, visibilityTimeout: config.visibilityTimeout,
          maxReceiveCount: config.maxReceiveCount, fifo: config.sqs.fifo,
        },
        { apply: false },
      );
      urls = { queueUrl: report.main.url, dlqUrl: report.dlq.url };
      for (const q of [report.dlq, report.main]) {
        if (q.action === 'differs') {
          const what = q.differences.map((d) => `${d.attribute} is ${d.have}, wanted ${d.want}`).join('; ');
          store.dispatch({ kind: 'stderr', name: 'setup', line: `queue ${q.name} exists with other attributes (${what}); using it as it is` });
        }
      }
      store.dispatch({ kind: 'baseline', depth: await readQueueDepth(client, urls) });
      store.dispatch({ kind: 'child', name: 'setup', status: 'exited', exitCode: 0 });
    } catch (err) {
      const e = toSqsdemoError(err, sqsConfig);
      store.dispatch({ kind: 'stderr', name: 'setup', line: e.message });
      store.dispatch({ kind: 'child', name: 'setup', status: 'crashed', exitCode: e.exitCode });
      throw e;
    }
  }

  /** Ask one role to drain and exit; the screen shows it as stopping meanwhile. */
  async function stopChild(name: ChildName): Promise<void> {
    const child = children.get(name);
    if (!child) return;
    if (store.getState().children[name].status === 'running' || store.getState().children[name].status === 'starting') {
      store.dispatch({ kind: 'child', name, status: 'stopping' });
    }
    await child.stop(STOP_GRACE_MS[name]);
  }

  function sendControl(c: LoadControl): void {
    children.get('load')?.send(JSON.stringify(c));
  }

  return {
    async start() {
      let endpoint: string | undefined;
      if (config.startLocal) {
        launch('sqs', endpointArgs(config), endpointEnv(config, env));
        endpoint = await ready('sqs');
        if (!endpoint) throw new SqsUnavailableError(`the local SQS endpoint did not start${lastLines('sqs')}`, 'run `sqsdemo sqs` alone to see why, or pass --endpoint URL');
      } else {
        store.dispatch({ kind: 'child', name: 'sqs', status: 'skipped' });
      }
      if (stopping) return;
      await setUp(endpoint);
      if (stopping) return;
      pollDone = pollQueueDepth(
        client!, urls!,
        (depth) => store.dispatch({ kind: 'queues', depth }),
        (err) => store.dispatch({ kind: 'event', event: { role: 'sqs', type: 'warn', t: Date.now(), message: `queue depth: ${(err as Error).message}` } }),
        poller.signal,
      );
      const sqs = sqsArgs(config, endpoint);
      launch('work', workArgs(config, sqs));
      const serveReady = ready('serve');
      const workReady = ready('work');
      launch('serve', serveArgs(sqs));
      const [serveUrl] = await Promise.all([serveReady, workReady]);
      if (stopping || !serveUrl) return; // serve crashed: shown in its pane; nothing to load
      launch('load', loadArgs(config, serveUrl));
      await ready('load');
    },

    togglePause() {
      paused = !paused;
      sendControl({ cmd: paused ? 'pause' : 'resume' });
    },

    changeRate(dir) {
      rate = stepRate(store.getState().load?.rate ?? rate, dir);
      sendControl({ cmd: 'rate', rate });
    },

    sqs() {
      return client && urls && clientConfig && !stopping ? { client, config: clientConfig } : undefined;
    },

    stop() {
      stopping ??= (async () => {
        store.dispatch({ kind: 'stopping' });
        for (const name of ['load', 'serve'] as const) await stopChild(name);
        const work = children.get('work');
        // Only a running reader can empty the queue; a crashed one is not waited for.
        if (work && client && urls && store.getState().children.work.status === 'running') await waitDrained(client, urls, store, config.drainMs);
        await stopChild('work');
        poller.abort();
        await pollDone;
        if (client && urls) {
          try {
            const [c, u] = [client, urls];
            const depth = await readFinalDepth(() => readQueueDepth(c, u), (d) => computeBalance({ ...store.getState(), queues: d }).missing);
            store.dispatch({ kind: 'queues', depth });
          } catch (err) {
            store.dispatch({ kind: 'stderr', name: 'setup', line: `final queue depth: ${(err as Error).message}` });
          }
        }
        await stopChild('sqs');
        client?.destroy();
        store.flush();
      })();
      return stopping;
    },
  };
}

/**
 * Wait until the main queue has no visible or delayed message and work holds
 * none in its tasks, twice in a row, or `boundMs` passed. Failed messages
 * waiting out their visibility timeout stay counted as in flight.
 */
async function waitDrained(client: SQSClient, urls: QueueUrls, store: DashStore, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  let calm = 0;
  while (Date.now() < deadline && calm < 2) {
    try {
      const depth = await readQueueDepth(client, urls);
      store.dispatch({ kind: 'queues', depth });
      const workBusy = (store.getState().work?.inFlight ?? 0) > 0;
      calm = depth.main.visible + depth.main.delayed === 0 && !workBusy ? calm + 1 : 0;
    } catch {
      calm = 0;
    }
    if (calm < 2) await sleep(250);
  }
}
