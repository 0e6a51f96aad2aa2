/**
 * A small Prometheus text-format (version 0.0.4) writer, for any role's
 * `GET /metrics`. Counters and gauges are written from plain numbers the role
 * already keeps; `BucketHistogram` is a fixed-bucket histogram cheap enough to
 * observe on every request (one linear scan of a short array, no allocation).
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;
export type Sample = readonly [labels: Labels, value: number];

/** Fixed-bucket histogram. `bounds` are the upper bounds (inclusive, ascending), without +Inf. */
export class BucketHistogram {
  readonly bounds: readonly number[];
  /** Non-cumulative counts per bound, plus one for +Inf at the end. */
  private readonly counts: Float64Array;
  private total = 0;
  private n = 0;

  constructor(bounds: readonly number[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error('BucketHistogram bounds must be ascending');
    }
    this.bounds = Object.freeze([...bounds]);
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]! += 1;
    this.total += value;
    this.n += 1;
  }

  get count(): number {
    return this.n;
  }

  get sum(): number {
    return this.total;
  }

  /** Cumulative counts per bound, the last one being +Inf (= count). */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (const c of this.counts) out.push((acc += c));
    return out;
  }
}

/** Builds one exposition: call the metric methods, then `text()`. */
export class PrometheusText {
  private readonly lines: string[] = [];

  counter(name: string, help: string, samples: readonly Sample[] | number): this {
    return this.family(name, help, 'counter', samples);
  }

  gauge(name: string, help: string, samples: readonly Sample[] | number): this {
    return this.family(name, help, 'gauge', samples);
  }

  histogram(name: string, help: string, histogram: BucketHistogram, labels: Labels = {}): this {
    this.header(name, help, 'histogram');
    const cumulative = histogram.cumulative();
    histogram.bounds.forEach((bound, i) => {
      this.lines.push(`${name}_bucket${formatLabels({ ...labels, le: formatValue(bound) })} ${formatValue(cumulative[i]!)}`);
    });
    this.lines.push(`${name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${formatValue(histogram.count)}`);
    this.lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(histogram.sum)}`);
    this.lines.push(`${name}_count${formatLabels(labels)} ${formatValue(histogram.count)}`);
    return this;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  private family(name: string, help: string, type: 'counter' | 'gauge', samples: readonly Sample[] | number): this {
    this.header(name, help, type);
    if (typeof samples === 'number') this.lines.push(`${name} ${formatValue(samples)}`);
    else for (const [labels, value] of samples) this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    return this;
  }

  private header(name: string, help: string, type: string): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid Prometheus metric name: ${name}`);
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
  }
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
