import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { I18n, Language } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';

interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  code?: string;
  type?: string;
}

/** Requests that want JSON rather than a page: the API, and clients that do not accept HTML. */
export function wantsJson(req: Request): boolean {
  if (req.path.toLowerCase().startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return !accept.includes('text/html') && accept.includes('application/json');
}

/** Statuses the dictionaries have a title and a message for (`errors.title_<status>`, `errors.http_<status>`). */
const worded = [400, 401, 403, 404, 405, 413, 429, 500];

/** The status whose words a page takes: its own, else a client error's are a bad request's (415, 416…) and a server error's a failure's. */
function wordedStatus(status: number): number {
  return worded.includes(status) ? status : status < 500 ? 400 : 500;
}

function messageKey(status: number, err?: HttpishError): string {
  if (err?.code === 'EBADCSRFTOKEN') return 'errors.csrf';
  if (err?.type === 'entity.too.large') return 'errors.too_large';
  if (err?.type === 'entity.parse.failed') return 'errors.bad_body';
  return `errors.http_${wordedStatus(status)}`;
}

export function createErrorHandlers(deps: { render: RenderPage; i18n: I18n; logger: Logger }) {
  async function sendError(req: Request, res: Response, status: number, err?: HttpishError): Promise<void> {
    const site = res.locals.site as RequestSite | undefined;
    const lang: Language = site?.lang ?? 'en';
    const key = messageKey(status, err);
    const message = deps.i18n.t(lang, key);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') return void res.status(status).end();
    if (wantsJson(req) || !site) {
      res.status(status).json({ error: { code: key.replace(/^errors\./, ''), message, requestId: req.id } });
      return;
    }
    try {
      // The reference helps an administrator find a failure in the log; a missing page or a refusal has nothing there to find.
      await deps.render(req, res, [`error-${status}`, 'error'], { status, message, requestId: req.id, showReference: status >= 500 }, { status, title: deps.i18n.t(lang, `errors.title_${wordedStatus(status)}`), themeFallback: true });
    } catch (renderErr) {
      deps.logger.error({ err: renderErr, reqId: req.id }, 'error page failed to render');
      if (!res.headersSent) res.status(status).type('text/plain').send(`${message} (${req.id})`);
    }
  }

  return {
    sendError,
    notFound: (req: Request, res: Response) => sendError(req, res, 404),
    // Express recognises error handlers by their four parameters.
    errorHandler: (err: HttpishError, req: Request, res: Response, _next: NextFunction) => {
      const raw = err.status ?? err.statusCode ?? 500;
      const status = raw >= 400 && raw < 600 ? raw : 500;
      // A plugin's route is named (the dispatcher of /plugins/<id>/ set it).
      if (status >= 500) deps.logger.error({ err, reqId: req.id, plugin: res.locals.plugin as string | undefined }, 'request failed');
      else deps.logger.info({ reqId: req.id, status, code: err.code, msg: err.message }, 'request refused');
      if (res.headersSent) return void res.end();
      return sendError(req, res, status, err);
    },
  };
}
