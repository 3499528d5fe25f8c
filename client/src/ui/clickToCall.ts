import { createContext } from 'react';

/**
 * Click-to-call for dumb UI: a module that can place calls (the softphone) provides the handler; without a
 * provider, phone numbers stay plain `tel:` links.
 */
export const ClickToCallContext = createContext<((number: string) => void) | null>(null);
