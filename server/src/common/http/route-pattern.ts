export interface RoutePattern {
  method: string;
  /** Express style, with `:name` segments: `/api/calls/:id/spy`. */
  path: string;
}

/**
 * Finds which of `routes` a request is for, the way express would route it: case-insensitive, a trailing slash
 * ignored, `:param` standing for one non-empty segment; a literal segment wins over a parameter (`/calls/active`
 * before `/calls/:id`). Only the simple patterns our routers use are supported (no wildcards or optional parts).
 */
export function routeMatcher<R extends RoutePattern>(
  routes: readonly R[],
): (method: string, path: string) => R | undefined {
  const compiled = routes
    .map((route) => {
      const segments = route.path.split('/').filter(Boolean);
      const source = segments
        .map((s) => (s.startsWith(':') ? '/[^/]+' : `/${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
        .join('');
      return {
        route,
        method: route.method.toUpperCase(),
        regex: new RegExp(`^${source || '/'}/?$`, 'i'),
        params: segments.filter((s) => s.startsWith(':')).length,
      };
    })
    .sort((a, b) => a.params - b.params);
  return (method, path) => {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return compiled.find((c) => c.method === m && c.regex.test(path))?.route;
  };
}
