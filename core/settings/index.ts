/** Settings: the schema → form → validation facility (plugins and core config pages) and the site skeleton. */
export { defaults, describeForm, fieldDefault, formInput, lineProblem, localise, parseCidr, parseSettings, settingsValidator, validateValues } from './form.ts';
export type { FieldError, FieldErrors, FieldView, FormInput, FormView, ParseResult } from './form.ts';
export { settingFieldSchema, settingFieldsSchema, settingTypes, lineFormats } from './fields.ts';
export { readSkeleton, skeletonDefaults, type SkeletonSettings } from './skeleton.ts';
