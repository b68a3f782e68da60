import { hashPassword, verifyPassword } from '../crypto/password';
import { newId } from '../crypto/random';
import { findUserByEmail, insertFirstUser, insertUser, listUsers as listUserRows, type UserRow } from '../db/users';
import type { Services } from './context';
import { ServiceError, conflict } from './errors';
import { DISPLAY_NAME, EMAIL, PASSWORD, optionalBoolean, optionalText, text, type Body } from './input';

async function newUserRow(s: Services, body: Body, isAdmin: boolean): Promise<UserRow> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const password = text(body, 'password', PASSWORD);
  const name = optionalText(body, 'name', DISPLAY_NAME) ?? '';
  return {
    id: newId('u'),
    email,
    name,
    password_hash: await hashPassword(password),
    is_admin: isAdmin ? 1 : 0,
    created_at: s.now(),
  };
}

export async function createUser(s: Services, body: Body): Promise<UserRow> {
  const row = await newUserRow(s, body, optionalBoolean(body, 'isAdmin'));
  if (!(await insertUser(s.db, row))) throw conflict(`A user with the email ${row.email} exists already`);
  return row;
}

/** The first system admin; refused once any user exists. */
export async function bootstrapAdmin(s: Services, body: Body): Promise<UserRow> {
  const row = await newUserRow(s, body, true);
  if (!(await insertFirstUser(s.db, row))) {
    throw new ServiceError('already_bootstrapped', 'The first administrator exists already');
  }
  return row;
}

export const listUsers = (s: Services) => listUserRows(s.db);

// Verifying against this when the email is unknown keeps the response time the same as for a wrong password.
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function checkCredentials(s: Services, body: Body): Promise<UserRow> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const password = text(body, 'password', { max: 1024 });
  const user = await findUserByEmail(s.db, email);
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok) throw new ServiceError('invalid_credentials', 'The email or password is wrong');
  return user;
}
