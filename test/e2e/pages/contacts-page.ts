import { type Page } from 'playwright-core';

export class ContactsPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.locator('#contacts-title');
  readonly table = () => this.page.getByTestId('contacts-table');
  readonly rows = () => this.page.getByTestId('contact-row');
  readonly names = () => this.page.getByTestId('contact-name');

  async search(text: string): Promise<void> {
    await this.page.getByTestId('contacts-search').fill(text);
  }

  /** Waits until the table shows exactly the rows whose names are given (search is debounced). */
  async waitForNames(expected: string[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = (await this.table().isVisible()) ? await this.names().allTextContents() : [];
      if (seen.length === expected.length && expected.every((name, i) => seen[i] === name)) return;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`contacts shown: ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
  }

  async waitForRowCount(accept: (count: number) => boolean, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let count = 0;
    while (Date.now() < deadline) {
      count = await this.rows().count();
      if (accept(count)) return count;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`contacts table stayed at ${count} rows`);
  }
}
