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

/**
 * Every problem a media form had, so it can show each next to its field (as UserInputErrors does
 * for accounts). It reads as its first problem, so callers that report one message need nothing new.
 */
export class MediaErrors extends MediaError {
  constructor(public readonly all: MediaError[]) {
    super(all[0]!.code, all[0]!.status, all[0]!.field, all[0]!.vars);
    this.name = 'MediaErrors';
  }
}

/** The problems behind an error: several for `MediaErrors`, else the one. */
export function mediaProblemsOf(err: MediaError): MediaError[] {
  return err instanceof MediaErrors ? err.all : [err];
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}
