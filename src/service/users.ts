import { hashPassword, verifyPassword } from '../crypto/password';
import { newId } from '../crypto/random';
import {
  deleteUserKeepingAnAdmin,
  disableUserKeepingAnAdmin,
  enableUser as enableUserRow,
  findUserByEmail,
  findUserByRef,
  insertFirstUser,
  insertUser,
  listUsers as listUserRows,
  setPasswordEndingSessions,
  type UserRow,
} from '../db/users';
import type { Services } from './context';
import { ServiceError, conflict, notFound } from './errors';
import { DISPLAY_NAME, EMAIL, optionalBoolean, optionalText, text, type Body } from './input';
import { checkPassword, PASSWORD_MAX } from './password-policy';

/** A password field as sent: present and a string; the policy (./password-policy.ts) is applied after. */
const PASSWORD_FIELD = { max: PASSWORD_MAX, min: 1 };

async function newUserRow(s: Services, body: Body, isAdmin: boolean): Promise<UserRow> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const password = text(body, 'password', PASSWORD_FIELD);
  checkPassword(password, email);
  const name = optionalText(body, 'name', DISPLAY_NAME) ?? '';
  return {
    id: newId('u'),
    email,
    name,
    password_hash: await hashPassword(password),
    is_admin: isAdmin ? 1 : 0,
    created_at: s.now(),
    disabled_at: null,
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

/**
 * The user an email and password sign in as. A disabled account is refused with its own clear message, but only
 * after the password matched: a stranger does not learn which accounts are disabled.
 */
export async function checkCredentials(s: Services, body: Body): Promise<UserRow> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const password = text(body, 'password', { max: 1024 });
  const user = await findUserByEmail(s.db, email);
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok) throw new ServiceError('invalid_credentials', 'The email or password is wrong');
  if (user.disabled_at !== null) {
    throw new ServiceError('account_disabled', 'This account is disabled: ask a system administrator to enable it');
  }
  return user;
}

/** A user named by id or email, for the admin's user routes. */
export async function requireUser(s: Services, ref: string): Promise<UserRow> {
  const user = await findUserByRef(s.db, ref.trim());
  if (!user) throw notFound(`User ${ref}`);
  return user;
}

const lastAdmin = () =>
  new ServiceError('last_admin', 'This is the last enabled system administrator: make another user one first');

/**
 * `{"disabled": true | false}`. Disabling ends the user's sessions at once; their keys, and the keys of the apps
 * they created, answer AccessDenied once the S3 key cache (a few seconds) has expired. Enabling restores both
 * (the sessions stay ended). An admin cannot disable themselves, nor the last enabled system admin.
 */
export async function setUserDisabled(s: Services, actor: UserRow, ref: string, body: Body): Promise<UserRow> {
  const value = body.disabled;
  if (typeof value !== 'boolean') throw new ServiceError('invalid_input', '"disabled" must be true or false');
  const user = await requireUser(s, ref);
  if (value) {
    if (user.id === actor.id) throw new ServiceError('forbidden', 'You cannot disable your own account');
    if (!(await disableUserKeepingAnAdmin(s.db, user.id, s.now()))) throw lastAdmin();
  } else {
    await enableUserRow(s.db, user.id);
  }
  return (await findUserByRef(s.db, user.id))!;
}

/** Deletes a user: sessions, own keys and memberships go; buckets stay with their projects. */
export async function deleteUser(s: Services, actor: UserRow, ref: string): Promise<void> {
  const user = await requireUser(s, ref);
  if (user.id === actor.id) throw new ServiceError('forbidden', 'You cannot delete your own account');
  if (!(await deleteUserKeepingAnAdmin(s.db, user.id))) throw lastAdmin();
}

/** An admin sets a user's password (`{"password"}`); every session of theirs ends. */
export async function resetPassword(s: Services, ref: string, body: Body): Promise<UserRow> {
  const user = await requireUser(s, ref);
  const password = text(body, 'password', PASSWORD_FIELD);
  checkPassword(password, user.email);
  await setPasswordEndingSessions(s.db, user.id, await hashPassword(password), null);
  return user;
}

/**
 * A user changes their own password (`{"currentPassword", "newPassword"}`); their other sessions end, the one
 * making the change stays. Returns how many sessions ended.
 */
export async function changeOwnPassword(s: Services, user: UserRow, sessionId: string, body: Body): Promise<number> {
  const current = text(body, 'currentPassword', PASSWORD_FIELD);
  const next = text(body, 'newPassword', PASSWORD_FIELD);
  if (!(await verifyPassword(current, user.password_hash))) {
    throw new ServiceError('wrong_password', 'The current password is wrong');
  }
  checkPassword(next, user.email);
  if (next === current) throw new ServiceError('invalid_input', 'The new password must differ from the current one');
  return setPasswordEndingSessions(s.db, user.id, await hashPassword(next), sessionId);
}
