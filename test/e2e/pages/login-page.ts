import { type Page } from 'playwright-core';

export class LoginPage {
  constructor(private readonly page: Page) {}

  readonly root = () => this.page.getByTestId('login-page');
  readonly error = () => this.page.getByTestId('login-error');

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/`);
    await this.root().waitFor();
  }

  async logIn(login: string, password: string): Promise<void> {
    await this.page.getByTestId('login-input').fill(login);
    await this.page.getByTestId('password-input').fill(password);
    await this.page.getByTestId('login-submit').click();
  }
}
