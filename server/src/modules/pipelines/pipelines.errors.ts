import { AppError } from '@server/common/errors/app-error';

export type PipelinesErrorCode =
  'PIPELINE_NOT_FOUND' | 'STAGE_NOT_FOUND' | 'STAGE_HAS_DEALS' | 'PIPELINE_HAS_DEALS' | 'PIPELINE_IS_DEFAULT';

function message(code: PipelinesErrorCode): string {
  switch (code) {
    case 'PIPELINE_NOT_FOUND':
      return 'Pipeline not found';
    case 'STAGE_NOT_FOUND':
      return 'The pipeline has no such stage';
    case 'STAGE_HAS_DEALS':
      return 'Deals are on this stage: move them before removing it';
    case 'PIPELINE_HAS_DEALS':
      return 'The pipeline has deals: move them before deleting it';
    case 'PIPELINE_IS_DEFAULT':
      return 'The default pipeline cannot be deleted';
  }
}

const STATUS: Record<PipelinesErrorCode, number> = {
  PIPELINE_NOT_FOUND: 404,
  STAGE_NOT_FOUND: 400,
  STAGE_HAS_DEALS: 409,
  PIPELINE_HAS_DEALS: 409,
  PIPELINE_IS_DEFAULT: 409,
};

/** `details` names the body field at fault, or the stages still holding deals. A pipeline named in a body → 400. */
export const pipelinesError = (code: PipelinesErrorCode, details?: Record<string, unknown>) =>
  new AppError(code, code === 'PIPELINE_NOT_FOUND' && details?.field ? 400 : STATUS[code], message(code), { details });
