import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { MediaError } from './errors.ts';

export interface UploadLimits {
  maxBytes: number;
  maxFiles: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's private temp folder under <dataDir>/tmp/uploads, removed when the response ends. */
    uploadDir?: string;
  }
}

const FIELD_LIMITS = { fields: 40, fieldSize: 64 * 1024, fieldNameSize: 100, headerPairs: 100 };
/** Room for multipart boundaries and the text fields. */
const OVERHEAD = 1024 * 1024;

/** What multer's refusal means to the uploader; `maxFiles` is named in the too-many-files message. */
function multerError(err: unknown, maxFiles: number): Error {
  if (err instanceof multer.MulterError) {
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new MediaError('too_large', 413, 'file');
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE':
        if (err.field && err.code === 'LIMIT_UNEXPECTED_FILE' && !/^file/.test(err.field)) return new MediaError('unexpected_field', 400, 'file');
        return new MediaError('too_many_files', 400, 'file', { max: maxFiles });
      default:
        return new MediaError('too_many_fields', 400);
    }
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return new MediaError('disk_full', 507);
  // Browsers send a file's name raw in the part header, where busboy refuses control characters.
  if (e?.message === 'Malformed part header') return new MediaError('bad_file_name', 400, 'file');
  // Malformed or truncated multipart, or a client that went away.
  return new MediaError('bad_upload', 400, 'file');
}

/**
 * Multipart upload to a private temp folder under the data folder: refuses early from
 * Content-Length, applies multer's limits, removes the folder whatever happens (also when the
 * client aborts), then checks the CSRF token, which for multipart is only readable now.
 */
export function createUpload(deps: { tmpRoot: string; limits: () => UploadLimits; field: string; isCsrfValid: (req: Request) => boolean }): RequestHandler[] {
  const prepare = async (req: Request, res: Response, next: NextFunction) => {
    const limits = deps.limits();
    if (!req.is('multipart/form-data')) return next(new MediaError('no_file', 400, 'file'));
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > limits.maxBytes * limits.maxFiles + OVERHEAD) {
      res.setHeader('Connection', 'close');
      return next(new MediaError('too_large', 413, 'file'));
    }
    await mkdir(deps.tmpRoot, { recursive: true });
    const dir = path.join(deps.tmpRoot, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir);
    req.uploadDir = dir;
    res.once('close', () => void rm(dir, { recursive: true, force: true }));
    next();
  };

  const receive = (req: Request, res: Response, next: NextFunction) => {
    const limits = deps.limits();
    const storage = multer.diskStorage({
      destination: req.uploadDir!,
      filename: (_req, _file, cb) => cb(null, `upload-${randomBytes(8).toString('hex')}`),
    });
    const m = multer({ storage, limits: { ...FIELD_LIMITS, fileSize: limits.maxBytes, files: limits.maxFiles, parts: limits.maxFiles + FIELD_LIMITS.fields } });
    m.array(deps.field, limits.maxFiles)(req, res, (err?: unknown) => {
      if (err) {
        if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') res.setHeader('Connection', 'close');
        return next(multerError(err, limits.maxFiles));
      }
      next();
    });
  };

  const csrf = (req: Request, _res: Response, next: NextFunction) => {
    if (deps.isCsrfValid(req)) return next();
    next(Object.assign(new Error('invalid csrf token'), { status: 403, code: 'EBADCSRFTOKEN' }));
  };

  return [prepare, receive, csrf];
}

const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Before refusing an upload that was not read (signed out, wrong role…), read and discard a small
 * body so that the client, still sending, gets the answer instead of a broken pipe. A large one is
 * not worth reading: the connection is closed after the answer instead.
 */
export async function settleBody(req: Request, res: Response): Promise<void> {
  if (req.readableEnded || !req.readable) return;
  const length = Number(req.headers['content-length'] ?? Infinity);
  if (length > DRAIN_LIMIT) {
    res.setHeader('Connection', 'close');
    return;
  }
  req.resume();
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, 5000);
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
  });
}

/** Which requests carry their CSRF token inside a multipart body (checked after multer by createUpload). */
export function defersCsrf(req: Request): boolean {
  if (!req.is('multipart/form-data')) return false;
  const p = req.path.replace(/\/+$/, '');
  if (req.method === 'POST') return p === '/admin/media' || p === '/api/v1/media' || /^\/admin\/media\/\d+\/(?:replace|tracks)$/.test(p);
  if (req.method === 'PATCH') return /^\/api\/v1\/media\/\d+$/.test(p);
  return false;
}
