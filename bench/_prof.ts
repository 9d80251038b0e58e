import { generateLibrary } from './generate.ts';
import { SearchIndex } from '../core/search/index.ts';
const lib = generateLibrary(100000);
const titles = new Map(lib.keywords.map((k) => [k.id, k.title]));
for (let i = 0; i < 3; i++) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const idx = new SearchIndex({ keywordTitle: (id) => titles.get(id) });
  idx.rebuild(lib.media);
  const c = process.cpuUsage(c0);
  console.log('rebuild wall', Math.round(performance.now() - t), 'cpu', Math.round((c.user + c.system) / 1000));
}
