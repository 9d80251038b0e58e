export { createKeywordService, KeywordInputError, TAGS_GROUP, type KeywordService, type KeywordWithGroup } from './service.ts';
export { slugify, uniqueSlug, titleKey, findKeyword, keywordAt, keywordAddresses } from './slug.ts';
export { createKeywordRoutes } from './routes.ts';
export { createKeywordsAdmin } from './admin.ts';
