import { afterEach, describe, expect, it, vi } from 'vitest';

import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@contracts/error-codes';
import { ApiError, buildUrl, http, NETWORK_ERROR, onUnauthorized } from '@client/api/http';

// No server in unit tests: fetch is replaced per test; the real server is exercised by the e2e specs.
const respond = (status: number, body?: unknown) =>
  vi.fn<typeof fetch>(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));

afterEach(() => vi.unstubAllGlobals());

describe('http', () => {
  it('sends JSON with credentials and the CSRF header', async () => {
    const fetchMock = respond(201, { id: '1' });
    vi.stubGlobal('fetch', fetchMock);
    await expect(http.post('/api/contacts', { name: 'x' })).resolves.toEqual({ id: '1' });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/contacts');
    expect(init?.credentials).toBe('same-origin');
    expect((init?.headers as Record<string, string>)[CSRF_HEADER]).toBe(CSRF_HEADER_VALUE);
    expect(init?.body).toBe('{"name":"x"}');
  });

  it('turns the error envelope into an ApiError carrying the code, not the message', async () => {
    vi.stubGlobal('fetch', respond(409, { error: { code: 'LEAD_ALREADY_OPEN', message: 'raw text', details: 1 } }));
    const error = await http.get('/api/leads').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'LEAD_ALREADY_OPEN', status: 409, details: 1 });
    expect((error as Error).message).not.toContain('raw text');
  });

  it('reports network failures and non-JSON errors with client codes', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(http.get('/api/x')).rejects.toMatchObject({ code: NETWORK_ERROR, status: 0 });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    );
    await expect(http.get('/api/x')).rejects.toMatchObject({ code: 'INTERNAL', status: 502 });
  });

  it('signals a lost session on 401 outside /api/auth', async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    vi.stubGlobal('fetch', respond(401, { error: { code: 'UNAUTHENTICATED', message: '' } }));
    await http.get('/api/auth/me').catch(() => undefined);
    expect(listener).not.toHaveBeenCalled();
    await http.get('/api/contacts').catch(() => undefined);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });

  it('drops empty query values', () => {
    expect(buildUrl('/api/contacts', { q: '', status: undefined, limit: 20, mine: false })).toBe(
      '/api/contacts?limit=20&mine=false',
    );
  });
});
