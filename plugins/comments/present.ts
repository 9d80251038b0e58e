import type { CommentRecord } from './records.ts';

/** A comment's text as paragraphs (blank lines apart) of lines, for the template to escape and join with <br>. */
export function paragraphsOf(text: string): string[][] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((line) => line.trimEnd()))
    .filter((lines) => lines.some((line) => line.trim() !== ''));
}

export interface CommentView {
  id: string;
  name: string;
  guest: boolean;
  createdAt: string;
  paragraphs: string[][];
  status: CommentRecord['status'];
}

export function commentView(c: CommentRecord): CommentView {
  return { id: c.id, name: c.name, guest: c.userId === null, createdAt: c.createdAt, paragraphs: paragraphsOf(c.text), status: c.status };
}
