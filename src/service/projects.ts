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
import { text, type Body } from './input';

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
  };
  if (!(await insertProjectWithAdmin(s.db, project, user.id))) {
    throw conflict(`A project named "${project.name}" exists already`);
  }
  return project;
}
