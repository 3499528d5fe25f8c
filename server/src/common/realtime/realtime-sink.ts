import { type Role } from '@contracts/dto/user';
import { type ServerToClientEvents } from '@contracts/socket-events';

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/**
 * The part of the realtime module (createRealtime) that agents, supervision and the wallboard need: typed pushes
 * to the rooms `user:<id>` and `role:<role>`. main.ts plugs Socket.IO in; tests may plug a recorder.
 */
export interface RealtimeSink {
  emitToUser<E extends keyof ServerToClientEvents>(userId: string, event: E, payload: Payload<E>): void;
  emitToRole<E extends keyof ServerToClientEvents>(role: Role, event: E, payload: Payload<E>): void;
  /** One push to several rooms (`user:<id>`, `role:<role>`): one encoding, and a socket in two of them gets it once. */
  emitTo<E extends keyof ServerToClientEvents>(rooms: string[], event: E, payload: Payload<E>): void;
}

/** Until realtime is attached (and with no Socket.IO at all) pushes go nowhere; REST stays the source of truth. */
export const NO_REALTIME: RealtimeSink = {
  emitToUser: () => undefined,
  emitToRole: () => undefined,
  emitTo: () => undefined,
};
