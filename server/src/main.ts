import { composeNode, RefusedStart } from '@server/compose-node';
import { ConfigError, loadConfig } from '@server/config/env';
import { DEMO_PASSWORD, DEMO_USERS } from '@server/db/seed-demo';

/** The process: configuration → composeNode → listen; SIGINT/SIGTERM close the node in order. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const node = await composeNode(config).catch((err: unknown) => {
    if (!(err instanceof RefusedStart)) throw err;
    console.error(err.message);
    process.exit(2);
  });
  const { logger } = node;
  const url = await node.listen();
  logger.info(
    { url, database: node.database.embedded ? `pglite:${config.dataDir}/pg` : 'postgres' },
    'Zvonok is listening',
  );
  console.log(`\n  Zvonok: ${url}`);
  if (config.seedDemo) {
    console.log(`  Demo logins (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.login).join(', ')}\n`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    node
      .close()
      .then(() => {
        clearTimeout(force);
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
