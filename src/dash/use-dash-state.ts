/** The store's published state, re-rendering when it changes (at most every publishMs). */
import { useSyncExternalStore } from 'react';
import type { DashState } from './state.js';
import type { DashStore } from './store.js';

export function useDashState(store: DashStore): DashState {
  return useSyncExternalStore(store.subscribe, store.getPublished, store.getPublished);
}
