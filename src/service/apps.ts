import { newId } from '../crypto/random';
import { deleteApp as deleteAppRow, findApp, insertApp, listApps as listAppRows, type AppRow } from '../db/apps';
import type { Services } from './context';
import { conflict, notFound } from './errors';
import { text, type Body } from './input';
import type { ProjectScope } from './policy';

export const APP_NAME = {
  max: 64,
  pattern: /^[a-z0-9][a-z0-9-]*$/,
  allowed: 'lower-case letters, digits and "-", starting with a letter or digit',
};

export const listApps = (s: Services, scope: ProjectScope) => listAppRows(s.db, scope.project.id);

export async function createApp(s: Services, scope: ProjectScope, body: Body): Promise<AppRow> {
  const app: AppRow = {
    id: newId('a'),
    project_id: scope.project.id,
    name: text(body, 'name', APP_NAME),
    created_at: s.now(),
    created_by: scope.user.id,
  };
  if (!(await insertApp(s.db, app))) throw conflict(`An app named "${app.name}" exists already in this project`);
  return app;
}

export async function requireApp(s: Services, scope: ProjectScope, ref: string): Promise<AppRow> {
  const app = await findApp(s.db, scope.project.id, ref);
  if (!app) throw notFound(`App "${ref}"`);
  return app;
}

/** Deletes an app and, with it, every key it owns. */
export async function deleteApp(s: Services, scope: ProjectScope, ref: string): Promise<void> {
  const app = await requireApp(s, scope, ref);
  await deleteAppRow(s.db, scope.project.id, app.id);
}
