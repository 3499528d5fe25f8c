import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ContactDto } from '@contracts/dto/contact';
import { contactsApi, dealsApi, notesApi, tasksApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDate, formatDateTime, formatMoney } from '@client/i18n/format';
import { NewDealForm } from '@client/modules/deals/components/NewDealForm';
import { ReassignControl } from '@client/modules/ownership/components/ReassignControl';
import { NewTaskForm } from '@client/modules/tasks/components/NewTaskForm';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';
import { Alert } from '@client/ui/Alert';

/**
 * What an operator wants next to the contact: its owner (reassignable by staff), open deals and tasks (each opening
 * its page, and new ones made here), notes (and adding one). `onChange` tells the page something it shows changed.
 */
export function ContactActivity({ contact, onChange }: { contact: ContactDto; onChange: () => void }) {
  const contactId = contact.id;
  const { t } = useTranslation();
  const locale = useLocale();
  const noteId = useId();
  const deals = useQuery(`contact-deals:${contactId}`, (signal) =>
    dealsApi.list({ contactId, limit: 20, offset: 0 }, signal),
  );
  const tasks = useQuery(`contact-tasks:${contactId}`, (signal) =>
    tasksApi.list({ entityType: 'contact', entityId: contactId, open: 'true', limit: 20, offset: 0 }, signal),
  );
  const notes = useQuery(`contact-notes:${contactId}`, (signal) =>
    notesApi.list({ entityType: 'contact', entityId: contactId, limit: 20, offset: 0 }, signal),
  );
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const addNote = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await notesApi.create({ body: body.trim(), entityType: 'contact', entityId: contactId });
      setBody('');
      notes.reload();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  const openDeals = deals.data?.items.filter((d) => d.stage !== 'won' && d.stage !== 'lost') ?? [];
  return (
    <aside className="card card__body activity" aria-label={t('contacts.activity')} data-testid="contact-activity">
      <ReassignControl
        ownerId={contact.ownerId}
        onReassign={(userId) => contactsApi.reassign(contactId, userId).then(onChange)}
      />
      <section className="pop-card__section" aria-labelledby={`${noteId}-deals`}>
        <h3 id={`${noteId}-deals`}>{t('popCard.openDeals')}</h3>
        {deals.error ? <Alert tone="error">{errorText(t, deals.error)}</Alert> : null}
        {openDeals.length === 0 ? (
          <p className="muted">{t('popCard.noDeals')}</p>
        ) : (
          <ul className="pop-card__list" data-testid="contact-deals">
            {openDeals.map((deal) => (
              <li key={deal.id}>
                <span>
                  <a href={href(recordPath('deal', deal.id))}>{deal.title}</a>{' '}
                  <span className="badge">{t(`deals.stages.${deal.stage}`, { defaultValue: deal.stage })}</span>
                </span>
                <span className="phone">{formatMoney(deal.amount, locale, deal.currency)}</span>
              </li>
            ))}
          </ul>
        )}
        <details className="activity__new" data-testid="contact-new-deal">
          <summary>{t('records.newDeal')}</summary>
          <NewDealForm
            contactId={contactId}
            companyId={contact.companyId}
            onCreated={() => {
              deals.reload();
              onChange();
            }}
          />
        </details>
      </section>
      <section className="pop-card__section" aria-labelledby={`${noteId}-tasks`}>
        <h3 id={`${noteId}-tasks`}>{t('popCard.openTasks')}</h3>
        {tasks.error ? <Alert tone="error">{errorText(t, tasks.error)}</Alert> : null}
        {(tasks.data?.items.length ?? 0) === 0 ? (
          <p className="muted">{t('popCard.noTasks')}</p>
        ) : (
          <ul className="pop-card__list">
            {tasks.data?.items.map((task) => (
              <li key={task.id}>
                <a href={href(recordPath('task', task.id))}>{taskTitle(task, t, locale)}</a>
                {task.dueAt ? <time dateTime={task.dueAt}>{formatDate(task.dueAt, locale)}</time> : null}
              </li>
            ))}
          </ul>
        )}
        <details className="activity__new" data-testid="contact-new-task">
          <summary>{t('records.newTask')}</summary>
          <NewTaskForm
            entityType="contact"
            entityId={contactId}
            onCreated={() => {
              tasks.reload();
              onChange();
            }}
          />
        </details>
      </section>
      <section className="pop-card__section" aria-labelledby={`${noteId}-notes`}>
        <h3 id={`${noteId}-notes`}>{t('popCard.notes')}</h3>
        {notes.error ? <Alert tone="error">{errorText(t, notes.error)}</Alert> : null}
        <ul className="pop-card__list notes" data-testid="contact-notes">
          {notes.data?.items.map((note) => (
            <li key={note.id} className="stack">
              <p className="pop-card__notes" data-testid="contact-note">
                {note.body}
              </p>
              <time className="muted" dateTime={note.createdAt}>
                {formatDateTime(note.createdAt, locale)}
              </time>
            </li>
          ))}
        </ul>
        <form className="stack form-section" onSubmit={(e) => void addNote(e)}>
          {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
          <label className="visually-hidden" htmlFor={`${noteId}-body`}>
            {t('contacts.newNote')}
          </label>
          <textarea
            id={`${noteId}-body`}
            className="textarea"
            placeholder={t('contacts.newNote')}
            maxLength={10_000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            data-testid="note-input"
          />
          <div>
            <button type="submit" className="btn btn--small" disabled={pending || !body.trim()} data-testid="note-add">
              {t('contacts.addNote')}
            </button>
          </div>
        </form>
      </section>
    </aside>
  );
}
