import { z } from 'zod';

export const MAX_TEXT = 5000;
export const MAX_NAME = 80;

/** What the form sent, as typed (for showing it back), line endings made `\n`. */
export interface TypedComment {
  text: string;
  name: string;
  /** The honeypot: people never see it, naive bots fill it. */
  website: string;
}

/** An error beside a field: the i18n key (under `errors.`) and its values. */
export interface FieldError {
  key: string;
  vars?: Record<string, unknown>;
}

export type CommentInput = { ok: true; text: string; name: string } | { ok: false; errors: { text?: FieldError; name?: FieldError } };

const field = (value: unknown) => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : '');

export function typedComment(body: unknown): TypedComment {
  const b = (body ?? {}) as Record<string, unknown>;
  return { text: field(b.text), name: field(b.name), website: field(b.website) };
}

const textSchema = z.string().trim().min(1, 'text_required').max(MAX_TEXT, 'text_too_long');
const nameSchema = z.string().trim().min(1, 'name_required').max(MAX_NAME, 'name_too_long').regex(/^[^\n]*$/, 'name_one_line');

/** Checks a comment; `withName` when the author is a visitor, who signs with a name. */
export function checkComment(typed: TypedComment, withName: boolean): CommentInput {
  const errors: { text?: FieldError; name?: FieldError } = {};
  const text = textSchema.safeParse(typed.text);
  if (!text.success) errors.text = { key: text.error.issues[0]!.message, vars: { max: MAX_TEXT, length: typed.text.trim().length } };
  let name = '';
  if (withName) {
    const parsed = nameSchema.safeParse(typed.name);
    if (parsed.success) name = parsed.data;
    else errors.name = { key: parsed.error.issues[0]!.message, vars: { max: MAX_NAME } };
  }
  if (!text.success || errors.name) return { ok: false, errors };
  return { ok: true, text: text.data, name };
}
