import {
  deleteMemberKeepingAnAdmin,
  findMember,
  insertMember,
  listMembers as listMemberRows,
  updateRoleKeepingAnAdmin,
  type MemberRow,
} from '../db/projects';
import { findUserByEmail } from '../db/users';
import type { Services } from './context';
import { ServiceError, conflict, notFound } from './errors';
import { EMAIL, oneOf, text, type Body } from './input';
import type { ProjectScope } from './policy';

const ROLES = ['admin', 'member'] as const;
const lastAdmin = () => new ServiceError('last_admin', 'A project must keep at least one admin');

export const listMembers = (s: Services, scope: ProjectScope) => listMemberRows(s.db, scope.project.id);

/** Adds an existing user (admins create users: POST /api/users). */
export async function addMember(s: Services, scope: ProjectScope, body: Body): Promise<MemberRow> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const role = oneOf(body, 'role', ROLES);
  const user = await findUserByEmail(s.db, email);
  if (!user) throw notFound(`User ${email}`);
  if (!(await insertMember(s.db, scope.project.id, user.id, role, s.now()))) {
    throw conflict(`${email} is a member already`);
  }
  return (await findMember(s.db, scope.project.id, user.id))!;
}

export async function changeRole(s: Services, scope: ProjectScope, userId: string, body: Body): Promise<MemberRow> {
  const role = oneOf(body, 'role', ROLES);
  if (!(await findMember(s.db, scope.project.id, userId))) throw notFound('Member');
  if (!(await updateRoleKeepingAnAdmin(s.db, scope.project.id, userId, role))) throw lastAdmin();
  return (await findMember(s.db, scope.project.id, userId))!;
}

/** Removes a member; their keys in the project go with them. */
export async function removeMember(s: Services, scope: ProjectScope, userId: string): Promise<void> {
  if (!(await findMember(s.db, scope.project.id, userId))) throw notFound('Member');
  if (!(await deleteMemberKeepingAnAdmin(s.db, scope.project.id, userId))) throw lastAdmin();
}
