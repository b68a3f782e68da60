export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: number;
  created_at: number;
}

export const countUsers = async (db: D1Database) =>
  (await db.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>())!.n;

export const findUserByEmail = (db: D1Database, email: string) =>
  db.prepare('SELECT * FROM users WHERE email = ?').bind(email).first<UserRow>();

export const findUserById = (db: D1Database, id: string) =>
  db.prepare('SELECT * FROM users WHERE id = ?').bind(id).first<UserRow>();

export const listUsers = async (db: D1Database) =>
  (await db.prepare('SELECT * FROM users ORDER BY email').all<UserRow>()).results;

/** Inserts unless the email exists; returns whether a row was written. */
export const insertUser = async (db: D1Database, u: UserRow) =>
  (
    await db
      .prepare(
        `INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (email) DO NOTHING`,
      )
      .bind(u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at)
      .run()
  ).meta.changes === 1;

/** Inserts the first user only while the table is empty (one statement: two racing bootstraps make one user). */
export const insertFirstUser = async (db: D1Database, u: UserRow) =>
  (
    await db
      .prepare(
        `INSERT INTO users (id, email, name, password_hash, is_admin, created_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
      )
      .bind(u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at)
      .run()
  ).meta.changes === 1;
