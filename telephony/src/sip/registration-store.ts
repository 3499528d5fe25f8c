/** Where an operator's phone can be reached, as it last REGISTERed. One contact per extension: the latest wins. */
export interface Registration {
  extension: string;
  contact: string;
  /** Epoch ms after which the binding is gone. */
  expiresAt: number;
}

/** Small store the registrar writes and the SIP provider reads; Redis in production, memory in unit tests. */
export interface RegistrationStore {
  put(extension: string, contact: string, expiresSeconds: number): Promise<void>;
  /** Removes the binding; with `contact`, only if it is still that one (an old phone unregistering). */
  remove(extension: string, contact?: string): Promise<void>;
  get(extension: string): Promise<Registration | null>;
}

export class MemoryRegistrationStore implements RegistrationStore {
  private readonly bindings = new Map<string, Registration>();

  constructor(private readonly clock: () => number = Date.now) {}

  put(extension: string, contact: string, expiresSeconds: number): Promise<void> {
    this.bindings.set(extension, { extension, contact, expiresAt: this.clock() + expiresSeconds * 1000 });
    return Promise.resolve();
  }

  remove(extension: string, contact?: string): Promise<void> {
    const current = this.bindings.get(extension);
    if (current && (contact === undefined || current.contact === contact)) this.bindings.delete(extension);
    return Promise.resolve();
  }

  get(extension: string): Promise<Registration | null> {
    const current = this.bindings.get(extension);
    if (!current) return Promise.resolve(null);
    if (current.expiresAt <= this.clock()) {
      this.bindings.delete(extension);
      return Promise.resolve(null);
    }
    return Promise.resolve(current);
  }
}
