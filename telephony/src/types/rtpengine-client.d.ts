/**
 * Declarations for rtpengine-client 0.4.x (lib/BaseClient.js, lib/Client.js), written from its source; only what
 * the SIP front uses. Quirks:
 * - Every ng verb is a method `(port, host, opts)` resolving with rtpengine's bencoded reply decoded to an object;
 *   a reply with `result: 'error'` RESOLVES (unless `rejectOnFailure`) — check `result` yourself.
 * - Without `timeout` a lost UDP reply leaves the promise pending forever; with it, it rejects with
 *   "rtpengine timeout host:… port:…".
 * - A reply it cannot correlate is `console.log`ged and emitted as 'error': keep an 'error' listener.
 */
declare module 'rtpengine-client' {
  import { type EventEmitter } from 'node:events';

  export type NgValue = string | number | NgValue[] | { [key: string]: NgValue | undefined };
  export interface NgReply {
    result: 'ok' | 'pong' | 'error' | 'warning' | string;
    'error-reason'?: string;
    warning?: string;
    sdp?: string;
    [key: string]: NgValue | undefined;
  }
  type Verb = (port: number, host: string, opts?: Record<string, NgValue | undefined>) => Promise<NgReply>;

  export class Client extends EventEmitter {
    constructor(opts?: { timeout?: number; localPort?: number; localAddress?: string; rejectOnFailure?: boolean });
    ping: Verb;
    offer: Verb;
    answer: Verb;
    delete: Verb;
    query: Verb;
    startRecording: Verb;
    stopRecording: Verb;
    subscribeRequest: Verb;
    subscribeAnswer: Verb;
    unsubscribe: Verb;
    close(): void;
  }
  export class RtpEngineError extends Error {}
}
