import { type ReviewItemDto } from '@contracts/dto/quality';
import { type ExportLocale } from '@server/common/export/table-export';

type Disposition = NonNullable<ReviewItemDto['disposition']>;

/**
 * The words of the review export (CSV/XLSX), per language: headers and the coded values a person reads. Localised on
 * the server like the analytics exports (`lang`, else the profile language); English keeps the stored codes.
 */
export interface ReviewExportTexts {
  headers: Record<
    | 'callId'
    | 'startedAt'
    | 'direction'
    | 'from'
    | 'to'
    | 'queue'
    | 'operator'
    | 'extension'
    | 'talkSeconds'
    | 'disposition'
    | 'wrapUp'
    | 'recordingSeconds'
    | 'reviews'
    | 'averageScore'
    | 'scriptFollowed'
    | 'comments',
    string
  >;
  direction: (d: ReviewItemDto['direction']) => string;
  disposition: (d: Disposition) => string;
  wrapUp: (outcome: string) => string;
  withheld: string;
  yes: string;
  no: string;
}

const RU_DIRECTIONS = { inbound: 'входящий', outbound: 'исходящий', internal: 'внутренний' } as const;
const RU_DISPOSITIONS: Record<Disposition, string> = {
  answered: 'отвечен',
  missed: 'пропущен',
  abandoned: 'брошен',
  failed: 'ошибка',
  blocked: 'заблокирован',
};
const RU_OUTCOMES: Record<string, string> = {
  resolved: 'вопрос решён',
  callback: 'перезвонить',
  sale: 'продажа',
  'no-interest': 'не интересно',
  'wrong-number': 'ошибся номером',
  other: 'другое',
};

export const REVIEW_EXPORT_TEXTS: Record<ExportLocale, ReviewExportTexts> = {
  ru: {
    headers: {
      callId: 'ID звонка',
      startedAt: 'Начало (UTC)',
      direction: 'Направление',
      from: 'Кто звонил',
      to: 'Куда',
      queue: 'Очередь',
      operator: 'Оператор',
      extension: 'Внутр. номер',
      talkSeconds: 'Разговор, с',
      disposition: 'Результат',
      wrapUp: 'Итог звонка',
      recordingSeconds: 'Запись, с',
      reviews: 'Оценок',
      averageScore: 'Средняя оценка',
      scriptFollowed: 'Скрипт соблюдён',
      comments: 'Комментарии',
    },
    direction: (d) => RU_DIRECTIONS[d],
    disposition: (d) => RU_DISPOSITIONS[d],
    wrapUp: (outcome) => RU_OUTCOMES[outcome] ?? outcome,
    withheld: 'номер скрыт',
    yes: 'да',
    no: 'нет',
  },
  en: {
    headers: {
      callId: 'Call ID',
      startedAt: 'Started (UTC)',
      direction: 'Direction',
      from: 'From',
      to: 'To',
      queue: 'Queue',
      operator: 'Operator',
      extension: 'Extension',
      talkSeconds: 'Talk seconds',
      disposition: 'Disposition',
      wrapUp: 'Wrap-up',
      recordingSeconds: 'Recording seconds',
      reviews: 'Reviews',
      averageScore: 'Average score',
      scriptFollowed: 'Script followed',
      comments: 'Comments',
    },
    direction: (d) => d,
    disposition: (d) => d,
    wrapUp: (outcome) => outcome,
    withheld: 'anonymous',
    yes: 'yes',
    no: 'no',
  },
};
