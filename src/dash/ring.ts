/** Append to an immutable ring: keeps the newest `max` items (oldest dropped first). */
export function pushRing<T>(items: readonly T[], item: T, max: number): readonly T[] {
  if (items.length < max) return [...items, item];
  const out = items.slice(items.length - max + 1);
  out.push(item);
  return out;
}
