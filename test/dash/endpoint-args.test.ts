/** dash passes --data-dir through to the endpoint it starts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointArgs, type DashConfig } from '../../src/dash/config.js';

describe('dash: the endpoint it starts', () => {
  it('gets --data-dir when dash was given one, and stays in memory otherwise', () => {
    const base = {} as DashConfig;
    assert.deepEqual(endpointArgs(base), ['--host', '127.0.0.1', '--port', '0', '--json']);
    assert.deepEqual(endpointArgs({ ...base, sqsDataDir: '/var/lib/sqsdemo' }), ['--host', '127.0.0.1', '--port', '0', '--json', '--data-dir', '/var/lib/sqsdemo']);
  });
});
