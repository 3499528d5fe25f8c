import { loadConfig } from '@server/config/env';
import { createDatabase } from '@server/db/data-source';

/**
 * `npx tsx server/src/cli/migrate.ts [--revert N]` — applies pending migrations to DATABASE_URL
 * (or the embedded PGlite under DATA_DIR) and exits; `--revert N` undoes the last N.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await createDatabase(config);
  try {
    await database.dataSource.initialize();
    const revertIndex = process.argv.indexOf('--revert');
    if (revertIndex >= 0) {
      const count = Number(process.argv[revertIndex + 1] ?? '1');
      for (let i = 0; i < count; i++) await database.dataSource.undoLastMigration({ transaction: 'each' });
      console.log(`reverted ${count} migration(s)`);
    } else {
      const applied = await database.dataSource.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
