import type { Store } from '../store/index.ts';
import type { SettingField } from '../plugins/api.ts';
import { keyLabel, validatedOrDefaults } from './read.ts';

/** What media pages and lists show (/admin/config/media). */
export interface MediaDisplaySettings {
  showAuthor: boolean;
  showDates: boolean;
  showViews: boolean;
  showLicence: boolean;
  showKeywords: boolean;
  showType: boolean;
  showFileSize: boolean;
  /** A photo's camera, lens, exposure and date taken, read from its EXIF at upload. */
  showShooting: boolean;
  showDownloadLink: boolean;
}

export const mediaDisplayDefaults: MediaDisplaySettings = {
  showAuthor: true,
  showDates: true,
  showViews: false,
  showLicence: true,
  showKeywords: true,
  showType: true,
  showFileSize: true,
  showShooting: true,
  showDownloadLink: true,
};

export function mediaDisplayFields(label: (key: string) => { en: string; fr: string }): SettingField[] {
  return (Object.keys(mediaDisplayDefaults) as Array<keyof MediaDisplaySettings>).map((key) => ({
    key,
    type: 'boolean',
    label: label(`admin.config.media.${key}`),
    // Hiding authors also takes their pages away: say so where the choice is made.
    ...(key === 'showAuthor' ? { help: label('admin.config.media.showAuthor_help') } : {}),
    default: mediaDisplayDefaults[key],
  }));
}

const readFields = mediaDisplayFields(keyLabel);

/** What media pages show; stored under `media` next to the media library's own settings (boxes, quality…). */
export async function readMediaDisplay(store: Store): Promise<MediaDisplaySettings> {
  return validatedOrDefaults(readFields, await store.settings.get('media')) as unknown as MediaDisplaySettings;
}
