import { type Server } from 'socket.io';

import { type ClientToServerEvents, type ServerToClientEvents, type SocketData } from '@contracts/socket-events';

/** The realtime module's face: what other modules push through, and the rooms they push to. */
export type ZvonokServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
export type Role = SocketData['role'];

export interface Realtime {
  io: ZvonokServer;
  emitToUser<E extends ServerEventName>(userId: string, event: E, payload: ServerEventPayload<E>): void;
  emitToRole<E extends ServerEventName>(role: Role, event: E, payload: ServerEventPayload<E>): void;
  emitToCall<E extends ServerEventName>(callId: string, event: E, payload: ServerEventPayload<E>): void;
  /** One emit to the union of rooms, so a socket in several of them gets the event once. */
  emitTo<E extends ServerEventName>(rooms: string[], event: E, payload: ServerEventPayload<E>): void;
  /** Joins every socket of the user, on any node, to `call:<callId>`. */
  joinUserToCall(userId: string, callId: string): void;
  close(): Promise<void>;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const roleRoom = (role: Role) => `role:${role}`;
export const callRoom = (callId: string) => `call:${callId}`;
/** Every socket opened with one session, on any node: logout closes exactly these. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
