import { z } from 'zod';

import { type LEAD_STATUSES } from './lead';

/**
 * `GET /api/search?q=&limit=`: the top bar's one box. A number in any format (`8 916…`, `+7…`) or any part of its
 * digits (three or more), names, companies, e-mails and deal titles; any case, `е` = `ё`. Each group lists what
 * the viewer may see, a whole-number match first, then by name.
 */
export const searchQuerySchema = z.strictObject({
  /** Two characters at least: a single letter is in most names. */
  q: z.string().trim().min(2).max(100),
  /** Hits per group. */
  limit: z.coerce.number().int().min(1).max(20).default(5),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

/** Matches are counted up to this many per group; beyond it the group says `capped` (the list page counts all). */
export const SEARCH_COUNT_CAP = 1000;

export interface SearchGroup<T> {
  items: T[];
  /** How many the group holds, at most SEARCH_COUNT_CAP. */
  total: number;
  /** True when there are more than SEARCH_COUNT_CAP. */
  capped: boolean;
}

export interface SearchContactHit {
  id: string;
  name: string;
  email: string | null;
  companyName: string | null;
  /** E.164 where known, else as typed. */
  phones: string[];
  /** One of its numbers is the whole number typed. */
  exact: boolean;
}

export interface SearchCompanyHit {
  id: string;
  name: string;
  inn: string | null;
  phoneE164: string | null;
}

export interface SearchLeadHit {
  id: string;
  name: string | null;
  phoneE164: string | null;
  status: (typeof LEAD_STATUSES)[number];
}

export interface SearchDealHit {
  id: string;
  title: string;
  pipelineId: string;
  /** A key of its pipeline's stages (GET /api/pipelines). */
  stage: string;
  amount: string;
  currency: string;
  contactName: string | null;
}

export interface SearchResultDto {
  q: string;
  contacts: SearchGroup<SearchContactHit>;
  companies: SearchGroup<SearchCompanyHit>;
  leads: SearchGroup<SearchLeadHit>;
  deals: SearchGroup<SearchDealHit>;
}
