/**
 * The one place DashState lives: the supervisor dispatches actions, the Ink
 * tree reads it through useDashState (useSyncExternalStore). Listeners are
 * told at most once per `publishMs` (default 100 ms), so 200 access lines a
 * second cost 10 renders, not 200.
 */
import { initialState, reduce, type DashAction, type DashState } from './state.js';

export interface DashStore {
  /** The latest state (every action applied). */
  getState(): DashState;
  /** The state listeners were last told about (stable between notifications). */
  getPublished(): DashState;
  dispatch(action: DashAction): void;
  subscribe(listener: () => void): () => void;
  /** Publish now (e.g. before the last frame). */
  flush(): void;
}

export function createDashStore(options: { publishMs?: number; initial?: DashState } = {}): DashStore {
  const publishMs = options.publishMs ?? 100;
  let state = options.initial ?? initialState();
  let published = state;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<() => void>();

  function publish(): void {
    timer = undefined;
    if (published === state) return;
    published = state;
    for (const l of [...listeners]) l();
  }

  return {
    getState: () => state,
    getPublished: () => published,
    dispatch(action) {
      state = reduce(state, action);
      if (publishMs <= 0) publish();
      else if (timer === undefined) {
        timer = setTimeout(publish, publishMs);
        timer.unref();
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      publish();
    },
  };
}
