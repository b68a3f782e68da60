import { newId } from '../crypto/random';
import {
  insertProjectWithAdmin,
  listAllProjects,
  listProjectsOfUser,
  type ProjectRow,
  type Role,
} from '../db/projects';
import type { UserRow } from '../db/users';
import type { Services } from './context';
import { conflict } from './errors';
import { optionalBoolean, text, type Body } from './input';
import type { ProjectScope } from './policy';
import { changeProjectPublicAccess } from './public-access';

export const PROJECT_NAME = {
  max: 64,
  pattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
  allowed: 'letters, digits, spaces, ".", "_" and "-", starting with a letter or digit',
};

export async function listProjects(s: Services, user: UserRow): Promise<(ProjectRow & { role: Role | null })[]> {
  return user.is_admin ? listAllProjects(s.db, user.id) : listProjectsOfUser(s.db, user.id);
}

/** Any signed-in user may create a project; they become its first admin. */
export async function createProject(s: Services, user: UserRow, body: Body): Promise<ProjectRow> {
  const project: ProjectRow = {
    id: newId('p'),
    name: text(body, 'name', PROJECT_NAME).trim(),
    created_by: user.id,
    created_at: s.now(),
    block_public_access: 0,
  };
  if (!(await insertProjectWithAdmin(s.db, project, user.id))) {
    throw conflict(`A project named "${project.name}" exists already`);
  }
  return project;
}

/** The admins' switch against public access: `{"blockPublicAccess": true | false}`. */
export async function setPublicAccess(s: Services, scope: ProjectScope, body: Body): Promise<ProjectRow> {
  const block = optionalBoolean(body, 'blockPublicAccess');
  await changeProjectPublicAccess(s, scope.project.id, block);
  return { ...scope.project, block_public_access: block ? 1 : 0 };
}
