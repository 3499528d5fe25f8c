import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type TaskDto } from '@contracts/dto/task';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';
import { useSocketEvent } from '@client/realtime/realtimeContext';

/** Newest first; older ones drop off so a burst of callbacks never covers the screen. */
const SHOWN = 4;

interface Note {
  key: string;
  text: string;
  link: string;
}

/**
 * Work that arrived for the signed-in user, as it arrives: a callback task given to them (missed call, escalation,
 * a website's "call me back"), a task coming due, a record a supervisor handed over. Each stays until dismissed or
 * opened; the server's pushes go to `user:<id>` only, so everything shown here is the user's own.
 */
export function Notifications() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [notes, setNotes] = useState<Note[]>([]);
  const add = (note: Note) => setNotes((all) => [note, ...all.filter((n) => n.key !== note.key)].slice(0, SHOWN));
  const dismiss = (key: string) => setNotes((all) => all.filter((n) => n.key !== key));
  const task = (x: TaskDto) => taskTitle(x, t, locale);

  useSocketEvent('task:assigned', ({ task: x, reason }) =>
    add({
      key: `assigned:${x.id}`,
      text: t(`notifications.taskAssigned.${reason}`, { title: task(x) }),
      link: '/tasks',
    }),
  );
  useSocketEvent('task:due', ({ task: x }) =>
    add({ key: `due:${x.id}`, text: t('notifications.taskDue', { title: task(x) }), link: '/tasks' }),
  );
  useSocketEvent('record:reassigned', (r) =>
    add({
      key: `reassigned:${r.entityType}:${r.entityId}`,
      text: t(`notifications.reassigned.${r.entityType}`, { name: r.name }),
      link: recordPath(r.entityType, r.entityId),
    }),
  );

  if (notes.length === 0) return null;
  return (
    <section className="notifications" aria-label={t('notifications.label')} aria-live="polite">
      {notes.map((n) => (
        <div key={n.key} className="notification" role="status" data-testid="notification">
          <a className="notification__text" href={href(n.link)} onClick={() => dismiss(n.key)}>
            {n.text}
          </a>
          <button
            type="button"
            className="btn btn--ghost notification__close"
            aria-label={t('notifications.dismiss')}
            onClick={() => dismiss(n.key)}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
