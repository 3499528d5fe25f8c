import { afterAll } from 'vitest';

import { closeLeftoverApps } from '@test/support/api-server';

// Setup file of the integration specs: runs in every spec file, and its hook after all of the file's own.
afterAll(async () => {
  const closed = await closeLeftoverApps();
  if (closed > 0) console.warn(`[file-end] closed ${closed} node(s) the spec file left running`);
});
