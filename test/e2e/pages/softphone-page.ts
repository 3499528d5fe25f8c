import { type Page } from 'playwright-core';

/** The operator dock: softphone, agent state and live pop cards. */
export class SoftphonePage {
  constructor(private readonly page: Page) {}

  readonly dock = () => this.page.getByTestId('operator-dock');
  readonly softphone = () => this.page.getByTestId('softphone');
  readonly registration = () => this.page.getByTestId('softphone-registration');
  readonly incoming = () => this.page.getByTestId('softphone-incoming');
  readonly call = () => this.page.getByTestId('softphone-call');
  readonly pop = () => this.page.getByTestId('live-pop');
  readonly popCard = () => this.page.getByTestId('pop-card');

  async waitRegistered(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="softphone-registration"][data-state="registered"]').waitFor({
      timeout: timeoutMs,
    });
  }

  async answer(): Promise<void> {
    await this.page.getByTestId('softphone-answer').click();
    await this.page.locator('[data-testid="softphone-call"][data-phase="answered"]').waitFor({ timeout: 10_000 });
  }

  async hangUp(): Promise<void> {
    await this.page.getByTestId('softphone-hangup').click();
    await this.call().waitFor({ state: 'detached', timeout: 10_000 });
  }

  async popPhase(phase: 'ringing' | 'talking' | 'wrap-up', timeoutMs = 10_000): Promise<void> {
    await this.page.locator(`[data-testid="live-pop"][data-phase="${phase}"]`).waitFor({ timeout: timeoutMs });
  }

  async wrapUp(outcome: string, note: string): Promise<void> {
    await this.page.getByTestId('wrap-up-outcome').selectOption(outcome);
    await this.page.getByTestId('wrap-up-note').fill(note);
    await this.page.getByTestId('wrap-up-save').click();
  }
}
