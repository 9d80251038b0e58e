import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.close());

const settle = () => new Promise((r) => setImmediate(r));

test('every request gets its own id, sent as X-Request-Id and logged with method, URL, status and time', async () => {
  const a = await request(t.app).get('/robots.txt?x=1');
  const b = await request(t.app).get('/no/such/thing').set('Accept', 'text/html');
  await settle();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  assert.match(String(a.headers['x-request-id']), uuid);
  assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  for (const [res, url] of [[a, '/robots.txt?x=1'], [b, '/no/such/thing']] as const) {
    const line = t.logs.find((l) => (l.req as { id?: string } | undefined)?.id === res.headers['x-request-id']);
    assert.ok(line, `a line for ${url}`);
    assert.equal(line.msg, 'request completed');
    assert.equal(line.level, 30, 'info');
    assert.deepEqual(line.req, { id: res.headers['x-request-id'], method: 'GET', url });
    assert.deepEqual(line.res, { status: res.status });
    assert.equal(typeof line.responseTime, 'number');
  }
});

test('an error page carries the request id that its log line has', async () => {
  const res = await request(t.app).get('/no/such/thing').set('Accept', 'application/json').expect(404);
  assert.equal(res.body.error.requestId, res.headers['x-request-id']);
});
