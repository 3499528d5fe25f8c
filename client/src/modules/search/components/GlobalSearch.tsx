import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type SearchResultDto } from '@contracts/dto/search';
import { searchApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, navigate, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';

const DEBOUNCE_MS = 250;

interface Hit {
  key: string;
  group: 'contacts' | 'companies' | 'leads' | 'deals';
  label: string;
  detail: string;
  path: string;
}

/** Typing in a field keeps its `/`; anywhere else `/` jumps to the search box. */
const typingIn = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/**
 * The top bar's one box (`GET /api/search`): a number in any format or part of it, names, companies, e-mails and deal
 * titles, grouped, only what the viewer may see. `/` focuses it; Enter opens the first hit.
 */
export function GlobalSearch() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState('');
  // Kept with the text it answers, so a stale answer (or one for text since cleared) is never shown.
  const [answer, setAnswer] = useState<SearchResultDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      e.preventDefault();
      input.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchApi.search(text, controller.signal).then(
        (r) => {
          setAnswer(r);
          setError(null);
        },
        (err: unknown) => {
          if (!controller.signal.aborted) setError(err);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const result = answer && answer.q === q.trim() ? answer : null;
  const hits: Hit[] = result
    ? [
        ...result.contacts.items.map((c) => ({
          key: `contact:${c.id}`,
          group: 'contacts' as const,
          label: c.name,
          detail: [c.phones[0] ? formatPhone(c.phones[0], locale) : '', c.companyName ?? '']
            .filter(Boolean)
            .join(' · '),
          path: recordPath('contact', c.id),
        })),
        ...result.companies.items.map((c) => ({
          key: `company:${c.id}`,
          group: 'companies' as const,
          label: c.name,
          detail: c.phoneE164 ? formatPhone(c.phoneE164, locale) : (c.inn ?? ''),
          path: recordPath('company', c.id),
        })),
        ...result.leads.items.map((l) => ({
          key: `lead:${l.id}`,
          group: 'leads' as const,
          label: l.name ?? (l.phoneE164 ? formatPhone(l.phoneE164, locale) : ''),
          detail: t(`leads.statuses.${l.status}`),
          path: recordPath('lead', l.id),
        })),
        ...result.deals.items.map((d) => ({
          key: `deal:${d.id}`,
          group: 'deals' as const,
          label: d.title,
          detail: d.contactName ?? '',
          path: recordPath('deal', d.id),
        })),
      ]
    : [];

  const go = (hit: Hit) => {
    setOpen(false);
    setQ('');
    navigate(hit.path);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      setOpen(false);
      input.current?.blur();
    } else if (e.key === 'Enter' && hits[0]) {
      e.preventDefault();
      go(hits[0]);
    }
  };

  const groups = (['contacts', 'companies', 'leads', 'deals'] as const).filter((g) => hits.some((h) => h.group === g));
  return (
    <div className="global-search" role="search">
      <label className="visually-hidden" htmlFor={`${id}-q`}>
        {t('search.label')}
      </label>
      <input
        ref={input}
        id={`${id}-q`}
        type="search"
        className="input global-search__input"
        placeholder={t('search.placeholder')}
        autoComplete="off"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 200)}
        onKeyDown={onKeyDown}
        aria-controls={`${id}-results`}
        data-testid="global-search"
      />
      {open && q.trim().length >= 2 && (result || error) ? (
        <div id={`${id}-results`} className="global-search__results card" data-testid="global-search-results">
          {error ? <p className="muted">{errorText(t, error)}</p> : null}
          {result && hits.length === 0 ? <p className="muted">{t('search.nothing')}</p> : null}
          {groups.map((g) => (
            <section key={g} aria-label={t(`search.groups.${g}`)}>
              <h3 className="global-search__group">
                {t(`search.groups.${g}`)} ({result![g].capped ? `${result![g].total}+` : result![g].total})
              </h3>
              <ul>
                {hits
                  .filter((h) => h.group === g)
                  .map((h) => (
                    <li key={h.key}>
                      <a
                        href={href(h.path)}
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={(e) => {
                          e.preventDefault();
                          go(h);
                        }}
                        data-testid="global-search-hit"
                      >
                        <strong>{h.label}</strong> <span className="muted">{h.detail}</span>
                      </a>
                    </li>
                  ))}
              </ul>
            </section>
          ))}
        </div>
      ) : null}
    </div>
  );
}
