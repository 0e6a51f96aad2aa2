import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProtocolError, ResponseReader } from '../../src/load/http1-response.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('ResponseReader (the load client reads answers on its own connections)', () => {
  it('reads a Content-Length response and keeps its body only when asked', () => {
    const text = 'HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 8\r\n\r\n{"id":1}';
    assert.deepEqual(new ResponseReader(() => true).push(b(text)), [{ status: 201, keepAlive: true, body: b('{"id":1}') }]);
    assert.deepEqual(new ResponseReader().push(b(text)), [{ status: 201, keepAlive: true, body: Buffer.alloc(0) }]);
  });

  it('reads a chunked response with trailers, and Connection: close', () => {
    const text = 'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nX-T: 1\r\n\r\n';
    assert.deepEqual(new ResponseReader(() => true).push(b(text)), [{ status: 400, keepAlive: false, body: b('abcdef') }]);
  });

  it('gives the same responses however the bytes are split across reads', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 3\r\n\r\nabcHTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n';
    const whole = new ResponseReader(() => true).push(b(text));
    assert.deepEqual(whole.map((r) => r.status), [201, 503, 204]);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
      const at = [...new Set(cuts)].sort((x, y) => x - y);
      const reader = new ResponseReader(() => true);
      const got = [];
      let from = 0;
      for (const cut of [...at, text.length]) {
        got.push(...reader.push(b(text.slice(from, cut))));
        from = cut;
      }
      assert.deepEqual(got, whole);
      assert.equal(reader.midResponse, false);
    }));
  });

  it('reads a response without framing until the server closes', () => {
    const reader = new ResponseReader(() => true);
    assert.deepEqual(reader.push(b('HTTP/1.0 200 OK\r\n\r\npart one, ')), []);
    assert.deepEqual(reader.push(b('part two')), []);
    assert.deepEqual(reader.end(), { status: 200, keepAlive: false, body: b('part one, part two') });
  });

  it('refuses what is not HTTP/1.x', () => {
    assert.throws(() => new ResponseReader().push(b('SSH-2.0-OpenSSH\r\n\r\n')), ProtocolError);
    assert.throws(() => new ResponseReader().push(b('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n')), ProtocolError);
  });
});
