import type { Media } from '../store/index.ts';

/** A `<link rel="alternate">` of a page's head. */
export interface AlternateLink {
  type: string;
  title: string;
  href: string;
}

/**
 * How consumers find a media page's oEmbed answers (oembed.com, section 4, discovery): one link
 * for JSON and one for XML, absolute, naming the page by its canonical address.
 */
export function discoveryLinks(origin: string, m: Pick<Media, 'id' | 'slug' | 'title'>): AlternateLink[] {
  const page = encodeURIComponent(`${origin}/media/${m.id}/${m.slug}`);
  return [
    { type: 'application/json+oembed', title: m.title, href: `${origin}/oembed?url=${page}&format=json` },
    { type: 'text/xml+oembed', title: m.title, href: `${origin}/oembed?url=${page}&format=xml` },
  ];
}
