import { type ServerToClientEvents } from '@contracts/socket-events';
import { type Role } from '@contracts/dto/user';

export type TaskAssignedPayload = Parameters<ServerToClientEvents['task:assigned']>[0];

/**
 * The slice of the realtime module the callbacks need. Kept this small so callbacks work (and are tested)
 * without Socket.IO, and any realtime implementation with `emitToUser`/`emitToRole` fits.
 */
export interface TaskNotifier {
  emitToUser(userId: string, event: 'task:assigned', payload: TaskAssignedPayload): void;
  emitToRole(role: Role, event: 'task:assigned', payload: TaskAssignedPayload): void;
}
