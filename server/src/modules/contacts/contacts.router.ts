import { Router } from 'express';

import { contactListQuerySchema, createContactRequestSchema, updateContactRequestSchema } from '@contracts/dto/contact';
import { crudRoutes } from '@server/common/http/crud-routes';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type ContactsService } from '@server/modules/contacts/contacts.service';

export function contactsRouter(contacts: ContactsService): Router {
  return crudRoutes(Router(), contacts, {
    schemas: { list: contactListQuerySchema, create: createContactRequestSchema, update: updateContactRequestSchema },
    viewer: currentUser,
    // Supervisors, managers and admins; audited, and the new owner is told.
    reassign: requireRole('admin', 'manager', 'supervisor'),
  });
}
