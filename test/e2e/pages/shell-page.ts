import { type Page } from 'playwright-core';

/** The signed-in frame: navigation and user menu. */
export class ShellPage {
  constructor(private readonly page: Page) {}

  readonly root = () => this.page.getByTestId('app-shell');
  readonly nav = (section: 'contacts' | 'companies' | 'leads' | 'deals' | 'products' | 'tasks' | 'calls') =>
    this.page.getByTestId(`nav-${section}`);
  readonly userName = () => this.page.getByTestId('user-name');

  async openUserMenu(): Promise<void> {
    if (!(await this.page.getByTestId('user-menu').isVisible()))
      await this.page.getByTestId('user-menu-button').click();
    await this.page.getByTestId('user-menu').waitFor();
  }

  async switchLanguage(locale: 'ru' | 'en'): Promise<void> {
    await this.openUserMenu();
    await this.page.getByTestId('user-menu').getByTestId(`language-${locale}`).click();
  }

  async logOut(): Promise<void> {
    await this.openUserMenu();
    await this.page.getByTestId('logout-button').click();
  }
}
