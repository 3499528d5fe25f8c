import { isSupportedCountry } from 'libphonenumber-js';
import { type DataSource } from 'typeorm';

import {
  type CompanySettings,
  type UpdateSettingsRequest,
  companySettingsSchema,
  SETTING_KEYS,
  updateSettingsRequestSchema,
} from '@contracts/dto/settings';
import { type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { type Database, type Unlisten } from '@server/db/data-source';
import { type AuditService } from '@server/modules/audit/audit.service';

import { settingsError } from './settings.errors';
import { SettingsRepository } from './settings.repository';

/** The NOTIFY channel the settings trigger (migration 1764000740000) announces a changed key on. */
export const SETTINGS_CHANNEL = 'zvonok_settings';

export type SettingsListener = (settings: CompanySettings, changed: (keyof CompanySettings)[]) => void;

/**
 * The company settings of this node: the environment's values overlaid with the rows an admin saved. Readers call
 * `current()` when they act (never copy a value at start), so a change made on any node applies here as soon as its
 * notification arrives: `follow` reloads on every notification, and reloads everything after a lost connection,
 * since notifications sent meanwhile are gone.
 */
export class SettingsService {
  private readonly repo: SettingsRepository;
  private snapshot: CompanySettings;
  private readonly listeners = new Set<SettingsListener>();
  private loading: Promise<CompanySettings> | null = null;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaults: CompanySettings,
    private readonly deps: { audit?: AuditService; logger?: Logger } = {},
  ) {
    this.repo = new SettingsRepository(dataSource);
    this.snapshot = { ...defaults };
  }

  current(): CompanySettings {
    return this.snapshot;
  }

  /** Called with the new settings and the keys that changed, after every reload that changed something. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the table. Reloads asked for while one runs are folded into one more run after it. */
  reload(): Promise<CompanySettings> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        do {
          this.again = false;
          this.apply(await this.read());
        } while (this.again);
        return this.snapshot;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Loads the settings, then follows the change channel; resolves with the function that stops following. */
  async follow(listen: Database['listen']): Promise<Unlisten> {
    await this.reload();
    const reload = () => {
      this.reload().catch((err: unknown) => this.deps.logger?.warn({ err }, 'settings: reload failed'));
    };
    return listen(SETTINGS_CHANNEL, reload, (up) => {
      if (up) reload();
    });
  }

  /** Admins: changes the given settings in one transaction; each changed key is audited with from and to. */
  async update(actor: UserDto, input: UpdateSettingsRequest): Promise<CompanySettings> {
    const patch = updateSettingsRequestSchema.parse(input);
    if (patch.defaultCountry !== undefined && !isSupportedCountry(patch.defaultCountry)) {
      throw settingsError('VALIDATION_FAILED', 'defaultCountry', 'no numbering plan for this country');
    }
    const keys = Object.keys(patch) as (keyof CompanySettings)[];
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    await this.dataSource.transaction(async (em) => {
      const stored = await this.repo.lockedValues(em, keys);
      for (const key of keys) {
        const from = stored.has(key) ? stored.get(key) : this.defaults[key];
        const to = patch[key];
        if (JSON.stringify(from) === JSON.stringify(to)) continue;
        await this.repo.upsert(em, key, to, actor.id);
        changes[key] = { from, to };
      }
    });
    if (Object.keys(changes).length > 0) {
      await this.deps.audit?.record({
        actorId: actor.id,
        action: 'settings.update',
        entity: 'settings',
        entityId: null,
        details: { changes },
      });
    }
    // This node need not wait for its own notification.
    return this.reload();
  }

  private async read(): Promise<CompanySettings> {
    const next: Record<string, unknown> = { ...this.defaults };
    for (const row of await this.repo.all()) {
      if ((SETTING_KEYS as string[]).includes(row.key)) next[row.key] = row.value;
    }
    const parsed = companySettingsSchema.safeParse(next);
    if (parsed.success) return parsed.data;
    // A value edited by hand into something invalid must not stop the node: that key keeps its default.
    const fixed: Record<string, unknown> = { ...next };
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]) as keyof CompanySettings;
      this.deps.logger?.warn({ key, value: next[key] }, 'settings: stored value is invalid, using the default');
      fixed[key] = this.defaults[key];
    }
    return companySettingsSchema.parse(fixed);
  }

  private apply(next: CompanySettings): void {
    const changed = SETTING_KEYS.filter((k) => next[k] !== this.snapshot[k]);
    this.snapshot = next;
    if (changed.length === 0) return;
    for (const listener of this.listeners) listener(next, changed);
  }
}
