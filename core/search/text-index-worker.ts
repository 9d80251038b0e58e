// Worker thread (see preload.ts): builds the text half of the search index from the titles and
// descriptions the main thread sends while it is still reading the store.
import { parentPort } from 'node:worker_threads';
import { TextIndexBuilder } from './text-index.ts';

export type TextWorkerMessage = { kind: 'batch'; titles: string[]; descriptions: string[] } | { kind: 'finish' };

const builder = new TextIndexBuilder();
parentPort!.on('message', (message: TextWorkerMessage) => {
  if (message.kind === 'batch') {
    for (let i = 0; i < message.titles.length; i++) builder.add(message.titles[i]!, message.descriptions[i]!);
    return;
  }
  const part = builder.finish();
  parentPort!.postMessage(part, [part.offsets.buffer as ArrayBuffer, part.docs.buffer as ArrayBuffer]);
});
