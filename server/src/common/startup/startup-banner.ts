import { type Config } from '@server/config/env';
import { DEMO_PASSWORD, DEMO_USERS } from '@server/db/seed-demo';

const SEES: Record<string, string> = {
  admin: 'users, teams, settings',
  manager: 'analytics, deals, the team',
  supervisor: 'wallboard, live calls, reviews',
  operator: 'screen pops, call log, tasks',
};

/**
 * The plain block printed after the log lines when the node is listening: where to open it and, with demo data,
 * whom to sign in as. Plain text for a person at a terminal; the log lines say the same for a log collector.
 */
export function startupBanner(url: string, config: Pick<Config, 'seedDemo' | 'telephony'>): string {
  const lines = ['', `  Zvonok is ready: ${url}`];
  if (config.seedDemo) {
    lines.push('', `  Demo logins (password "${DEMO_PASSWORD}"):`);
    const width = Math.max(...DEMO_USERS.map((u) => u.login.length));
    for (const u of DEMO_USERS) {
      const ext = u.extension ? `, extension ${u.extension}` : '';
      lines.push(`    ${u.login.padEnd(width)}  ${u.role}${ext}: ${SEES[u.role] ?? ''}`);
    }
  }
  if (config.telephony.provider === 'demo') {
    lines.push(
      '',
      '  Telephony: demo calls (recorded Asterisk calls replayed every 10-20 s to the operators).',
      '  Set TELEPHONY_PROVIDER=ami or sip to connect a real PBX.',
    );
  }
  return `${lines.join('\n')}\n\n`;
}
