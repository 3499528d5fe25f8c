import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { AmiProvider, type AmiProviderConfig } from '@telephony/ami/ami-provider';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { demoConversationWav } from '@telephony/demo/demo-audio';
import { recordingsOf, rewriteTrace, traceCallers, type DemoFrame } from '@telephony/demo/demo-trace';
import type { TelephonyEvent } from '@telephony/model/call-event';
import type { CallbackRequest, OriginateRequest, SpyMode, TelephonyProvider } from '@telephony/provider';

export interface DemoTelephonyConfig {
  kind: 'demo';
  /** Extensions of the operators whose phones the demo calls ring; asked before every call. */
  extensions: () => Promise<readonly string[]>;
  /** Numbers of known clients (E.164); about two calls in three come from one of the Russian ones. */
  knownNumbers: () => Promise<readonly string[]>;
  /** RECORDINGS_DIR: where the "PBX" leaves each answered call's recording for the ingest. */
  recordingsDir: string;
  /** Pause between two calls' starts, a random value in this range (seconds). Default [10, 20]. */
  intervalSeconds?: readonly [number, number];
  /** The first call starts this long after the adapter is up (seconds). Default 3. */
  firstCallSeconds?: number;
  /** How much slower than recorded a call plays. Default 4 (a 5 s recorded call talks for about 20 s). */
  stretch?: number;
  /** Recorded traces (Asterisk 22 AMI text). Default: test/fixtures/ami/22. */
  tracesDir?: string;
  onDiagnostic?: (message: string, error?: unknown) => void;
  /** As the AMI adapter's: calls a previous run left open are taken over, then closed as the "PBX" has none. */
  openCalls?: AmiProviderConfig['openCalls'];
  closedCalls?: AmiProviderConfig['closedCalls'];
}

/**
 * Traces replayed and how often, out of the recorded Asterisk 22 set: mostly answered queue calls, some
 * abandoned, missed, busy, transferred, withheld and outbound ones. load-100 is a stress trace, left out.
 */
const PLAYLIST: readonly (readonly [trace: string, weight: number])[] = [
  ['queue-answered', 5],
  ['ru8-caller', 3],
  ['queue-abandoned', 2],
  ['direct-noanswer', 1],
  ['direct-busy', 1],
  ['transfer-blind', 1],
  ['transfer-attended', 1],
  ['anonymous', 1],
  ['withheld-pai', 1],
  ['click-to-call', 1],
];
/** Extensions the traces were recorded with (the reference PBX profile's four operators). */
const RECORDED_EXTENSIONS = ['1001', '1002', '1003', '1004'];
/** How long a demo recording stays in RECORDINGS_DIR after its call ended. */
const SPOOL_KEEP_MS = 10 * 60_000;
const DEFAULT_TRACES_DIR = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));

/**
 * Demo telephony for the quick start, where no PBX exists: recorded Asterisk 22 traces, renumbered and re-timed,
 * are played by the AMI surrogate server to the real AMI adapter (and so to the tracker and the server's pipeline)
 * at a calm pace. Everything downstream is the production path; only the PBX is a recording. Commands
 * (click-to-call, pause, spy) are accepted by the surrogate and change nothing.
 */
export class DemoTelephony implements TelephonyProvider {
  readonly source = 'ami' as const;
  private readonly secret = randomBytes(12).toString('hex');
  private readonly surrogate = new AmiSurrogateServer({ user: 'demo', secret: this.secret });
  private adapter: AmiProvider | undefined;
  private readonly listeners = new Set<(event: TelephonyEvent) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly traces = new Map<string, string>();
  private stopped = false;
  private uniqueSeq = 0;
  private channelSeq = 0;
  private calls = 0;

  constructor(private readonly config: DemoTelephonyConfig) {}

  async start(): Promise<void> {
    if (this.adapter) return;
    const dir = this.config.tracesDir ?? DEFAULT_TRACES_DIR;
    for (const [name] of PLAYLIST) this.traces.set(name, readFileSync(path.join(dir, `${name}.txt`), 'utf8'));
    // No calls in progress when the "PBX" boots; the queue's members are the operators' phones.
    this.surrogate.channels = [];
    this.surrogate.queueMembers = (await this.extensions()).map((ext) => [
      `Location: PJSIP/${ext}`,
      `StateInterface: PJSIP/${ext}`,
      'Status: 1',
      'Paused: 0',
    ]);
    const port = await this.surrogate.listen();
    this.adapter = new AmiProvider({
      kind: 'ami',
      host: '127.0.0.1',
      port,
      user: 'demo',
      secret: this.secret,
      ...(this.config.onDiagnostic ? { onDiagnostic: this.config.onDiagnostic } : {}),
      ...(this.config.openCalls ? { openCalls: this.config.openCalls } : {}),
      ...(this.config.closedCalls ? { closedCalls: this.config.closedCalls } : {}),
    });
    this.adapter.onEvent((event) => {
      for (const listener of this.listeners) listener(event);
    });
    await this.adapter.start();
    this.later((this.config.firstCallSeconds ?? 3) * 1000, () => this.nextCall());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.adapter?.stop();
    await this.surrogate.close();
  }

  onEvent(listener: (event: TelephonyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isUp(): boolean {
    return this.adapter?.isUp() ?? false;
  }

  /**
   * Click-to-call: the surrogate accepts the Originate, then the recorded click-to-call plays with this operator
   * and this number, so the call shows up like one the PBX placed.
   */
  async originate(request: OriginateRequest): Promise<void> {
    await this.running().originate(request);
    const digits = /^(?:\+7|8)(\d{10})$/.exec(request.destination.replace(/[\s()-]/g, ''))?.[1];
    this.play('click-to-call', {
      extensions: new Map([[RECORDED_EXTENSIONS[0]!, request.agentExtension]]),
      ...(digits ? { caller: digits } : {}),
    }).catch((err: unknown) => this.config.onDiagnostic?.('demo click-to-call could not be played', err));
  }

  originateCallback(request: CallbackRequest): Promise<void> {
    return this.running().originateCallback(request);
  }

  setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void> {
    return this.running().setAgentPaused(agentExtension, paused, reason);
  }

  spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void> {
    return this.running().spy(supervisorExtension, targetCallId, mode);
  }

  private running(): AmiProvider {
    if (!this.adapter) throw new Error('demo telephony is not started');
    return this.adapter;
  }

  private later(ms: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async extensions(): Promise<string[]> {
    return [...(await this.config.extensions())].filter((e) => /^\d{4}$/.test(e)).sort();
  }

  private nextCall(): void {
    const [min, max] = this.config.intervalSeconds ?? [10, 20];
    this.later((min + Math.random() * (max - min)) * 1000, () => this.nextCall());
    // The first call is always an answered queue call, so every operator's phone rings at once.
    const first = this.calls++ === 0;
    this.extensions()
      .then((extensions) => {
        const shuffled = first ? extensions : shuffle(extensions);
        return this.play(first ? 'queue-answered' : pick(PLAYLIST), {
          extensions: new Map(RECORDED_EXTENSIONS.flatMap((ext, i) => (shuffled[i] ? [[ext, shuffled[i]]] : []))),
        });
      })
      .catch((err: unknown) => this.config.onDiagnostic?.('demo call could not be played', err));
  }

  /** Plays one trace with these extensions, and this caller (10 digits) or else a demo client's or unknown one. */
  private async play(name: string, cast: { extensions: ReadonlyMap<string, string>; caller?: string }): Promise<void> {
    const text = this.traces.get(name)!;
    const known = (await this.config.knownNumbers()).filter((n) => /^\+7\d{10}$/.test(n)).map((n) => n.slice(2));
    const someone = () =>
      known.length && Math.random() < 0.67 ? known[Math.floor(Math.random() * known.length)]! : unknownNumber();
    const callers = new Map(traceCallers(text).map((digits) => [digits, cast.caller ?? someone()]));
    const frames = rewriteTrace(text, {
      callers,
      extensions: cast.extensions,
      startMs: Date.now(),
      stretch: this.config.stretch ?? 4,
      nextUniqueid: () => `demo-${Math.floor(Date.now() / 1000)}.${this.uniqueSeq++}`,
      nextChannelSuffix: () => (this.channelSeq++).toString(16).padStart(8, '0'),
    });
    await this.prepareRecordings(frames);
    for (const frame of frames) this.later(frame.atMs, () => this.surrogate.broadcast(frame.text));
  }

  /** Writes each recording the call will announce, as long as the rest of the call, where the ingest looks. */
  private async prepareRecordings(frames: readonly DemoFrame[]): Promise<void> {
    const recordings = recordingsOf(frames);
    if (!recordings.length) return;
    await mkdir(this.config.recordingsDir, { recursive: true });
    const endMs = frames.at(-1)?.atMs ?? 0;
    for (const { file, frame } of recordings) {
      const seconds = Math.max(2, (endMs - frames[frame]!.atMs) / 1000);
      const name = path.basename(file);
      const local = path.join(this.config.recordingsDir, name);
      await writeFile(local, demoConversationWav(seconds, this.uniqueSeq));
      // Like a PBX's spool cleanup: the ingest has its own copy long before then, and a demo left running all
      // day would otherwise fill the disk with source WAVs.
      this.later(endMs + SPOOL_KEEP_MS, () => {
        rm(local, { force: true }).catch((err: unknown) =>
          this.config.onDiagnostic?.('demo recording not removed', err),
        );
      });
    }
  }
}

function pick(list: readonly (readonly [string, number])[]): string {
  let roll = Math.random() * list.reduce((sum, [, w]) => sum + w, 0);
  for (const [name, weight] of list) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return list[0]![0];
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A mobile number no demo contact has (+7 9xx), for callers the CRM does not know yet. */
function unknownNumber(): string {
  return `9${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}
