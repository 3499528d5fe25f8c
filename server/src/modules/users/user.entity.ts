import { EntitySchema } from 'typeorm';

export const USER_ROLES = ['admin', 'manager', 'supervisor', 'operator'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UserRow {
  id: string;
  login: string;
  passwordHash: string;
  name: string;
  role: UserRole;
  extension: string | null;
  locale: 'ru' | 'en';
  active: boolean;
  teamId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    login: { type: 'text' },
    passwordHash: { type: 'text', name: 'password_hash' },
    name: { type: 'text' },
    role: { type: 'text' },
    extension: { type: 'text', nullable: true },
    locale: { type: 'text', default: 'ru' },
    active: { type: 'boolean', default: true },
    teamId: { type: 'uuid', name: 'team_id', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
