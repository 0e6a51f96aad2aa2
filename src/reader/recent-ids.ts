/**
 * A bounded set of recently seen message ids (oldest forgotten first).
 *
 * SQS delivers at least once: a message whose visibility timeout ran out while
 * it was being processed comes back, is processed again, and both deletes can
 * succeed. The reader counts a delete as a new message only the first time it
 * sees the id, so `deleted` counts messages, not deliveries, and the balance in
 * `dash` stays exact. Duplicates are older than a visibility timeout at most a
 * few times over, so a window of the last 65,536 ids (about 8 MiB) is plenty.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly order: string[];
  private next = 0;

  constructor(private readonly capacity = 65_536) {
    this.order = new Array<string>(capacity);
  }

  /** Remember `id`; false when it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    const evicted = this.order[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }
}
