/**
 * Time buckets that stay few: values are kept per bucket of `widthMs`
 * (aligned to the epoch), and when there are more than `maxBuckets` the width
 * doubles and neighbours merge. Memory is bounded however long the log is;
 * a short run keeps the fine width it asked for.
 */
export interface BucketsOptions<V> {
  readonly widthMs: number;
  readonly maxBuckets: number;
  create(): V;
  /** Fold `from` into `into` (both of the same, now wider, bucket). */
  merge(into: V, from: V): void;
}

export class TimeBuckets<V> {
  private map = new Map<number, V>();
  private width: number;
  /** The last bucket asked for: records come mostly in time order. */
  private lastKey = NaN;
  private lastValue: V | undefined;

  constructor(private readonly options: BucketsOptions<V>) {
    this.width = options.widthMs;
  }

  /** Width of one bucket now (ms): the asked width times a power of two. */
  get widthMs(): number {
    return this.width;
  }

  get size(): number {
    return this.map.size;
  }

  /** The bucket holding time `t` (epoch ms), created when missing. */
  at(t: number): V {
    const key = Math.floor(t / this.width);
    if (key === this.lastKey) return this.lastValue!;
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= this.options.maxBuckets) {
        this.coarsen();
        return this.at(t);
      }
      v = this.options.create();
      this.map.set(key, v);
    }
    this.lastKey = key;
    this.lastValue = v;
    return v;
  }

  /** Buckets in time order, each with its start (epoch ms). */
  entries(): Array<{ readonly start: number; readonly value: V }> {
    return [...this.map.entries()].sort((a, b) => a[0] - b[0]).map(([k, value]) => ({ start: k * this.width, value }));
  }

  private coarsen(): void {
    this.lastKey = NaN;
    this.lastValue = undefined;
    this.width *= 2;
    const next = new Map<number, V>();
    for (const [k, v] of this.map) {
      const nk = Math.floor(k / 2);
      const have = next.get(nk);
      if (have === undefined) next.set(nk, v);
      else this.options.merge(have, v);
    }
    this.map = next;
  }
}
