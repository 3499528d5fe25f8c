import { startPostgres } from '@test/support/services/postgres';
const pg = await startPostgres({
  database: 'zvonok_bench',
  port: 55432,
  settings: { shared_buffers: '256MB', work_mem: '64MB', maintenance_work_mem: '256MB', max_wal_size: '4GB' },
});
console.log('URL', pg.url);
process.on('SIGTERM', () => {
  void pg.stop().then(() => process.exit(0));
});
setInterval(() => {}, 1 << 30);
