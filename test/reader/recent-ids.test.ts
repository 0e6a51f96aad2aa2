import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecentIds } from '../../src/reader/recent-ids.js';

describe('RecentIds (counting each deleted message once)', () => {
  it('says an id is new once, and a repeat is not', () => {
    const ids = new RecentIds(4);
    assert.equal(ids.add('a'), true);
    assert.equal(ids.add('b'), true);
    assert.equal(ids.add('a'), false);
  });

  it('forgets the oldest ids beyond its capacity, keeping memory bounded', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(ids.add(id), true);
    assert.equal(ids.add('a'), true, 'a was the oldest and is forgotten');
    assert.equal(ids.add('d'), false, 'd is still remembered');
  });
});
