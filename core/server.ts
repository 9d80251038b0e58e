import path from 'node:path';
import { createServer } from 'node:http';
import { loadConfig, ConfigError } from './config/index.ts';
import { createLogger } from './logger/index.ts';
import { openLowdbStore } from './store/index.ts';
import { createApp, ROOT_DIR } from './app.ts';
import { startSearchPreload } from './search/index.ts';
import { createStrayErrorPolicy } from './plugins/stray-errors.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ configDir: path.join(ROOT_DIR, 'config') });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty || process.env.NODE_ENV === 'development' });
  // The search index's text half is built in a worker while the store reads its files.
  const searchPreload = startSearchPreload({ logger });
  let store;
  try {
    store = await openLowdbStore({
      dataDir: path.resolve(config.dataDir),
      onMigrate: (d, v) => logger.info({ version: v }, `migrating data: ${d}`),
      onMediaLoaded: (batch) => searchPreload.feed(batch),
    });
  } catch (err) {
    logger.fatal((err as Error).message);
    process.exit(1);
  }
  let app;
  try {
    app = await createApp({ config, store, logger, searchPreload });
  } catch (err) {
    logger.fatal((err as Error).message);
    await store.close();
    process.exit(1);
  }
  const server = createServer(app);
  server.listen(config.port, config.host || undefined, () => {
    const base = config.baseUrl || `http://localhost:${config.port}`;
    logger.info(`Kiosque is serving ${base} (data in ${store.info.location})`);
    if (app.kiosque.setup.token) {
      // Printed plainly (not only in the JSON log) so the person who started the server sees it.
      console.log(`\n  No administrator yet. Create the first one here (one-time link):\n  ${base}/setup?token=${app.kiosque.setup.token}\n`);
    }
  });

  const stray = createStrayErrorPolicy({ plugins: app.kiosque.plugins, logger });
  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    stray.close();
    server.close();
    server.closeAllConnections();
    await app.kiosque.close();
    await store.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  process.on('unhandledRejection', (reason) => stray.unhandledRejection(reason));
  process.on('uncaughtException', (err) => {
    stray.uncaughtException(err);
    // Stopping cleanly still releases the data folder's lock; if that hangs, leave anyway.
    setTimeout(() => process.exit(1), 5000).unref();
    void stop('uncaught exception', 1);
  });
}

await main();
