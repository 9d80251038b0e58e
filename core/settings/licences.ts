/** The licences a media item can carry (labels in i18n under `licences.<id>`). */
export const licences = ['all-rights-reserved', 'cc-by', 'cc-by-sa', 'cc-by-nc', 'cc-by-nd', 'cc-by-nc-sa', 'cc-by-nc-nd', 'cc0', 'public-domain'] as const;
export type LicenceId = (typeof licences)[number];

export function isLicence(v: unknown): v is LicenceId {
  return typeof v === 'string' && (licences as readonly string[]).includes(v);
}
