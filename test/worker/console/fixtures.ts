import { bootstrapAdmin, memberOf, type ConsoleClient } from '../console-client';

let counter = 0;
/** Unique per call within a test file (storage is shared by a file's tests). */
export const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

export interface World {
  admin: ConsoleClient; // system admin, creator (project admin) of `project`
  project: string; // project id
  projectName: string;
  padmin: { client: ConsoleClient; userId: string }; // project admin (not system admin)
  member: { client: ConsoleClient; userId: string };
  outsider: { client: ConsoleClient; userId: string }; // signed in, not a member
  app: { id: string; name: string };
}

type Person = { client: ConsoleClient; userId: string };
let people: Promise<{ admin: ConsoleClient; padmin: Person; member: Person; outsider: Person }> | undefined;

/**
 * The same signed-in people serve every project of a test file: password hashing (PBKDF2, 100,000 rounds) is
 * deliberately slow, and a fresh project per test is what keeps tests apart.
 */
function cast() {
  people ??= (async () => {
    const admin = await bootstrapAdmin();
    const [padmin, member, outsider] = await Promise.all(
      ['padmin', 'member', 'outsider'].map((who) => memberOf(admin, null, 'member', `${unique(who)}@example.com`)),
    );
    return { admin, padmin, member, outsider };
  })();
  return people;
}

async function emailOf(person: Person) {
  return (await person.client.get('/me')).body.user.email as string;
}

/** A fresh project with a project admin, a member, an outsider (signed in, not a member) and an app. */
export async function world(): Promise<World> {
  const { admin, padmin, member, outsider } = await cast();
  const projectName = unique('proj');
  const created = await admin.post('/projects', { name: projectName });
  const project = created.body.project.id as string;
  for (const [person, role] of [
    [padmin, 'admin'],
    [member, 'member'],
  ] as const) {
    const res = await admin.post(`/projects/${project}/members`, { email: await emailOf(person), role });
    if (res.status !== 201) throw new Error(`add member: ${JSON.stringify(res.body)}`);
  }
  const app = (await padmin.client.post(`/projects/${project}/apps`, { name: unique('app') })).body.app;
  return { admin, project, projectName, padmin, member, outsider, app };
}

export async function ownKey(client: ConsoleClient, project: string, site = 'thailand-1') {
  const res = await client.post(`/projects/${project}/keys`, { site, name: unique('key') });
  if (res.status !== 201) throw new Error(`own key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { key: any; secretAccessKey: string };
}
