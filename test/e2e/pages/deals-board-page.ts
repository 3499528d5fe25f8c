import { type Locator, type Page } from 'playwright-core';

/** The deals pipeline: columns per stage, draggable cards. */
export class DealsBoardPage {
  constructor(private readonly page: Page) {}

  readonly board = () => this.page.getByTestId('kanban');
  readonly column = (stage: string) => this.page.getByTestId(`kanban-column-${stage}`);
  readonly card = (title: string) => this.page.getByTestId('deal-card').filter({ hasText: title });
  readonly cardIn = (stage: string, title: string) =>
    this.column(stage).getByTestId('deal-card').filter({ hasText: title });
  readonly total = (stage: string) => this.column(stage).getByTestId('kanban-column-total');

  /**
   * Drags with real pointer events in small steps: dnd-kit's pointer sensor starts a drag only after the
   * pointer moved a few pixels, exactly as a user's mouse would.
   */
  async drag(card: Locator, toStage: string): Promise<void> {
    const handle = card.getByTestId('deal-card-handle');
    await handle.scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    const target = await this.column(toStage).boundingBox();
    if (!from || !target) throw new Error('card or column not visible');
    const x0 = from.x + from.width / 2;
    const y0 = from.y + Math.min(from.height / 2, 20);
    await this.page.mouse.move(x0, y0);
    await this.page.mouse.down();
    await this.page.mouse.move(x0 + 10, y0 + 5, { steps: 3 });
    await this.page.mouse.move(target.x + target.width / 2, target.y + 80, { steps: 15 });
    await this.page.mouse.up();
  }
}
