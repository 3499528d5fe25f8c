import { type DataSource } from 'typeorm';

import { phoneKeys } from '@server/common/phone/phone-keys';
import { type ClientOwner, ClientOwnerRepository } from '@server/modules/routing/client-owner.repository';

/** Owner-sticky routing: the dialplan and the callback tasks both ask "whose client is this number?". */
export class RoutingService {
  private readonly owners: ClientOwnerRepository;

  constructor(
    dataSource: DataSource,
    private readonly defaultCountry: () => string,
  ) {
    this.owners = new ClientOwnerRepository(dataSource);
  }

  /** The owner of the caller's contact or open lead; null for unknown, withheld or unparsable numbers. */
  async ownerOf(phone: string): Promise<ClientOwner | null> {
    const trimmed = phone.trim();
    if (!/\d/.test(trimmed)) return null;
    return this.owners.find(phoneKeys(trimmed, this.defaultCountry()));
  }

  /** The extension to ring first for a caller, or null to go straight to the queue. */
  async ownerExtension(phone: string): Promise<string | null> {
    return (await this.ownerOf(phone))?.extension ?? null;
  }
}
