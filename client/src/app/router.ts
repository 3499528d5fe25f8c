import { useSyncExternalStore } from 'react';

/**
 * Hash routing: deep links survive a reload whatever the static server does with unknown paths,
 * and the app needs no router dependency for a handful of screens.
 */
function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): string {
  const raw = window.location.hash.replace(/^#/, '');
  return raw.startsWith('/') ? raw : '/';
}

export function useLocationPath(): string {
  return useSyncExternalStore(subscribe, snapshot, () => '/');
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function href(path: string): string {
  return `#${path}`;
}

export type Route =
  | { name: 'contacts'; query: URLSearchParams }
  | { name: 'contact-new' }
  | { name: 'contacts-import' }
  | { name: 'companies'; query: URLSearchParams }
  | { name: 'company-new' }
  | { name: 'company-edit'; id: string }
  | { name: 'contact-edit'; id: string }
  | { name: 'lead'; id: string }
  | { name: 'deal'; id: string }
  | { name: 'task'; id: string }
  | { name: 'leads'; query: URLSearchParams }
  | { name: 'deals'; query: URLSearchParams }
  | { name: 'tasks'; query: URLSearchParams }
  | { name: 'calls'; query: URLSearchParams }
  | { name: 'analytics' }
  | { name: 'my-stats' }
  | { name: 'wallboard' }
  | { name: 'review' }
  | { name: 'integrations' }
  | { name: 'admin'; tab: AdminTabName }
  | { name: 'audit' }
  | { name: 'campaigns' }
  | { name: 'products' }
  | { name: 'not-found' };

export const ADMIN_TAB_NAMES = ['users', 'teams', 'fields', 'pipelines', 'settings'] as const;
export type AdminTabName = (typeof ADMIN_TAB_NAMES)[number];
const isAdminTab = (s: string | undefined): s is AdminTabName =>
  (ADMIN_TAB_NAMES as readonly string[]).includes(s ?? '');

export type Section =
  | 'contacts'
  | 'companies'
  | 'leads'
  | 'deals'
  | 'tasks'
  | 'calls'
  | 'analytics'
  | 'my-stats'
  | 'wallboard'
  | 'review'
  | 'integrations'
  | 'admin'
  | 'audit'
  | 'campaigns'
  | 'products';

const RECORD_ROUTE = { leads: 'lead', deals: 'deal', tasks: 'task' } as const;

/** A record's own page: every list, card, search hit and timeline item links here. */
export function recordPath(kind: 'contact' | 'company' | 'lead' | 'deal' | 'task', id: string): string {
  const section = kind === 'company' ? 'companies' : `${kind}s`;
  return `/${section}/${encodeURIComponent(id)}`;
}

export function parseRoute(fullPath: string): Route {
  const [path = '/', search = ''] = fullPath.split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  const [first, second] = parts;
  if (!first || (first === 'contacts' && !second)) return { name: 'contacts', query };
  if (first === 'contacts' && second === 'new') return { name: 'contact-new' };
  if (first === 'contacts' && second === 'import' && parts.length === 2) return { name: 'contacts-import' };
  if (first === 'companies' && !second) return { name: 'companies', query };
  if (first === 'companies' && second === 'new' && parts.length === 2) return { name: 'company-new' };
  if (first === 'companies' && second && parts.length === 2)
    return { name: 'company-edit', id: decodeURIComponent(second) };
  if (first === 'contacts' && second) return { name: 'contact-edit', id: decodeURIComponent(second) };
  if (parts.length === 2 && second && (first === 'leads' || first === 'deals' || first === 'tasks')) {
    return { name: RECORD_ROUTE[first], id: decodeURIComponent(second) };
  }
  if (parts.length === 1 && (first === 'leads' || first === 'deals' || first === 'tasks' || first === 'calls')) {
    return { name: first, query };
  }
  if (first === 'analytics' && parts.length === 1) return { name: 'analytics' };
  if (first === 'my-stats' && parts.length === 1) return { name: 'my-stats' };
  if (first === 'wallboard' && parts.length === 1) return { name: 'wallboard' };
  if (first === 'review' && parts.length === 1) return { name: 'review' };
  if (first === 'integrations' && parts.length === 1) return { name: 'integrations' };
  if (first === 'admin' && parts.length === 1) return { name: 'admin', tab: 'users' };
  if (first === 'admin' && parts.length === 2 && isAdminTab(second)) return { name: 'admin', tab: second };
  if (first === 'audit' && parts.length === 1) return { name: 'audit' };
  if (first === 'campaigns' && parts.length === 1) return { name: 'campaigns' };
  if (first === 'products' && parts.length === 1) return { name: 'products' };
  return { name: 'not-found' };
}

export function sectionOf(route: Route): Section | null {
  switch (route.name) {
    case 'contacts':
    case 'contact-new':
    case 'contact-edit':
    case 'contacts-import':
      return 'contacts';
    case 'companies':
    case 'company-new':
    case 'company-edit':
      return 'companies';
    case 'lead':
      return 'leads';
    case 'deal':
      return 'deals';
    case 'task':
      return 'tasks';
    case 'leads':
    case 'deals':
    case 'tasks':
    case 'calls':
    case 'analytics':
    case 'my-stats':
    case 'wallboard':
    case 'review':
    case 'integrations':
    case 'admin':
    case 'audit':
    case 'campaigns':
    case 'products':
      return route.name;
    case 'not-found':
      return null;
  }
}
