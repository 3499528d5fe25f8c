/**
 * Whether a Socket.IO handshake may proceed, judged by its Origin header. The session cookie rides along with any
 * cross-site WebSocket, so without this check another site could open a socket as the logged-in operator
 * (cross-site WebSocket hijacking). REST is protected by the X-Requested-With header instead; this is the socket's
 * equivalent and trusts the same list (TRUSTED_ORIGINS, e.g. the vite dev server).
 *
 * Allowed: no Origin (not a browser, e.g. tests and server-side clients), the server's own origin (the Origin's
 * host equals the Host header), or an origin listed in `trustedOrigins`.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  trustedOrigins: string[],
): boolean {
  if (!origin) return true;
  if (trustedOrigins.some((trusted) => sameOrigin(trusted, origin))) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
