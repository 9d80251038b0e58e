import type { Store } from '../store/index.ts';
import type { Language } from '../i18n/index.ts';

/** General site setup. The admin page for it arrives with the configuration pages; these defaults make a new portal complete. */
export interface SkeletonSettings {
  siteName: string;
  slogan: string;
  description: string;
  language: Language;
  visitorsMayChooseLanguage: boolean;
  theme: string;
  footerText: string;
}

export const skeletonDefaults: SkeletonSettings = {
  siteName: 'Kiosque',
  slogan: '',
  description: '',
  language: 'en',
  visitorsMayChooseLanguage: true,
  theme: 'default',
  footerText: '',
};

export async function readSkeleton(store: Store): Promise<SkeletonSettings> {
  const saved = await store.settings.get<Partial<SkeletonSettings>>('skeleton');
  return { ...skeletonDefaults, ...(saved ?? {}) };
}
