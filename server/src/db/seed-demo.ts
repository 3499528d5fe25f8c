import { verify } from '@node-rs/argon2';
import { type DataSource, In } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { CompanyEntity } from '@server/modules/companies/company.entity';
import { ContactEntity, ContactPhoneEntity } from '@server/modules/contacts/contact.entity';
import { DealEntity } from '@server/modules/deals/deal.entity';
import { UserEntity, type UserRole } from '@server/modules/users/user.entity';
import { hashPassword } from '@server/modules/users/users.service';

export const DEMO_PASSWORD = 'zvonok';

export interface DemoUser {
  login: string;
  name: string;
  role: UserRole;
  extension: string | null;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { login: 'admin', name: 'Администратор', role: 'admin', extension: null },
  { login: 'manager', name: 'Марина Руководитель', role: 'manager', extension: null },
  { login: 'supervisor', name: 'Сергей Старший', role: 'supervisor', extension: '1901' },
  { login: 'operator1', name: 'Ольга Операторова', role: 'operator', extension: '1001' },
  { login: 'operator2', name: 'Павел Звонарёв', role: 'operator', extension: '1002' },
  { login: 'operator3', name: 'Анна Линейная', role: 'operator', extension: '1003' },
  { login: 'operator4', name: 'Иван Трубкин', role: 'operator', extension: '1004' },
];

/**
 * Creates the demo users (password `zvonok`) and, on an empty CRM, a few companies, contacts and
 * deals. Idempotent: existing logins are left untouched, CRM data only goes into empty tables.
 * Returns the logins that were created.
 */
export async function seedDemo(dataSource: DataSource, logger?: Logger, defaultCountry = 'RU'): Promise<string[]> {
  const users = dataSource.getRepository(UserEntity);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  for (const u of DEMO_USERS) {
    const result = await users
      .createQueryBuilder()
      .insert()
      .values({ ...u, passwordHash, locale: 'ru', active: true })
      .orIgnore()
      .returning('id')
      .execute();
    if ((result.raw as unknown[]).length > 0) created.push(u.login);
  }

  if ((await dataSource.getRepository(ContactEntity).count()) === 0) {
    await seedCrm(dataSource, defaultCountry);
    logger?.info('demo CRM data seeded');
  }
  if (created.length) logger?.info({ logins: created }, 'demo users seeded');
  return created;
}

/**
 * Demo logins that still open with the demo password. A production start refuses while there is any: the password
 * is in the README. The login names alone are not refused — a site may well call its own administrator `admin`.
 */
export async function demoLoginsStillOpen(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource
    .getRepository(UserEntity)
    .find({ where: { login: In(DEMO_USERS.map((u) => u.login)) }, select: { login: true, passwordHash: true } });
  const open: string[] = [];
  for (const row of rows) {
    if (await verify(row.passwordHash, DEMO_PASSWORD).catch(() => false)) open.push(row.login);
  }
  return open.sort();
}

async function seedCrm(dataSource: DataSource, defaultCountry: string): Promise<void> {
  await dataSource.transaction(async (em) => {
    const byLogin = new Map((await em.getRepository(UserEntity).find()).map((u) => [u.login, u.id]));
    const owner = (login: string) => byLogin.get(login) ?? null;
    const companies = em.getRepository(CompanyEntity);
    const romashka = await companies.save(
      companies.create({
        name: 'ООО «Ромашка»',
        inn: '7701234567',
        website: null,
        phoneE164: '+74951234567',
        ownerId: owner('operator1'),
      }),
    );
    const vector = await companies.save(
      companies.create({
        name: 'АО «Вектор»',
        inn: '7812345678',
        website: 'https://vector.example',
        phoneE164: null,
        ownerId: owner('operator2'),
      }),
    );
    const contacts: { name: string; phones: string[]; company: string | null; owner: string; tags: string[] }[] = [
      { name: 'Иван Петров', phones: ['+7 916 123-45-67'], company: romashka.id, owner: 'operator1', tags: ['vip'] },
      {
        name: 'Мария Сидорова',
        phones: ['8 (903) 555-12-34', '+7 495 765-43-21'],
        company: romashka.id,
        owner: 'operator1',
        tags: [],
      },
      { name: 'Алексей Кузнецов', phones: ['+79261112233'], company: vector.id, owner: 'operator2', tags: ['new'] },
      { name: 'John Smith', phones: ['+44 20 7946 0958'], company: null, owner: 'operator3', tags: ['en'] },
    ];
    for (const c of contacts) {
      const saved = await em.getRepository(ContactEntity).save(
        em.getRepository(ContactEntity).create({
          name: c.name,
          email: null,
          companyId: c.company,
          ownerId: owner(c.owner),
          doNotCall: false,
          tags: c.tags,
        }),
      );
      await em.getRepository(ContactPhoneEntity).insert(
        c.phones.map((raw, position) => ({
          contactId: saved.id,
          raw,
          label: null,
          position,
          ...phoneKeys(raw, defaultCountry),
        })),
      );
      await em.getRepository(DealEntity).insert({
        title: `Поставка для ${c.name}`,
        stage: 'proposal',
        amount: '150000.00',
        currency: 'RUB',
        ownerId: owner(c.owner),
        contactId: saved.id,
        companyId: c.company,
        closedAt: null,
      });
    }
  });
}
