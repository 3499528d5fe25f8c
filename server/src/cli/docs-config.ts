import { readFileSync, writeFileSync } from 'node:fs';

import { withEnvTable } from '@server/config/env-docs';

/** `npm run docs:config` — rewrites the configuration table of server/README.md from `src/config/env-docs.ts`. */
const file = new URL('../../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withEnvTable(before);
writeFileSync(file, after);
console.log(after === before ? 'server/README.md: configuration table unchanged' : 'server/README.md: table rewritten');
