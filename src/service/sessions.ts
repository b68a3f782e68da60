import { deleteUserSession, deleteUserSessionsExcept, listUserSessions } from '../db/sessions';
import type { UserRow } from '../db/users';
import type { Services } from './context';
import { notFound } from './errors';

/** A user's own live sessions, most recently seen first. */
export const listSessions = (s: Services, user: UserRow) => listUserSessions(s.db, user.id, s.now());

/** Ends one of the user's own sessions (another user's id is not found). */
export async function revokeSession(s: Services, user: UserRow, id: string): Promise<void> {
  if (!(await deleteUserSession(s.db, user.id, id))) throw notFound('Session');
}

/** Ends every session of the user but the current one; returns how many. */
export const revokeOtherSessions = (s: Services, user: UserRow, currentId: string) =>
  deleteUserSessionsExcept(s.db, user.id, currentId);
