export { createMediaRoutes, MAX_FILES_PER_UPLOAD, type MediaRoutesDeps } from './routes.ts';
export { createMediaService, canEdit, canSee, type MediaService, type AcceptDecision, type AcceptInfo } from './service.ts';
export { defersCsrf } from './upload.ts';
export { findTools, INSTALL_HINT, type MediaTools, type ToolStatus } from './tools.ts';
export { detectType, acceptedMimes } from './detect.ts';
export { sanitiseName, slugify } from './filename.ts';
export { readMediaSettings, mediaSettingsDefaults, type MediaSettings } from './settings.ts';
export { MediaError } from './errors.ts';
