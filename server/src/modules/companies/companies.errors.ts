import { AppError } from '@server/common/errors/app-error';

export type CompaniesErrorCode = 'COMPANY_NOT_FOUND';

function message(code: CompaniesErrorCode): string {
  switch (code) {
    case 'COMPANY_NOT_FOUND':
      return 'Company not found';
  }
}

export const companiesError = (code: CompaniesErrorCode) => new AppError(code, 404, message(code));
