/** dash passes --data-dir through to the endpoint it starts, and --credentials through the environment (never argv). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointArgs, endpointEnv, roleEnv, type DashConfig } from '../../src/dash/config.js';

describe('dash: the endpoint it starts', () => {
  it('gets --data-dir when dash was given one, and stays in memory otherwise', () => {
    const base = {} as DashConfig;
    assert.deepEqual(endpointArgs(base), ['--host', '127.0.0.1', '--port', '0', '--json']);
    assert.deepEqual(endpointArgs({ ...base, sqsDataDir: '/var/lib/sqsdemo' }), ['--host', '127.0.0.1', '--port', '0', '--json', '--data-dir', '/var/lib/sqsdemo']);
  });

  it('gets --credentials in SQSDEMO_CREDENTIALS, not in argv (ps shows argv), and no inherited SQSDEMO_CREDENTIALS without', () => {
    const base = {} as DashConfig;
    const withKeys = { ...base, endpointCredentials: [{ accessKeyId: 'AKIDA', secretAccessKey: 's1' }, { accessKeyId: 'AKIDB', secretAccessKey: 's2' }] };
    assert.equal(endpointArgs(withKeys).some((a) => a.includes('s1')), false);
    assert.equal(endpointEnv(withKeys, { PATH: '/bin', SQSDEMO_CREDENTIALS: 'OLD:old' }).SQSDEMO_CREDENTIALS, 'AKIDA:s1,AKIDB:s2');
    assert.deepEqual(endpointEnv(base, { PATH: '/bin', SQSDEMO_CREDENTIALS: 'OLD:old' }), { PATH: '/bin' });
  });

  it('gives the roles the first --credentials pair instead of the inherited AWS keys, session token and profile', () => {
    const base = {} as DashConfig;
    const inherited = { PATH: '/bin', AWS_ACCESS_KEY_ID: 'AKIDOLD', AWS_SECRET_ACCESS_KEY: 'old', AWS_SESSION_TOKEN: 't', AWS_PROFILE: 'p' };
    assert.equal(roleEnv(base, inherited), inherited);
    assert.deepEqual(roleEnv({ ...base, endpointCredentials: [{ accessKeyId: 'AKIDA', secretAccessKey: 's1' }] }, inherited), { PATH: '/bin', AWS_ACCESS_KEY_ID: 'AKIDA', AWS_SECRET_ACCESS_KEY: 's1' });
  });
});
