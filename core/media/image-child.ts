// The image process's entry point (see image-process.ts): runs images.ts's work for the server,
// one message per job, below the server's CPU priority. Not imported by anything else.
import sharp from 'sharp';
import { makeImageVariants, stripLocation } from './images.ts';
import { MediaError } from './errors.ts';
import type { ImageJob, ImageReply } from './image-process.ts';

const concurrency = Number(process.env.KIOSQUE_SHARP_CONCURRENCY);
if (concurrency > 0) sharp.concurrency(concurrency);

async function run(job: ImageJob): Promise<unknown> {
  switch (job.op) {
    case 'variants':
      return makeImageVariants(...job.args);
    case 'strip':
      return stripLocation(...job.args);
  }
}

process.on('message', (job: ImageJob) => {
  run(job).then(
    (result) => process.send!({ id: job.id, ok: true, result } satisfies ImageReply),
    (err: Error) => {
      const error = err instanceof MediaError ? { media: { code: err.code, status: err.status, field: err.field, vars: err.vars } } : {};
      process.send!({ id: job.id, ok: false, error: { message: err.message, code: (err as NodeJS.ErrnoException).code, ...error } } satisfies ImageReply);
    },
  );
});
// The server went away (or closed the process): nothing is left to do.
process.on('disconnect', () => process.exit(0));
