import MarkdownIt from 'markdown-it';

export interface MarkdownOptions {
  /** Levels to push headings down: a page with its own <h1> and <h2>s wants the text's `#` lower. */
  headingOffset?: number;
  /** A line break typed in a paragraph stays one (<br>), as in the plain text it replaces. */
  breaks?: boolean;
}

export interface MarkdownRenderOptions {
  /** Turns a site path (`/media/3`) into an absolute URL: for text read away from the site (feeds). */
  absolute?: (path: string) => string;
}

const isSitePath = (url: string) => url.startsWith('/') && !url.startsWith('//');

/**
 * Markdown typed by editors and admins, to HTML safe to put in a page: raw HTML off (typed HTML
 * comes out as text), markdown-it's link check refuses javascript:, vbscript:, file: and data:
 * links. An image from another site becomes a link to it: the pages' Content-Security-Policy shows
 * only this site's images (a hotlinked image would also tell that site who reads the page).
 */
export function createMarkdownRenderer(options: MarkdownOptions = {}): (source: string, render?: MarkdownRenderOptions) => string {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: options.breaks ?? false });
  const offset = options.headingOffset ?? 0;
  if (offset > 0) {
    md.core.ruler.push('shift_headings', (state) => {
      for (const token of state.tokens) {
        if (token.type === 'heading_open' || token.type === 'heading_close') token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + offset)}`;
      }
    });
  }
  md.core.ruler.push('absolute_links', (state) => {
    const absolute = (state.env as MarkdownRenderOptions).absolute;
    if (!absolute) return;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        const attr = token.type === 'link_open' ? 'href' : token.type === 'image' ? 'src' : undefined;
        const url = attr ? String(token.attrGet(attr) ?? '') : '';
        if (attr && isSitePath(url)) token.attrSet(attr, absolute(url));
      }
    }
  });
  const image = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, opts, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const absolute = (env as MarkdownRenderOptions).absolute;
    if (absolute ? src.startsWith(absolute('/')) : isSitePath(src)) return image(tokens, idx, opts, env, self);
    const label = md.utils.escapeHtml(token.content || src);
    return `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener">${label}</a>`;
  };
  return (source: string, render: MarkdownRenderOptions = {}) => md.render(source, { ...render });
}
