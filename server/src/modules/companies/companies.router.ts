import { Router } from 'express';

import { companyListQuerySchema, createCompanyRequestSchema, updateCompanyRequestSchema } from '@contracts/dto/company';
import { crudRoutes } from '@server/common/http/crud-routes';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type CompaniesService } from '@server/modules/companies/companies.service';

export function companiesRouter(companies: CompaniesService): Router {
  return crudRoutes(Router(), companies, {
    schemas: { list: companyListQuerySchema, create: createCompanyRequestSchema, update: updateCompanyRequestSchema },
    viewer: currentUser,
    // Supervisors, managers and admins; audited, and the new owner is told.
    reassign: requireRole('admin', 'manager', 'supervisor'),
  });
}
