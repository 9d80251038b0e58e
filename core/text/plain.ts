import MarkdownIt from 'markdown-it';
import { stripControls } from './controls.ts';

// The same reading of the text as the pages' (core/text/markdown.ts): typed HTML is text.
const md = new MarkdownIt({ html: false, linkify: false });

/**
 * The words of a Markdown text without its markup, on one line: what a search engine's snippet or
 * a shared link's card shows. Links keep their text, images their alternative text, code its
 * content; entities are decoded (the caller escapes for wherever it writes the text).
 */
export function plainText(markdown: string): string {
  const out: string[] = [];
  for (const block of md.parse(markdown, {})) {
    if (block.type === 'inline') {
      for (const token of block.children ?? []) {
        if (token.type === 'text' || token.type === 'code_inline' || token.type === 'image') out.push(token.content);
        else if (token.type === 'softbreak' || token.type === 'hardbreak') out.push(' ');
      }
      out.push(' ');
    } else if (block.type === 'code_block' || block.type === 'fence') out.push(block.content, ' ');
  }
  return stripControls(out.join('')).replace(/\s+/g, ' ').trim();
}

/**
 * `text` cut to at most `max` characters (code points: an emoji is never split), at the last word
 * boundary before the limit, with an ellipsis; a text with no space in its second half (a long
 * URL) is cut where it reaches the limit.
 */
export function excerpt(text: string, max = 160): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1);
  let cut = head.length;
  // Back to the last space, unless the next character is one (the head then ends with a whole word).
  if (!/\s/.test(chars[max - 1]!)) while (cut > 0 && !/\s/.test(head[cut - 1]!)) cut--;
  if (cut < (max * 2) / 3) cut = head.length;
  return `${head.slice(0, cut).join('').trimEnd().replace(/[\s,;:.!?…–—-]+$/u, '')}…`;
}
