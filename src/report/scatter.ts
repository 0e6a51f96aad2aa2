/**
 * Decimation for the age scatter: a million points do not fit in an SVG a
 * person can open. Points are kept one per cell of (time, age, receive count),
 * with how many fell in it; a lone point (an outlier) always has a cell of its
 * own, so it is never dropped, only dense runs are thinned. The time cells
 * widen (as TimeBuckets do) to keep at most `maxCells`; ages use 10 ms cells
 * below a second and 1 % steps above, so short and long ages keep their shape.
 * `toPixels` thins again at the chart's resolution, once the ranges are known.
 */
export interface ScatterPoint {
  /** Processing time (epoch ms). */
  readonly t: number;
  /** Age at processing (ms). */
  readonly age: number;
  readonly receiveCount: number;
  /** Points this one stands for. */
  n: number;
}

const LOG_STEP = Math.log(1.01);
/** Receive counts above this share a colour class (shown as ">= N"). */
const MAX_CLASS = 31;

export function ageCell(ageMs: number): number {
  const a = Math.abs(ageMs);
  const cell = a < 1_000 ? Math.floor(a / 10) : 100 + Math.floor(Math.log(a / 1_000) / LOG_STEP);
  return (ageMs < 0 ? 2_048 : 0) + Math.min(2_047, cell);
}

export class ScatterSampler {
  private cells = new Map<number, ScatterPoint>();
  private widthMs: number;
  /** Points offered (every record). */
  total = 0;

  constructor(private readonly maxCells = 60_000, initialWidthMs = 20) {
    this.widthMs = initialWidthMs;
  }

  get cellWidthMs(): number {
    return this.widthMs;
  }

  get size(): number {
    return this.cells.size;
  }

  add(t: number, age: number, receiveCount: number): void {
    this.total += 1;
    const key = this.key(t, age, receiveCount);
    const have = this.cells.get(key);
    if (have) {
      have.n += 1;
      return;
    }
    this.cells.set(key, { t, age, receiveCount, n: 1 });
    if (this.cells.size > this.maxCells) this.coarsen();
  }

  points(): ScatterPoint[] {
    return [...this.cells.values()];
  }

  private key(t: number, age: number, rc: number): number {
    return (Math.floor(t / this.widthMs) * 4_096 + ageCell(age)) * 32 + Math.min(rc, MAX_CLASS);
  }

  private coarsen(): void {
    // Widen until a quarter of the room is free again (or time no longer separates the cells).
    while (this.cells.size > this.maxCells * 0.75) {
      const before = this.cells.size;
      this.widthMs *= 2;
      const next = new Map<number, ScatterPoint>();
      for (const p of this.cells.values()) {
        const key = this.key(p.t, p.age, p.receiveCount);
        const have = next.get(key);
        if (have) have.n += p.n;
        else next.set(key, p);
      }
      this.cells = next;
      if (next.size === before) break;
    }
  }
}

/**
 * Keep one point per `cellPx` square of the chart (per receive count), given
 * the functions that place a point. Lower receive counts come first, so the
 * rarer retries are drawn on top.
 */
export function toPixels(points: readonly ScatterPoint[], x: (t: number) => number, y: (age: number) => number, cellPx: number): ScatterPoint[] {
  const cells = new Map<string, ScatterPoint>();
  for (const p of points) {
    const key = `${Math.floor(x(p.t) / cellPx)},${Math.floor(y(p.age) / cellPx)},${p.receiveCount}`;
    const have = cells.get(key);
    if (have) have.n += p.n;
    else cells.set(key, { ...p });
  }
  return [...cells.values()].sort((a, b) => a.receiveCount - b.receiveCount || a.t - b.t);
}
