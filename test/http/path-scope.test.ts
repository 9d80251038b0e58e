import { test } from 'node:test';
import assert from 'node:assert/strict';
import express, { Router } from 'express';
import request from 'supertest';
import { underPath } from '../../core/http/path-scope.ts';

test('underPath runs a router only at or under its prefix, matching as Express does', async () => {
  let entered = 0;
  const router = Router();
  router.use((_req, _res, next) => {
    entered++;
    next();
  });
  router.get('/admin', (_req, res) => void res.send('admin'));
  router.get('/admin/users', (_req, res) => void res.send('users'));
  const app = express();
  app.use(underPath('/admin', router));
  app.use((_req, res) => void res.status(404).send('none'));

  assert.equal((await request(app).get('/admin/users')).text, 'users');
  assert.equal((await request(app).get('/ADMIN/Users')).text, 'users');
  assert.equal((await request(app).get('/admin/')).text, 'admin');
  assert.equal(entered, 3);
  for (const path of ['/', '/administrator', '/search', '/x/admin']) assert.equal((await request(app).get(path)).status, 404, path);
  assert.equal(entered, 3, 'other paths never walk the router');
  assert.equal((underPath('/admin', router) as unknown as { stack: unknown }).stack, (router as unknown as { stack: unknown }).stack);
});
