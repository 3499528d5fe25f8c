/**
 * Declarations for asterisk-manager 0.2.0 (lib/ami.js), written from its source.
 *
 * AmiConnection reads the socket with our frame parser and hands only response frames (re-serialized) to
 * `ManagerReader`, so the reader quirks below now concern action responses only.
 *
 * Parser quirks the wrapper has to live with (all in `ManagerReader`):
 * - Keys are trimmed and lower-cased (`CallerIDNum` → `calleridnum`, `Cause-txt` → `cause-txt`);
 *   a line is split on the FIRST `': '` only, so `Key:Value` (no space) becomes key `key:value` with value `''`
 *   and a line without a colon becomes a key with an empty value.
 * - A repeated key becomes an array (`Output:` lines of `Command` in Asterisk ≥14, repeated `Event:` even).
 * - `Variable:` and `ChanVariable:` lines are split on the first `=` into an object
 *   (`ChanVariable: MIXMONITOR_FILENAME=/x.wav` → `chanvariable: { MIXMONITOR_FILENAME: '/x.wav' }`).
 *   That also hits VarSet: `Variable: MIXMONITOR_FILENAME` becomes `variable: { MIXMONITOR_FILENAME: '' }` and the
 *   value stays in `value`. Asterisk 11's `ChanVariable(SIP/1001-0001): NAME=value` and prefixed forms
 *   (`DestChanVariable:`) are NOT recognised and stay plain string keys such as `chanvariable(sip/1001-0001)`.
 * - `Response: Follows` … `--END COMMAND--` is only recognised when the whole block arrives in one `data` chunk
 *   (the `follow` flag is a local of each read); multi-line values are otherwise not supported.
 * - The greeting `Asterisk Call Manager/x.y` is dropped only when it starts a frame.
 * - No limit on line or frame size: a peer that never sends a newline grows `leftOver` without bound.
 * - Responses are emitted under their ActionID; the action callback gets `(err, res)` where `err` is the
 *   response itself when `Response: Error`. EventList items are plain events: they only reach `managerevent`.
 * - `login()` sends `Event: on|off` (not `Events:`), which Asterisk ignores: event delivery follows manager.conf.
 *   The constructor's own auto-login (when given a port) passes the username as the callback, so it never reports.
 * - `action()` lower-cases every key then capitalises its first letter (`CallerID` → `Callerid`); AMI keys are
 *   case-insensitive so Asterisk accepts it. Values are sent as given (`Action: QueuePause`).
 * - `keepConnected()` reconnects with a linear 10 s..60 s backoff and logs with console.log; we do not use it.
 * - `action()` before login queues the action until login succeeds; with no port given to the constructor it
 *   does not connect by itself.
 */
declare module 'asterisk-manager' {
  import { type EventEmitter } from 'node:events';

  namespace Manager {
    /** A parsed frame: lower-cased keys, repeated keys as arrays, Variable/ChanVariable as objects. */
    type ManagerValue = string | string[] | Record<string, string>;
    type ManagerMessage = Record<string, ManagerValue | undefined>;

    interface ManagerEvent extends ManagerMessage {
      event: string;
    }

    interface ManagerResponse extends ManagerMessage {
      response?: string;
      actionid?: string;
      message?: string;
      /** Body of a `Response: Follows` block. */
      content?: string;
    }

    /** Keys are case-insensitive; object values (not arrays) become one `Key: name=value` line per entry. */
    type ManagerActionRequest = Record<
      string,
      string | number | boolean | string[] | Record<string, string> | undefined
    >;

    type ActionCallback = (err: ManagerResponse | undefined, res: ManagerResponse) => void;

    interface ManagerOptions {
      port: number | undefined;
      host: string;
      username: string;
      password: string;
      events: boolean;
    }

    interface ManagerInstance extends Pick<
      EventEmitter,
      'on' | 'once' | 'addListener' | 'removeListener' | 'removeAllListeners' | 'listeners' | 'setMaxListeners' | 'emit'
    > {
      options: ManagerOptions;
      /** Opens the socket (reuses it unless closed); `callback` runs on TCP connect, not on login. */
      connect(port: number, host: string, callback?: (err: null) => void): void;
      /** Sends `Action: login` with the constructor's credentials; `err` is the Error response on bad credentials. */
      login(callback?: (err?: ManagerResponse) => void): void;
      /** Returns the ActionID used (the `actionid` of `request` if given, else a timestamp). */
      action(request: ManagerActionRequest, callback?: ActionCallback): string;
      keepConnected(): void;
      disconnect(callback?: () => void): void;
      isConnected(): boolean;
      connected(): boolean;
      reconnect?: () => void;
    }
  }

  interface ManagerFactory {
    (port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager.ManagerInstance;
    new (port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager.ManagerInstance;
  }

  const Manager: ManagerFactory;
  export = Manager;
}
