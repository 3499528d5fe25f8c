import { randomBytes } from 'node:crypto';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

import { type EntityLink } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import {
  type CreateWebFormRequest,
  type FormSubmissionResponse,
  type LeadUtm,
  type UpdateWebFormRequest,
  type WebFormDto,
  createWebFormRequestSchema,
  formSubmissionRequestSchema,
  updateWebFormRequestSchema,
} from '@contracts/dto/web-form';
import { type Logger } from '@server/common/logger/logger';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type CallMeBackService } from '@server/modules/call-me-back/call-me-back.service';
import { type ContactsService } from '@server/modules/contacts/contacts.service';
import { type LeadsService } from '@server/modules/leads/leads.service';
import { type NotesService } from '@server/modules/notes/notes.service';

import { webFormsError } from './web-forms.errors';
import { type FormRow, type WebFormsRepository } from './web-forms.repository';

export interface SubmissionMeta {
  ip: string | null;
  userAgent: string | null;
  /** The browser's Origin header, when the post came from a page. */
  origin: string | null;
}

export interface WebFormsDeps {
  repo: WebFormsRepository;
  contacts: Pick<ContactsService, 'findByPhone'>;
  leads: Pick<LeadsService, 'ensureOpenLeadForForm'>;
  notes: Pick<NotesService, 'addSystemNote'>;
  callMeBack: Pick<CallMeBackService, 'request'>;
  realtime: RealtimeSink;
  audit: AuditService;
  /** The company setting when the form is posted. */
  defaultCountry: () => string;
  logger: Logger;
}

/** A public form key: `wf_` and 144 random bits; it names a form, it grants nothing else. */
const newFormKey = () => `wf_${randomBytes(18).toString('base64url')}`;

/**
 * Website forms: admins make one per site form (its key goes into the snippet); a submission becomes a lead with
 * the same rule as a call from the number — a contact that has the number keeps it (no lead), else the number's
 * one open lead takes it, else a new lead (source `web`, with the form and UTM tags) — and the form's words land as
 * a note on that record. With `callback: true` the form's queue calls the visitor back (or a task is set).
 */
export class WebFormsService {
  /** A contact merge moves the submissions that ended on a contact (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({ table: 'form_submissions', column: 'contact_id' });
  constructor(private readonly deps: WebFormsDeps) {}

  async list(): Promise<WebFormDto[]> {
    return (await this.deps.repo.list()).map(toDto);
  }

  async create(actor: UserDto, input: CreateWebFormRequest): Promise<WebFormDto> {
    const req = createWebFormRequestSchema.parse(input);
    const row = await this.deps.repo.insert({ ...req, key: newFormKey(), createdById: actor.id });
    await this.record(actor, 'web-form.create', row, { name: row.name, origins: row.allowed_origins });
    return toDto(row);
  }

  async update(actor: UserDto, id: string, input: UpdateWebFormRequest): Promise<WebFormDto> {
    const req = updateWebFormRequestSchema.parse(input);
    const row = await this.deps.repo.update(id, req);
    if (!row) throw webFormsError('FORM_NOT_FOUND');
    await this.record(actor, 'web-form.update', row, req);
    return toDto(row);
  }

  async remove(actor: UserDto, id: string): Promise<void> {
    const row = await this.deps.repo.findById(id);
    if (!row) throw webFormsError('FORM_NOT_FOUND');
    await this.deps.repo.remove(id);
    await this.record(actor, 'web-form.delete', row, { name: row.name });
  }

  /** The active form behind a public key; 404 for an unknown or switched-off one. */
  async active(formKey: string): Promise<FormRow> {
    const form = await this.deps.repo.findByKey(formKey);
    if (!form?.active) throw webFormsError('FORM_NOT_FOUND');
    return form;
  }

  /** Whether a page of `origin` may post the form (no list: any page; no Origin: not a browser page). */
  originAllowed(form: FormRow, origin: string | null): boolean {
    return origin === null || form.allowed_origins.length === 0 || form.allowed_origins.includes(origin);
  }

  async submit(formKey: string, input: unknown, meta: SubmissionMeta): Promise<FormSubmissionResponse> {
    const form = await this.active(formKey);
    if (!this.originAllowed(form, meta.origin)) throw webFormsError('ORIGIN_NOT_ALLOWED', { origin: meta.origin });
    const req = formSubmissionRequestSchema.parse(input);
    const log = this.deps.logger.child({ formId: form.id });
    if (req.website) {
      // The honeypot: a person never sees the field. Answer like a success, so the bot learns nothing.
      log.info({ ip: meta.ip }, 'web form: honeypot filled, submission dropped');
      return { accepted: true, callback: null };
    }
    const keys = phoneKeys(req.phone, this.deps.defaultCountry());
    if (!keys.e164) throw webFormsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a phone number' }]);
    const utm = utmOf(req);
    const name = req.name || null;

    const [contact] = await this.deps.contacts.findByPhone(keys.e164);
    const ensured = contact
      ? null
      : await this.deps.leads.ensureOpenLeadForForm({
          phoneRaw: req.phone,
          e164: keys.e164,
          name,
          formId: form.id,
          utm,
        });
    const link: EntityLink = contact
      ? { entityType: 'contact', entityId: contact.id }
      : { entityType: 'lead', entityId: ensured!.lead.id };
    const ownerId = contact?.ownerId ?? ensured?.lead.ownerId ?? null;
    const submissionId = await this.deps.repo.insertSubmission({
      formId: form.id,
      leadId: ensured?.lead.id ?? null,
      contactId: contact?.id ?? null,
      createdLead: ensured?.created ?? false,
      name,
      phoneRaw: req.phone,
      phoneE164: keys.e164,
      email: req.email ?? null,
      message: req.message || null,
      utm,
      page: req.page || null,
      referrer: req.referrer || null,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      callbackRequested: req.callback,
    });
    await this.deps.notes.addSystemNote(link, noteText(form, req, keys.e164, utm));

    let callback: FormSubmissionResponse['callback'] = null;
    if (req.callback && form.callback_queue) {
      const outcome = await this.deps.callMeBack.request({
        submissionId,
        queue: form.callback_queue,
        phoneE164: keys.e164,
        name,
        entity: { type: link.entityType as 'lead' | 'contact', id: link.entityId },
        ownerId,
      });
      callback = { status: outcome.status, at: outcome.at?.toISOString() ?? null };
    }
    const payload = {
      lead: ensured?.lead ?? null,
      contactId: contact?.id ?? null,
      created: ensured?.created ?? false,
      form: { id: form.id, name: form.name },
      callback: callback?.status ?? null,
    };
    for (const role of ['supervisor', 'manager', 'admin'] as const) {
      this.deps.realtime.emitToRole(role, 'lead:submitted', payload);
    }
    if (ownerId) this.deps.realtime.emitToUser(ownerId, 'lead:submitted', payload);
    log.info({ submissionId, ...link, created: payload.created, callback: payload.callback }, 'web form accepted');
    return { accepted: true, callback };
  }

  private record(actor: UserDto, action: string, form: FormRow, details: object) {
    return this.deps.audit.record({
      actorId: actor.id,
      action,
      entity: 'web-form',
      entityId: form.id,
      details: { ...details },
    });
  }
}

function utmOf(req: {
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
}): LeadUtm | null {
  const utm = {
    source: req.utm_source || null,
    medium: req.utm_medium || null,
    campaign: req.utm_campaign || null,
    term: req.utm_term || null,
    content: req.utm_content || null,
  };
  return Object.values(utm).some((v) => v !== null) ? utm : null;
}

/**
 * The note a submission leaves on its lead or contact. No words of any language (a note is stored once and read in
 * Russian and English alike): the form's name, what the visitor typed, the UTM tags by their own names, the page,
 * and ☎ when they asked to be called back.
 */
function noteText(
  form: FormRow,
  req: { name?: string; email?: string; message?: string; page?: string; callback: boolean },
  e164: string,
  utm: LeadUtm | null,
): string {
  const lines = [[`«${form.name}»`, req.name, e164, req.email].filter(Boolean).join(' · ')];
  if (req.message) lines.push(req.message);
  if (utm) {
    const tags = Object.entries(utm).filter(([, v]) => v !== null);
    lines.push(tags.map(([k, v]) => `utm_${k}=${v}`).join(' · '));
  }
  if (req.page) lines.push(req.page);
  if (req.callback) lines.push('☎');
  return lines.join('\n');
}

export function toDto(r: FormRow): WebFormDto {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    allowedOrigins: r.allowed_origins,
    callbackQueue: r.callback_queue,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
