import { findProject, findRole, type ProjectRow, type Role } from '../db/projects';
import type { UserRow } from '../db/users';
import { forbidden, notFound } from './errors';

/**
 * Every console permission is decided here, from the actor's role in the project (docs/api.md, "Roles").
 * S3 requests are authorized by the access key instead (src/s3), against the same rows.
 */
export type ProjectAction =
  | 'project:read' // see the project, its members, apps and key listings
  | 'key:own' // create, change and delete one's own keys
  | 'bucket:use' // list, create and delete buckets (further limited to sites with an own key)
  | 'key:manage' // app keys, other members' keys
  | 'member:manage'
  | 'app:manage'
  | 'project:manage'; // project settings, such as forbidding public access

const ROLE_NEEDED: Record<ProjectAction, Role> = {
  'project:read': 'member',
  'key:own': 'member',
  'bucket:use': 'member',
  'key:manage': 'admin',
  'member:manage': 'admin',
  'app:manage': 'admin',
  'project:manage': 'admin',
};

export type SystemAction = 'user:manage' | 'settings:manage';

/** An authorized actor in one project. */
export interface ProjectScope {
  user: UserRow;
  project: ProjectRow;
  /** The effective role: system admins act as project admins. */
  role: Role;
  /** The actor's own membership role, null for a system admin who is not a member. */
  memberRole: Role | null;
}

export async function authorizeProject(
  db: D1Database,
  user: UserRow,
  projectRef: string,
  action: ProjectAction,
): Promise<ProjectScope> {
  const project = await findProject(db, projectRef);
  const memberRole = project ? await findRole(db, project.id, user.id) : null;
  // Non-members learn nothing about a project, not even that it exists.
  if (!project || (!memberRole && !user.is_admin)) throw notFound('Project');
  const scope: ProjectScope = { user, project, role: user.is_admin ? 'admin' : memberRole!, memberRole };
  permit(scope, action);
  return scope;
}

export function authorizeSystem(user: UserRow, _action: SystemAction): void {
  if (!user.is_admin) throw forbidden('Only system administrators may do this');
}

export const allowed = (scope: ProjectScope, action: ProjectAction) =>
  ROLE_NEEDED[action] === 'member' || scope.role === 'admin';

/** For decisions that depend on the target (e.g. whose key this is), after authorizeProject. */
export function permit(scope: ProjectScope, action: ProjectAction): void {
  if (!allowed(scope, action)) throw forbidden('Only project admins may do this');
}
