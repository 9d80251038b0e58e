/** A refusal the user can act on: an i18n key under `media.errors.`, an HTTP status, and the form field concerned. */
export class MediaError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    public readonly field?: string,
    public readonly vars?: Record<string, unknown>,
  ) {
    super(`media: ${code}`);
    this.name = 'MediaError';
  }
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}
