/**
 * Records the raw AMI stream while a command runs.
 *
 *   npx tsx test/pbx/record-ami.ts --out FILE [--settle MS] [--action-after MS --action 'Action: X\nKey: V'] -- CMD...
 *
 * Connects to AMI (AMI_HOST/AMI_PORT/AMI_USER/AMI_SECRET, default the reference profile), logs in with all events,
 * then runs CMD. Every byte received (banner, login response, events, responses to --action) is appended to FILE
 * verbatim, CRLFs and the blank line between frames included. After CMD exits it waits --settle ms (default
 * 3000: Cdr and the last Hangup events follow the SIP BYE) and logs off. Exit code is CMD's.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';

interface Options {
  out: string;
  settleMs: number;
  actions: string[];
  actionAfterMs: number;
  command: string[];
}

function parseArgs(argv: string[]): Options {
  const split = argv.indexOf('--');
  const flags = split === -1 ? argv : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  const options: Options = { out: '', settleMs: 3000, actions: [], actionAfterMs: 0, command };
  for (let i = 0; i < flags.length; i += 2) {
    const value = flags[i + 1] ?? '';
    switch (flags[i]) {
      case '--out':
        options.out = value;
        break;
      case '--settle':
        options.settleMs = Number(value);
        break;
      case '--action':
        options.actions.push(value.replaceAll('\\n', '\n'));
        break;
      case '--action-after':
        options.actionAfterMs = Number(value);
        break;
      default:
        throw new Error(`unknown flag ${flags[i]}`);
    }
  }
  if (!options.out || command.length === 0) throw new Error('usage: record-ami.ts --out FILE [...] -- CMD...');
  return options;
}

const toFrame = (text: string): string =>
  `${text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\r\n')}\r\n\r\n`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const file = createWriteStream(options.out);
  const socket = connect(Number(process.env.AMI_PORT ?? 5038), process.env.AMI_HOST ?? '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    file.write(chunk);
    received += chunk.toString('utf8');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const user = process.env.AMI_USER ?? 'zvonok';
  const secret = process.env.AMI_SECRET ?? 'zvonok-secret';
  socket.write(toFrame(`Action: Login\nActionID: rec-login\nUsername: ${user}\nSecret: ${secret}\nEvents: on`));
  for (let waited = 0; !/ActionID: rec-login[\s\S]*?\r\n\r\n/.test(received); waited += 20) {
    if (waited > 5000) throw new Error('AMI login timed out');
    await sleep(20);
  }
  if (!/Response: Success\r\nActionID: rec-login/.test(received)) throw new Error('AMI login failed');

  const [cmd, ...args] = options.command as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: 'inherit' });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  if (options.actions.length > 0) {
    await sleep(options.actionAfterMs);
    options.actions.forEach((action, n) => socket.write(toFrame(`${action}\nActionID: rec-action-${n + 1}`)));
  }
  const code = await exited;
  await sleep(options.settleMs);
  socket.write(toFrame('Action: Logoff\nActionID: rec-logoff'));
  await Promise.race([new Promise((resolve) => socket.once('close', resolve)), sleep(1000)]);
  socket.destroy();
  await new Promise<void>((resolve) => file.end(resolve));
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
