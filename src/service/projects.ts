import { newId } from '../crypto/random';
import {
  deleteProjectWithoutBuckets,
  insertProjectWithAdmin,
  listAllProjects,
  listProjectsOfUser,
  renameProjectRow,
  type ProjectRow,
  type Role,
} from '../db/projects';
import type { UserRow } from '../db/users';
import type { Services } from './context';
import { ServiceError, conflict, forbidden } from './errors';
import { optionalBoolean, text, type Body } from './input';
import type { ProjectScope } from './policy';
import { changeProjectPublicAccess } from './public-access';
import { selfServiceProjects } from './settings';

export const PROJECT_NAME = {
  max: 64,
  pattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
  allowed: 'letters, digits, spaces, ".", "_" and "-", starting with a letter or digit',
};

export async function listProjects(s: Services, user: UserRow): Promise<(ProjectRow & { role: Role | null })[]> {
  return user.is_admin ? listAllProjects(s.db, user.id) : listProjectsOfUser(s.db, user.id);
}

/**
 * A signed-in user creates a project and becomes its first admin — any user while self-service project creation
 * is on (the system setting), only system admins while it is off.
 */
export async function createProject(s: Services, user: UserRow, body: Body): Promise<ProjectRow> {
  if (!user.is_admin && !(await selfServiceProjects(s))) {
    throw forbidden('Only system administrators create projects on this server: ask one to create it for you');
  }
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

/** `{"name"}`: the same rules as a new project's name; refused when another project has it. */
export async function renameProject(s: Services, scope: ProjectScope, body: Body): Promise<ProjectRow> {
  const name = text(body, 'name', PROJECT_NAME).trim();
  if (!(await renameProjectRow(s.db, scope.project.id, name))) {
    throw conflict(`A project named "${name}" exists already`);
  }
  return { ...scope.project, name };
}

/** Deletes a project with its keys, apps and memberships; refused while it holds buckets (they are its data). */
export async function deleteProject(s: Services, scope: ProjectScope): Promise<void> {
  if (!(await deleteProjectWithoutBuckets(s.db, scope.project.id))) {
    throw new ServiceError(
      'project_has_buckets',
      `The project "${scope.project.name}" still holds buckets: delete them first (at every site), then the project`,
    );
  }
}
