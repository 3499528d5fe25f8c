/** Escapes LIKE wildcards so user text matches literally (parameters already prevent injection). */
export const likeContains = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
