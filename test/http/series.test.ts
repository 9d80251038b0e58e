import { test } from 'node:test';
import assert from 'node:assert/strict';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { series } from '../../core/http/series.ts';

const mark = (name: string): RequestHandler => (req, _res, next) => {
  ((req as unknown as { seen: string[] }).seen ??= []).push(name);
  next();
};

function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use(series(...handlers));
  app.get('/', (req, res) => void res.json((req as unknown as { seen?: string[] }).seen ?? []));
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => void res.status(500).send(`error: ${err.message}`);
  app.use(onError);
  return app;
}

test('series runs its middleware in order as one layer, and a handler may answer and stop the chain', async () => {
  assert.deepEqual((await request(appWith(mark('a'), mark('b'), mark('c'))).get('/')).body, ['a', 'b', 'c']);
  assert.deepEqual((await request(appWith()).get('/')).body, []);
  const stopper: RequestHandler = (_req, res) => void res.status(418).send('stopped');
  const r = await request(appWith(mark('a'), stopper, mark('never'))).get('/');
  assert.equal(r.status, 418);
  assert.equal(r.text, 'stopped');
});

test('an error passed to next, thrown, or from a rejected promise reaches the error handler and skips the rest', async () => {
  const viaNext: RequestHandler = (_req, _res, next) => next(new Error('via next'));
  const thrown: RequestHandler = () => {
    throw new Error('thrown');
  };
  const rejected: RequestHandler = async () => {
    throw new Error('rejected');
  };
  const asyncOk: RequestHandler = async (req, _res, next) => {
    await Promise.resolve();
    mark('async')(req, _res, next);
  };
  for (const [handler, message] of [[viaNext, 'via next'], [thrown, 'thrown'], [rejected, 'rejected']] as const) {
    const r = await request(appWith(mark('a'), handler, mark('never'))).get('/');
    assert.equal(r.status, 500);
    assert.equal(r.text, `error: ${message}`);
  }
  assert.deepEqual((await request(appWith(mark('a'), asyncOk, mark('b'))).get('/')).body, ['a', 'async', 'b']);
});
