import { type Page } from 'playwright-core';

export class ContactFormPage {
  constructor(private readonly page: Page) {}

  readonly form = () => this.page.getByTestId('contact-form');
  readonly error = () => this.page.getByTestId('contact-form-error');

  async fill(values: { name?: string; phones?: string[]; tags?: string; doNotCall?: boolean }): Promise<void> {
    await this.form().waitFor();
    if (values.name !== undefined) await this.page.getByTestId('contact-name-input').fill(values.name);
    if (values.phones) {
      const inputs = this.page.getByTestId('contact-phone-input');
      while ((await inputs.count()) < values.phones.length) await this.page.getByTestId('contact-add-phone').click();
      for (const [i, phone] of values.phones.entries()) await inputs.nth(i).fill(phone);
    }
    if (values.tags !== undefined) await this.page.getByTestId('contact-tags-input').fill(values.tags);
    if (values.doNotCall !== undefined) await this.page.getByTestId('contact-dnc-input').setChecked(values.doNotCall);
  }

  async save(): Promise<void> {
    await this.page.getByTestId('contact-save').click();
  }
}
