export * from './util.ts';
export { seededRandom } from './media-data.ts';
export * from './table.ts';
