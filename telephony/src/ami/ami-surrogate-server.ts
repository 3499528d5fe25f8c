import { createServer, type Server, type Socket } from 'node:net';

import { createAmiFrameParser } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, type AmiMessage } from '@telephony/ami/ami-message';

/**
 * A tiny AMI speaker. It is product code: `TELEPHONY_PROVIDER=demo` plays its recorded traces through it to the real
 * AMI adapter. Unit tests of the connection and provider use it too (STYLE allows an AMI surrogate server).
 * It parses actions with our frame parser and answers Login, Ping, EventList actions, Originate and anything
 * scripted through `onAction`; tests push events, drop clients or go silent.
 */
export interface SurrogateOptions {
  user?: string;
  secret?: string;
}

export type SurrogateReply = string | string[] | undefined;

export class AmiSurrogateServer {
  readonly actions: AmiMessage[] = [];
  readonly clients = new Set<Socket>();
  logins = 0;
  /** Items returned by CoreShowChannels, each the `Key: Value` lines of one CoreShowChannel event. */
  channels: string[][] = [
    [
      'Channel: PJSIP/trunk-00000001',
      'Uniqueid: 1.1',
      'Linkedid: 1.1',
      'Duration: 00:00:10',
      'CallerIDNum: +79161234567',
    ],
    ['Channel: PJSIP/1001-00000002', 'Uniqueid: 1.2', 'Linkedid: 1.1', 'Duration: 00:00:05'],
  ];
  /** QueueMember items of QueueStatus (queue `support`), each the `Key: Value` lines after `Queue:`. */
  queueMembers: string[][] = [['Location: PJSIP/1001', 'StateInterface: PJSIP/1001', 'Status: 1', 'Paused: 0']];
  /** When false, Ping actions get no answer (simulates a hung PBX). */
  answerPings = true;
  /** Scripted replies: return frames (without the trailing blank line) to send, or undefined for the default. */
  onAction: ((action: AmiMessage, socket: Socket) => SurrogateReply | 'silence') | undefined;
  private server: Server | undefined;

  constructor(private readonly options: SurrogateOptions = {}) {}

  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  async listen(port = 0): Promise<number> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this.port;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  dropAll(): void {
    for (const s of this.clients) s.destroy();
    this.clients.clear();
  }

  /** Sends raw text (frames must end with a blank line) to every client. */
  broadcast(text: string): void {
    for (const s of this.clients) s.write(text);
  }

  /** Sends an event built from `Key: Value` lines to every client. */
  event(lines: string[]): void {
    this.broadcast(`${lines.join('\r\n')}\r\n\r\n`);
  }

  waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const start = Date.now();
    return new Promise((resolve, reject) => {
      const tick = () => {
        if (predicate()) resolve();
        else if (Date.now() - start > timeoutMs) reject(new Error('surrogate: condition not met in time'));
        else setTimeout(tick, 5);
      };
      tick();
    });
  }

  private accept(socket: Socket): void {
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    const parser = createAmiFrameParser();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of parser.push(chunk).frames) this.handle(messageFromFrame(frame), socket);
    });
  }

  private handle(action: AmiMessage, socket: Socket): void {
    this.actions.push(action);
    const id = action.fields.actionid ?? '';
    const name = (action.fields.action ?? '').toLowerCase();
    const reply = (lines: string[]) => socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const scripted = this.onAction?.(action, socket);
    if (scripted === 'silence') return;
    if (scripted !== undefined) {
      for (const frame of Array.isArray(scripted) ? scripted : [scripted]) socket.write(`${frame}\r\n\r\n`);
      return;
    }
    switch (name) {
      case 'login':
        if (
          action.fields.username === (this.options.user ?? 'zvonok') &&
          action.fields.secret === (this.options.secret ?? 'zvonok-secret')
        ) {
          this.logins += 1;
          reply(['Response: Success', `ActionID: ${id}`, 'Message: Authentication accepted']);
          reply(['Event: FullyBooted', 'Privilege: system,all', 'Status: Fully Booted']);
        } else {
          reply(['Response: Error', `ActionID: ${id}`, 'Message: Authentication failed']);
        }
        return;
      case 'ping':
        if (this.answerPings)
          reply(['Response: Success', `ActionID: ${id}`, 'Ping: Pong', 'Timestamp: 1763900000.000000']);
        return;
      case 'coreshowchannels':
        reply(['Response: Success', `ActionID: ${id}`, 'EventList: start', 'Message: Channels will follow']);
        for (const ch of this.channels) reply(['Event: CoreShowChannel', `ActionID: ${id}`, ...ch]);
        reply([
          'Event: CoreShowChannelsComplete',
          `ActionID: ${id}`,
          'EventList: Complete',
          `ListItems: ${this.channels.length}`,
          'Timestamp: 1763900100.000000',
        ]);
        return;
      case 'queuestatus':
        reply(['Response: Success', `ActionID: ${id}`, 'EventList: start', 'Message: Queue status will follow']);
        reply(['Event: QueueParams', `ActionID: ${id}`, 'Queue: support']);
        for (const m of this.queueMembers) reply(['Event: QueueMember', `ActionID: ${id}`, 'Queue: support', ...m]);
        reply([
          'Event: QueueStatusComplete',
          `ActionID: ${id}`,
          'EventList: Complete',
          `ListItems: ${this.queueMembers.length + 1}`,
        ]);
        return;
      case 'originate':
        reply(['Response: Success', `ActionID: ${id}`, 'Message: Originate successfully queued']);
        setTimeout(() => {
          const ok = !(action.fields.exten ?? '').startsWith('000');
          reply([
            'Event: OriginateResponse',
            `ActionID: ${id}`,
            `Response: ${ok ? 'Success' : 'Failure'}`,
            `Channel: ${action.fields.channel ?? ''}`,
            `Context: ${action.fields.context ?? ''}`,
            `Exten: ${action.fields.exten ?? ''}`,
            `Reason: ${ok ? '4' : '8'}`,
            'Uniqueid: 9.1',
          ]);
        }, 20);
        return;
      case 'coresettings':
        reply(['Response: Success', `ActionID: ${id}`, 'AMIversion: 11.0.0', 'AsteriskVersion: 22.10.1']);
        return;
      case 'blackhole':
        return;
      default:
        reply(['Response: Success', `ActionID: ${id}`, 'Message: OK']);
    }
  }
}
