export async function runTty(..._args: unknown[]): Promise<void> {
  throw new Error('not yet');
}
