import { type TimelinePage, type TimelineQuery, timelineQuerySchema } from '@contracts/dto/timeline';

import { decodeCursor, encodeCursor } from './timeline-cursor';
import { timelineError } from './timeline.errors';
import { type TimelineReadModel, type TimelineViewer } from './timeline.read-model';

const NOT_FOUND = { contact: 'CONTACT_NOT_FOUND', company: 'COMPANY_NOT_FOUND', lead: 'LEAD_NOT_FOUND' } as const;

/** `GET /api/timeline`: one page of a contact's, company's or lead's history, as the viewer may see it. */
export class TimelineService {
  constructor(private readonly model: TimelineReadModel) {}

  async page(viewer: TimelineViewer, query: TimelineQuery): Promise<TimelinePage> {
    const q = timelineQuerySchema.parse(query);
    const before = q.before === undefined ? undefined : decodeCursor(q.before, q.entityType, q.entityId);
    // Hidden and missing answer alike (404), so ids cannot be probed.
    const subject = await this.model.subject(q.entityType, q.entityId, viewer);
    if (!subject) throw timelineError(NOT_FOUND[q.entityType]);
    const { entries, more } = await this.model.slice(subject, viewer, { limit: q.limit, before, kinds: q.kinds });
    const last = entries.at(-1);
    return {
      items: entries.map((e) => e.item),
      nextCursor: more && last ? encodeCursor(q.entityType, q.entityId, last.pos) : null,
    };
  }
}
