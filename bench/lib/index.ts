export * from './util.ts';
export { seededRandom } from './media-data.ts';
