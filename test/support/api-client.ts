/** Minimal fetch client with a cookie jar for one `zv_session`, sending the CSRF header unless told not to. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  /** Omit the X-Requested-With header (to test the CSRF guard). */
  noCsrf?: boolean;
  /** Send this exact string as the body instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export class ApiClient {
  cookie: string | undefined;

  /** `bearer`: an API token sent as `Authorization: Bearer …` with every request. */
  constructor(
    readonly baseUrl: string,
    readonly bearer?: string,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.noCsrf) headers['x-requested-with'] = 'zvonok';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization ??= `Bearer ${this.bearer}`;
    let payload: string | undefined;
    if (opts.rawBody !== undefined) payload = opts.rawBody;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('zv_session='));
    if (setCookie) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'zv_session=' ? undefined : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON body (e.g. static file) stays a string
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, undefined, opts);
  }
  post<T = any>(path: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>('POST', path, body, opts);
  }
  patch<T = any>(path: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>('PATCH', path, body, opts);
  }
  delete<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, undefined, opts);
  }

  async login(login: string, password: string): Promise<ApiResponse> {
    const res = await this.post('/api/auth/login', { login, password });
    if (res.status !== 200) throw new Error(`login ${login} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
