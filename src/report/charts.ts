/**
 * The report's charts, drawn by Observable Plot in Node (linkedom stands in
 * for the browser's DOM) and serialised to SVG/HTML strings: no script runs
 * when the report is opened. Every time axis is in the chosen zone.
 */
import * as Plot from '@observablehq/plot';
import { scaleLinear } from 'd3-scale';
import { parseHTML } from 'linkedom';
import { toPixels } from './scatter.js';
import type { AgeBox, ReportStats } from './stats.js';
import type { ZonedTime } from './time-zone.js';

export const CHART_WIDTH = 980;
const MARGIN = { left: 64, right: 24, top: 24, bottom: 44 };
/** Scatter points are thinned to one per cell of this many pixels (per receive count). */
const SCATTER_CELL_PX = 2;
export const PASS_COLOUR = '#2a78b5';
export const FAIL_COLOUR = '#d3362d';

/** Receive count as a colour class: 1 .. max, then ">max" together. */
function countClass(rc: number, max: number): string {
  return rc > max ? `>${max}` : String(rc);
}

function countColours(max: number): { domain: string[]; range: string[] } {
  const domain = [...Array.from({ length: max }, (_, i) => String(i + 1)), `>${max}`];
  // Dark (first delivery) to bright (last attempts), as the original's blue ramp, with more contrast.
  const ramp = Plot.scale({ color: { type: 'sequential', scheme: 'plasma', domain: [0, 1] } });
  const range = domain.map((_, i) => String(ramp.apply(domain.length === 1 ? 0 : (i / (domain.length - 1)) * 0.88)));
  return { domain, range };
}

export interface ChartContext {
  readonly stats: ReportStats;
  readonly zone: ZonedTime;
}

function newDocument(): Document {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/** Plot's swatch legends have no title: put one in front of the swatches. */
function legendTitle(html: string, title: string): string {
  const at = html.indexOf('</style>', html.indexOf('chart-plot-swatches'));
  return at === -1 ? html : `${html.slice(0, at + 8)}<span class="legend-label">${title}</span>${html.slice(at + 8)}`;
}

function render(options: Plot.PlotOptions): string {
  const el = Plot.plot({
    className: 'chart-plot',
    document: newDocument(),
    width: CHART_WIDTH,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginTop: MARGIN.top,
    marginBottom: MARGIN.bottom,
    style: { fontSize: '12px', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', background: 'white', overflow: 'visible' },
    ...options,
  }) as unknown as { outerHTML: string };
  return el.outerHTML;
}

/** The shared time axis: round local times, labelled with the zone. */
function timeAxis(ctx: ChartContext, from: number, to: number, width = CHART_WIDTH): Plot.ScaleOptions {
  const { ticks, label } = ctx.zone.ticks(from, to, Math.max(2, Math.round((width - MARGIN.left - MARGIN.right) / 110)));
  return {
    type: 'utc',
    domain: [new Date(from), new Date(to)],
    ticks,
    tickFormat: label,
    label: `processing time, ${ctx.zone.format(from).slice(0, 10)} (${ctx.zone.describe(from)}) →`,
    labelAnchor: 'right',
    grid: true,
  };
}

function timeDomain(stats: ReportStats): [number, number] {
  const from = stats.firstMs ?? 0;
  const to = stats.lastMs ?? from;
  // A run shorter than a second still gets a readable axis.
  return to - from < 1_000 ? [from - 500, from + 500] : [from, to];
}

/** 1. Age at processing against time, one dot per (thinned) record, coloured by receive count. */
export function ageScatter(ctx: ChartContext, maxReceiveCount: number): string {
  const { stats } = ctx;
  const height = 440;
  const [from, to] = timeDomain(stats);
  // A loop, not Math.min(...ages): tens of thousands of arguments can overflow the stack.
  let low = 0;
  let high = 1;
  for (const p of stats.scatter.points) {
    low = Math.min(low, p.age / 1000);
    high = Math.max(high, p.age / 1000);
  }
  const y = scaleLinear().domain([low, high]).nice().range([height - MARGIN.bottom, MARGIN.top]);
  const x = scaleLinear().domain([from, to]).range([MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const points = toPixels(stats.scatter.points, x, (age) => y(age / 1000), SCATTER_CELL_PX);
  const colours = countColours(maxReceiveCount);
  const used = new Set(points.map((p) => countClass(p.receiveCount, maxReceiveCount)));
  const domain = colours.domain.filter((d) => used.has(d) || Number(d) <= maxReceiveCount);
  const html = render({
    height,
    x: timeAxis(ctx, from, to),
    y: { domain: y.domain(), label: '↑ age when processed (s)', grid: true },
    color: { type: 'ordinal', domain, range: domain.map((d) => colours.range[colours.domain.indexOf(d)]!), legend: true },
    marks: [
      Plot.ruleY([0], { stroke: '#999' }),
      Plot.dot(points, {
        x: (p) => new Date(p.t),
        y: (p) => p.age / 1000,
        fill: (p) => countClass(p.receiveCount, maxReceiveCount),
        r: 1.8,
        fillOpacity: 0.75,
      }),
    ],
  });
  return legendTitle(html, 'receive count');
}

/** 2. Messages handled per second, passes and failures apart. */
export function throughput(ctx: ChartContext): string {
  const { stats } = ctx;
  const [from, to] = timeDomain(stats);
  const width = stats.rate.bucketMs;
  const rows: Array<{ t: Date; result: string; rate: number }> = [];
  const push = (at: number, pass: number, fail: number): void => {
    rows.push({ t: new Date(at), result: 'pass', rate: pass }, { t: new Date(at), result: 'fail', rate: fail });
  };
  let prev: number | undefined;
  for (const b of stats.rate.buckets) {
    // The first and last buckets are partly outside the run: divide by the part inside, and
    // leave out one that saw less than half its width (its rate would be noise).
    const covered = Math.min(b.start + width, to + 1) - Math.max(b.start, from);
    if (covered < width / 2) continue;
    const perSecond = 1000 / Math.min(width, covered);
    // A gap (no record for a while) is drawn as zero, not as a slope across it.
    if (prev !== undefined && b.start - prev > width) {
      push(prev + width, 0, 0);
      push(b.start - width, 0, 0);
    }
    push(b.start, b.pass * perSecond, b.fail * perSecond);
    prev = b.start;
  }
  // The last step needs its right end.
  const last = rows.at(-1);
  if (prev !== undefined && last) push(prev + width, rows.at(-2)!.rate, last.rate);
  const unit = width === 1000 ? 'per second' : `per second (mean over ${fmtDuration(width)})`;
  const html = render({
    height: 260,
    x: timeAxis(ctx, from, to),
    y: { label: `↑ messages handled ${unit}`, grid: true, zero: true },
    color: { domain: ['pass', 'fail'], range: [PASS_COLOUR, FAIL_COLOUR], legend: true, label: 'result' },
    marks: [
      Plot.ruleY([0], { stroke: '#999' }),
      Plot.lineY(rows, { x: 't', y: 'rate', stroke: 'result', curve: 'step-after', strokeWidth: 1.5, clip: true }),
    ],
  });
  return legendTitle(html, 'result');
}

/** 3. Age per window as box plots (Tukey whiskers; a dot: the window's max when past the whisker). */
export function ageBoxes(ctx: ChartContext): string {
  const { stats } = ctx;
  const w = stats.windows.windowMs;
  const boxes = stats.windows.boxes;
  const from = boxes[0]?.start ?? timeDomain(stats)[0];
  const to = (boxes.at(-1)?.start ?? from) + w;
  const s = (ms: number): number => ms / 1000;
  const mid = (b: AgeBox): Date => new Date(b.start + w / 2);
  const title = (b: AgeBox): string =>
    `${ctx.zone.format(b.start)} + ${fmtDuration(w)}: ${b.count} messages\nage min ${fmtAge(b.min)}, p25 ${fmtAge(b.p25)}, median ${fmtAge(b.p50)}, p75 ${fmtAge(b.p75)}, p99 ${fmtAge(b.p99)}, max ${fmtAge(b.max)}`;
  const outliers = boxes.filter((b) => b.max > b.whiskerHigh);
  return render({
    height: 300,
    x: timeAxis(ctx, from, to),
    y: { label: `↑ age when processed (s), per ${fmtDuration(w)} window`, grid: true, zero: true },
    marks: [
      Plot.ruleX(boxes, { x: mid, y1: (b: AgeBox) => s(b.whiskerLow), y2: (b: AgeBox) => s(b.whiskerHigh), stroke: '#34495e' }),
      Plot.rect(boxes, {
        x1: (b: AgeBox) => new Date(b.start + w * 0.15),
        x2: (b: AgeBox) => new Date(b.start + w * 0.85),
        y1: (b: AgeBox) => s(b.p25),
        y2: (b: AgeBox) => s(b.p75),
        fill: '#a6cbe6',
        stroke: '#2a78b5',
        title,
      }),
      Plot.ruleY(boxes, { x1: (b: AgeBox) => new Date(b.start + w * 0.15), x2: (b: AgeBox) => new Date(b.start + w * 0.85), y: (b: AgeBox) => s(b.p50), stroke: '#08306b', strokeWidth: 2 }),
      Plot.dot(outliers, { x: mid, y: (b: AgeBox) => s(b.max), r: 2.5, stroke: FAIL_COLOUR, title }),
    ],
  });
}

/** 4a. How many handlings per receive count (symlog: the 5th attempt stays visible next to the 1st). */
export function receiveCounts(ctx: ChartContext, maxReceiveCount: number, width: number): string {
  const rows = ctx.stats.attempts.map((a) => ({ rc: a.receiveCount, n: a.pass + a.fail }));
  const max = Math.max(1, ...rows.map((r) => r.n));
  const ticks = [0, ...Array.from({ length: Math.ceil(Math.log10(max)) + 1 }, (_, i) => 10 ** i).filter((v) => v <= max * 1.5)];
  return render({
    width,
    height: 280,
    marginRight: 16,
    x: { type: 'band', domain: xCounts(ctx, maxReceiveCount), label: 'receive count (attempt) →', labelAnchor: 'right' },
    y: { type: 'symlog', domain: [0, max * 2], ticks, tickFormat: fmtCount, label: '↑ messages handled (symlog)', grid: true },
    marks: [
      Plot.barY(rows, { x: 'rc', y: 'n', fill: (r: { rc: number }) => (r.rc >= maxReceiveCount ? FAIL_COLOUR : PASS_COLOUR), title: (r: { rc: number; n: number }) => `receive ${r.rc}: ${r.n}` }),
      Plot.text(rows, { x: 'rc', y: 'n', text: (r: { n: number }) => r.n.toLocaleString('en-US'), dy: -8 }),
    ],
  });
}

/** 4b. The share of failures on each attempt; on maxReceiveCount a failure means the dead-letter queue. */
export function failureShare(ctx: ChartContext, maxReceiveCount: number, width: number): string {
  const rows = ctx.stats.attempts.map((a) => ({ rc: a.receiveCount, share: (100 * a.fail) / Math.max(1, a.pass + a.fail), fail: a.fail, n: a.pass + a.fail }));
  return render({
    width,
    height: 280,
    marginRight: 16,
    x: { type: 'band', domain: xCounts(ctx, maxReceiveCount), label: 'receive count (attempt) →', labelAnchor: 'right' },
    y: { domain: [0, Math.max(10, ...rows.map((r) => r.share * 1.2))], label: '↑ failed (%)', grid: true },
    marks: [
      Plot.barY(rows, { x: 'rc', y: 'share', fill: (r: { rc: number }) => (r.rc >= maxReceiveCount ? FAIL_COLOUR : '#e8918b'), title: (r: { rc: number; fail: number; n: number }) => `receive ${r.rc}: ${r.fail} of ${r.n} failed` }),
      Plot.text(rows, { x: 'rc', y: 'share', text: (r: { rc: number; share: number; fail: number }) => `${r.share.toFixed(1)}%${r.rc >= maxReceiveCount && r.fail > 0 ? ' → DLQ' : ''}`, dy: -8 }),
      Plot.ruleY([0], { stroke: '#999' }),
    ],
  });
}

/** Receive counts 1 .. max(threshold, highest seen), as band labels. */
function xCounts(ctx: ChartContext, maxReceiveCount: number): number[] {
  const top = Math.max(maxReceiveCount, ...ctx.stats.attempts.map((a) => a.receiveCount));
  return Array.from({ length: Math.min(top, 50) }, (_, i) => i + 1);
}

/** 1, 10, 100, 1k, 10k, 1M. */
function fmtCount(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(v);
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} d`;
}

export function fmtAge(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  return `${sign}${fmtDuration(a)}`;
}
