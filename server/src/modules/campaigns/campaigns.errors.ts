import { AppError } from '@server/common/errors/app-error';

export type CampaignsErrorCode =
  | 'CAMPAIGN_NOT_FOUND'
  | 'CAMPAIGN_NAME_TAKEN'
  | 'CAMPAIGN_CALLER_ID_NOT_ALLOWED'
  | 'CAMPAIGN_OPERATOR_INVALID'
  | 'CAMPAIGN_NOT_EDITABLE'
  | 'CAMPAIGN_BAD_TRANSITION'
  | 'CAMPAIGN_EMPTY'
  | 'CAMPAIGN_NO_OFFER'
  | 'CAMPAIGN_ATTEMPT_NOT_FOUND'
  | 'CAMPAIGN_DISPOSITION_UNKNOWN'
  | 'CAMPAIGN_IMPORT_COLUMNS'
  | 'CAMPAIGN_QUEUE_REQUIRED';

function message(code: CampaignsErrorCode): string {
  switch (code) {
    case 'CAMPAIGN_NOT_FOUND':
      return 'Campaign not found';
    case 'CAMPAIGN_NAME_TAKEN':
      return 'A campaign with this name exists';
    case 'CAMPAIGN_CALLER_ID_NOT_ALLOWED':
      return 'The trunk does not allow this caller ID (see CAMPAIGN_CALLER_IDS)';
    case 'CAMPAIGN_OPERATOR_INVALID':
      return 'Every operator of a campaign must be an active user with an extension';
    case 'CAMPAIGN_NOT_EDITABLE':
      return 'A running campaign cannot be changed: pause it first';
    case 'CAMPAIGN_BAD_TRANSITION':
      return 'The campaign cannot do that in its current state';
    case 'CAMPAIGN_EMPTY':
      return 'The campaign has no records to dial';
    case 'CAMPAIGN_NO_OFFER':
      return 'Nothing to dial now (no due record within its callee window, or the campaign is not running)';
    case 'CAMPAIGN_ATTEMPT_NOT_FOUND':
      return 'Campaign call not found';
    case 'CAMPAIGN_DISPOSITION_UNKNOWN':
      return 'Not one of the campaign’s dispositions';
    case 'CAMPAIGN_IMPORT_COLUMNS':
      return 'The file needs a name column and a phone column (headers such as Name/Имя and Phone/Телефон)';
    case 'CAMPAIGN_QUEUE_REQUIRED':
      return 'A ratio above 1 dials the customer first: the campaign needs the queue its operators answer in';
  }
}

const STATUS: Record<CampaignsErrorCode, number> = {
  CAMPAIGN_NOT_FOUND: 404,
  CAMPAIGN_NAME_TAKEN: 409,
  CAMPAIGN_CALLER_ID_NOT_ALLOWED: 400,
  CAMPAIGN_OPERATOR_INVALID: 400,
  CAMPAIGN_NOT_EDITABLE: 409,
  CAMPAIGN_BAD_TRANSITION: 409,
  CAMPAIGN_EMPTY: 409,
  CAMPAIGN_NO_OFFER: 404,
  CAMPAIGN_ATTEMPT_NOT_FOUND: 404,
  CAMPAIGN_DISPOSITION_UNKNOWN: 400,
  CAMPAIGN_IMPORT_COLUMNS: 400,
  CAMPAIGN_QUEUE_REQUIRED: 400,
};

export const campaignsError = (code: CampaignsErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details });
