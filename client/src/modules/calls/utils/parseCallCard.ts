import { callCardSchema, type CallCard } from '@contracts/dto/call-card';

/**
 * Inbound realtime payloads are data from the network like any request body: a card that does not
 * match the contract is dropped (and reported) rather than half-rendered.
 */
export function parseCallCard(payload: unknown, report: (issues: string) => void = console.warn): CallCard | null {
  const result = callCardSchema.safeParse(payload);
  if (result.success) return result.data;
  report(`call card rejected: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return null;
}
