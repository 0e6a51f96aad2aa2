/**
 * The results table: one row per measurement, sqsdemo against its baseline in
 * the same run (ratios are what compare across runs on a noisy machine), with
 * the target and whether it was met, and by how much when it was not.
 */
import { cpus, loadavg, totalmem } from 'node:os';

export type Target =
  | { readonly kind: 'ratio-at-least'; readonly min: number }
  | { readonly kind: 'ratio-at-most'; readonly max: number }
  | { readonly kind: 'at-least'; readonly min: number; readonly unit: string }
  | { readonly kind: 'at-most'; readonly max: number; readonly unit: string }
  | { readonly kind: 'exact' }
  | { readonly kind: 'none' };

export interface Row {
  readonly section: string;
  readonly measurement: string;
  readonly sqsdemo: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: string;
}

export interface SectionResult {
  readonly rows: Row[];
  readonly notes: string[];
}

/** Is `value` within `target` (ratio for ratio targets)? A short verdict with the miss. */
export function judge(target: Target, value: number | undefined, ratio?: number): { target: string; met: string } {
  switch (target.kind) {
    case 'none':
      return { target: '—', met: '—' };
    case 'exact':
      return { target: 'exact', met: value === undefined ? 'n/a' : value === 0 ? 'yes' : `no (off by ${value})` };
    case 'ratio-at-least': {
      const t = `≥ ${target.min}×`;
      if (ratio === undefined || !Number.isFinite(ratio)) return { target: t, met: 'n/a' };
      return { target: t, met: ratio >= target.min ? 'yes' : `no (${ratio.toFixed(2)}×: ${pct((target.min - ratio) / target.min)} short)` };
    }
    case 'ratio-at-most': {
      const t = `≤ ${target.max}×`;
      if (ratio === undefined || !Number.isFinite(ratio)) return { target: t, met: 'n/a' };
      return { target: t, met: ratio <= target.max ? 'yes' : `no (${ratio.toFixed(2)}×: ${pct((ratio - target.max) / target.max)} over)` };
    }
    case 'at-least': {
      const t = `≥ ${target.min.toLocaleString('en-US')} ${target.unit}`;
      if (value === undefined) return { target: t, met: 'n/a' };
      return { target: t, met: value >= target.min ? 'yes' : `no (${pct((target.min - value) / target.min)} short)` };
    }
    case 'at-most': {
      const t = `≤ ${target.max.toLocaleString('en-US')} ${target.unit}`;
      if (value === undefined) return { target: t, met: 'n/a' };
      return { target: t, met: value <= target.max ? 'yes' : `no (${pct((value - target.max) / target.max)} over)` };
    }
  }
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function ratioText(a: number | undefined, b: number | undefined): { ratio: number | undefined; text: string } {
  if (a === undefined || b === undefined || b === 0) return { ratio: undefined, text: '—' };
  const r = a / b;
  return { ratio: r, text: `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×` };
}

export function row(section: string, measurement: string, cells: { sqsdemo: string; baseline?: string; value?: number; baselineValue?: number; target?: Target }): Row {
  const { ratio, text } = ratioText(cells.value, cells.baselineValue);
  const verdict = judge(cells.target ?? { kind: 'none' }, cells.value, ratio);
  return { section, measurement, sqsdemo: cells.sqsdemo, baseline: cells.baseline ?? '—', ratio: text, ...verdict };
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  readonly loadAvg: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAvg: loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

function escape(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(m: Machine, rows: readonly Row[], notes: readonly string[], mode: string, elapsedS: number): string {
  const lines: string[] = [];
  lines.push('# sqsdemo benchmark results', '');
  lines.push(`- Date: ${m.date}`);
  lines.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.platform}`);
  lines.push(`- Node: ${m.node}`);
  lines.push(`- Mode: ${mode}; took ${elapsedS.toFixed(0)} s; load average at start: ${m.loadAvg}`);
  lines.push('', 'Ratios compare sqsdemo with its baseline measured in the same run on the same machine; absolute numbers vary between runs.', '');
  lines.push('| Section | Measurement | sqsdemo | Baseline | Ratio | Target | Met? |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(`| ${[r.section, r.measurement, r.sqsdemo, r.baseline, r.ratio, r.target, r.met].map(escape).join(' | ')} |`);
  }
  if (notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const n of notes) lines.push(`- ${n}`);
  }
  return lines.join('\n') + '\n';
}
