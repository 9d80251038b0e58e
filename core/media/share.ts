import type { Media, StoredFile } from '../store/index.ts';
import type { PageShare, ShareImage, ShareStream } from '../site/share-meta.ts';
import { fileUrl } from './present.ts';
import { withheldFor } from './serve.ts';
import { WEB_VARIANT } from './web-version.ts';

/** The picture a card shows, the largest first: an image's derivatives, a video's frame, a cover, a PDF's first page. */
const PICTURES = ['large', 'poster', 'medium'] as const;

/**
 * What a published media's page shares: its description, a picture and, for audio and video, what
 * the page plays. Only files any visitor may fetch are named: derivatives (shown whatever the
 * download rules), never the original as a picture; the web version, or an original the queue
 * found playable as it is (processing done, none made), which the players play for anybody too.
 * Nothing while its files are withheld (the place it was made not yet removed: 503 to visitors).
 */
export function mediaShare(m: Media): PageShare {
  const base: PageShare = {
    canonical: `/media/${m.id}/${m.slug}`,
    type: m.type === 'video' ? 'video.other' : 'article',
    description: m.description,
    published: m.publishedAt,
    modified: m.updatedAt,
  };
  if (withheldFor(m, false)) return base;
  const name = PICTURES.find((v) => m.variants[v]);
  const picture = name ? m.variants[name] : undefined;
  // A derivative with a WebP twin is sent as WebP to whoever accepts it: its type is the answer's to say, not the card's.
  const mime = name && !m.variants[`${name}.webp`] ? picture?.mime : undefined;
  const image: ShareImage | undefined = name && picture ? { path: fileUrl(m, name), mime, width: picture.width, height: picture.height, alt: m.title, subject: true } : undefined;
  const played = playedFile(m);
  const stream: ShareStream | undefined = played && { path: fileUrl(m, played.name), mime: played.file.mime, width: played.file.width, height: played.file.height };
  return { ...base, image, ...(m.type === 'video' ? { video: stream } : m.type === 'audio' ? { audio: stream } : {}) };
}

function playedFile(m: Media): { name: string; file: StoredFile } | undefined {
  const web = m.variants[WEB_VARIANT];
  if (web) return { name: WEB_VARIANT, file: web };
  if (m.processing.state === 'done' && (m.type === 'video' || m.type === 'audio')) return { name: 'original', file: m.original };
  return undefined;
}
