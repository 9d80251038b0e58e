import type { Media, MediaType } from '../store/index.ts';
import { isPdf } from './pdf.ts';
import { needsProcessing, type MediaService } from './service.ts';

export interface RegenerateProgress {
  done: number;
  total: number;
  failed: number;
  rate: number;
  etaSeconds: number;
}

export interface RegenerateSummary {
  total: number;
  regenerated: number;
  /** `processing`: the media's failure as stored (its reason, to be worded in the reader's language); absent when the rebuild itself threw. */
  failed: Array<{ id: string; message: string; processing?: Media['processing'] }>;
  /** PDFs that came out with no preview and no failure: pdftoppm is missing. */
  withoutPreview: number;
  seconds: number;
}

/**
 * `kiosque media:regenerate`: rebuilds derivatives (after the size settings changed), images with
 * sharp, audio/video and PDFs (their preview) through the processing queue, `processingConcurrency`
 * at a time. Other documents have nothing to rebuild.
 */
export async function regenerateAll(deps: { media: MediaService; types?: MediaType[]; onProgress?: (p: RegenerateProgress) => void }): Promise<RegenerateSummary> {
  const started = performance.now();
  const all = (await deps.media.store.media.list()).filter((m) => (!deps.types || deps.types.includes(m.type)) && (m.type === 'image' || needsProcessing(m)));
  const summary: RegenerateSummary = { total: all.length, regenerated: 0, failed: [], withoutPreview: 0, seconds: 0 };
  let done = 0;
  const report = () => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    deps.onProgress?.({ done, total: all.length, failed: summary.failed.length, rate, etaSeconds: rate > 0 ? (all.length - done) / rate : 0 });
  };
  report();
  await Promise.all(
    all.map(async (m) => {
      try {
        // Images go through the same bounded queue as uploads; audio/video queue themselves.
        const updated = m.type === 'image' ? await deps.media.imageQueue.run(() => deps.media.regenerate(m.id)) : await deps.media.regenerate(m.id);
        if (updated?.processing.state === 'failed') summary.failed.push({ id: m.id, message: updated.processing.error ?? 'failed', processing: updated.processing });
        else summary.regenerated++;
        if (updated && isPdf(updated) && updated.processing.state === 'done' && !updated.variants.thumb) summary.withoutPreview++;
      } catch (err) {
        summary.failed.push({ id: m.id, message: (err as Error).message });
      }
      done++;
      report();
    }),
  );
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
