/** How `sqsdemo setup` tells the user what it did. */
import type { QueueReport, TopologyReport } from './topology.js';

const WORDS: Record<QueueReport['action'], string> = {
  created: 'created',
  unchanged: 'exists, unchanged',
  differs: 'exists, DIFFERS',
  updated: 'updated',
};

export function formatTopologyReport(report: TopologyReport): string {
  const lines: string[] = [];
  for (const q of [report.dlq, report.main]) {
    lines.push(`${q.name.padEnd(24)} ${WORDS[q.action].padEnd(18)} ${q.url}`);
    for (const d of q.differences) {
      const verb = q.action === 'updated' ? 'was' : 'is';
      lines.push(`    ${d.attribute}: ${verb} ${d.have}, wanted ${d.want}`);
    }
  }
  const actions = [report.dlq.action, report.main.action];
  if (actions.every((a) => a === 'unchanged')) lines.push('Nothing to change: the queues exist with the wanted attributes.');
  else if (actions.includes('differs')) lines.push('Some attributes differ; rerun with --apply to update them.');
  else lines.push('Queues ready.');
  return lines.join('\n') + '\n';
}
