import { type Express } from 'express';

export interface ApiRoute {
  method: string;
  /** Express path pattern as mounted, e.g. `/api/calls/:id/spy`. */
  path: string;
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  /** router 2.x keeps the mount path of `use()` layers here. */
  rawPath?: unknown;
}

/**
 * Every METHOD + path the app serves under `prefix`, read from express 5's router stack (nested routers
 * included), so a route added anywhere shows up here without anyone listing it.
 */
export function listRoutes(app: Express, prefix = '/api'): ApiRoute[] {
  const out: ApiRoute[] = [];
  const walk = (stack: LayerLike[], base: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          if (typeof p !== 'string') continue;
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(base, p) });
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '';
        walk(layer.handle.stack, join(base, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  const seen = new Set<string>();
  return out
    .filter((r) => r.path === prefix || r.path.startsWith(`${prefix}/`))
    .filter((r) => {
      const key = routeKey(r);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

const join = (base: string, p: string) => {
  const joined = `${base}/${p}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
};

export const routeKey = (r: ApiRoute) => `${r.method} ${r.path}`;
