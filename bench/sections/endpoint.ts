import type { BenchOptions, SectionOutput } from '../lib/context.js';
export async function benchEndpoint(_o: BenchOptions, _out: SectionOutput): Promise<void> {}
