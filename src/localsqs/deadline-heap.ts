/**
 * Min-heap of messages by `deadline` (delay end or visibility timeout). Indexed:
 * each message knows its position, so a changed deadline or a delete is
 * O(log n) with no stale entries and no allocation per deadline.
 */
import type { StoredMessage } from './message.js';

export class DeadlineHeap {
  private readonly items: StoredMessage[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): StoredMessage | undefined {
    return this.items[0];
  }

  push(msg: StoredMessage): void {
    msg.heapIndex = this.items.length;
    this.items.push(msg);
    this.up(msg.heapIndex);
  }

  pop(): StoredMessage | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Remove a message wherever it is; no-op when not in the heap. */
  remove(msg: StoredMessage): void {
    const i = msg.heapIndex;
    if (i < 0) return;
    const last = this.items.pop()!;
    msg.heapIndex = -1;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  /** Re-place a message after its deadline changed (or insert it). */
  update(msg: StoredMessage): void {
    if (msg.heapIndex < 0) return this.push(msg);
    this.up(msg.heapIndex);
    this.down(msg.heapIndex);
  }

  forEach(fn: (msg: StoredMessage) => void): void {
    for (const m of this.items) fn(m);
  }

  clear(): void {
    for (const m of this.items) m.heapIndex = -1;
    this.items.length = 0;
  }

  private up(i: number): void {
    const items = this.items;
    const msg = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.deadline <= msg.deadline) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = msg;
    msg.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const msg = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1]!.deadline < items[child]!.deadline) child += 1;
      const c = items[child]!;
      if (c.deadline >= msg.deadline) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = msg;
    msg.heapIndex = i;
  }
}
