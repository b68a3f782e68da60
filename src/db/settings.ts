/** System settings (migrations/0009_accounts.sql): one row per name, the value as text. */
export type SettingName = 'self_service_projects';

export const readSettings = async (db: D1Database) =>
  Object.fromEntries(
    (await db.prepare('SELECT name, value FROM settings').all<{ name: SettingName; value: string }>()).results.map(
      (r) => [r.name, r.value],
    ),
  ) as Partial<Record<SettingName, string>>;

export const readSetting = async (db: D1Database, name: SettingName) =>
  (await db.prepare('SELECT value FROM settings WHERE name = ?').bind(name).first<{ value: string }>())?.value ?? null;

export const writeSetting = (db: D1Database, name: SettingName, value: string) =>
  db
    .prepare('INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2')
    .bind(name, value)
    .run();
