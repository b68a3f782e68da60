import { describe, expect, it } from 'vitest';
import type { ConsoleClient } from '../console-client';
import { ownKey, unique, world, type World } from './fixtures';

/**
 * Every console permission, for every kind of actor. Each cell starts from a fresh project (see world()) and
 * asserts the exact status: 404 for outsiders (they learn nothing), 403 for a role that falls short.
 */
type Actor = 'outsider' | 'member' | 'padmin' | 'sysadmin' | 'otherProjectAdmin';
const actors: Actor[] = ['outsider', 'member', 'padmin', 'sysadmin', 'otherProjectAdmin'];

async function clientFor(actor: Actor, w: World): Promise<ConsoleClient> {
  switch (actor) {
    case 'outsider':
      return w.outsider.client;
    case 'member':
      return w.member.client;
    case 'padmin':
      return w.padmin.client;
    case 'sysadmin':
      return w.admin;
    case 'otherProjectAdmin': {
      // An admin of another project (created by them), but not a member of this one.
      await w.outsider.client.post('/projects', { name: unique('elsewhere') });
      return w.outsider.client;
    }
  }
}

interface Cell {
  action: string;
  run: (c: ConsoleClient, w: World) => Promise<{ status: number }>;
  expect: Record<Actor, number>;
}

const p = (w: World) => `/projects/${w.project}`;
const NO = { outsider: 404, otherProjectAdmin: 404 };

const matrix: Cell[] = [
  {
    action: 'read the project',
    run: (c, w) => c.get(p(w)),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'list members',
    run: (c, w) => c.get(`${p(w)}/members`),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'add a member',
    run: async (c, w) => {
      const email = `${unique('new')}@example.com`;
      await w.admin.post('/users', { email, password: 'a-password-for-tests' });
      return c.post(`${p(w)}/members`, { email, role: 'member' });
    },
    expect: { ...NO, member: 403, padmin: 201, sysadmin: 201 },
  },
  {
    action: "change a member's role",
    run: (c, w) => c.patch(`${p(w)}/members/${w.member.userId}`, { role: 'admin' }),
    expect: { ...NO, member: 403, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'remove a member',
    run: (c, w) => c.delete(`${p(w)}/members/${w.member.userId}`),
    expect: { ...NO, member: 403, padmin: 204, sysadmin: 204 },
  },
  {
    action: 'list apps',
    run: (c, w) => c.get(`${p(w)}/apps`),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'create an app',
    run: (c, w) => c.post(`${p(w)}/apps`, { name: unique('app') }),
    expect: { ...NO, member: 403, padmin: 201, sysadmin: 201 },
  },
  {
    action: 'delete an app',
    run: (c, w) => c.delete(`${p(w)}/apps/${w.app.id}`),
    expect: { ...NO, member: 403, padmin: 204, sysadmin: 204 },
  },
  {
    action: 'list keys',
    run: (c, w) => c.get(`${p(w)}/keys`),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'add an own key',
    run: (c, w) => c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'own' }),
    // The system admin created the project, so is a member (admin) of it.
    expect: { ...NO, member: 201, padmin: 201, sysadmin: 201 },
  },
  {
    action: 'add an app key',
    run: (c, w) => c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'bot', app: w.app.id }),
    expect: { ...NO, member: 403, padmin: 201, sysadmin: 201 },
  },
  {
    action: "delete another member's key",
    run: async (c, w) => c.delete(`${p(w)}/keys/${(await ownKey(w.padmin.client, w.project)).key.accessKeyId}`),
    // For the member it is another's key (403); for padmin it is their own (204).
    expect: { ...NO, member: 403, padmin: 204, sysadmin: 204 },
  },
  {
    action: "deactivate the member's key",
    run: async (c, w) =>
      c.patch(`${p(w)}/keys/${(await ownKey(w.member.client, w.project)).key.accessKeyId}`, { status: 'inactive' }),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'delete an app key',
    run: async (c, w) => {
      const key = await w.padmin.client.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'bot', app: w.app.id });
      return c.delete(`${p(w)}/keys/${key.body.key.accessKeyId}`);
    },
    expect: { ...NO, member: 403, padmin: 204, sysadmin: 204 },
  },
  {
    action: 'list buckets',
    run: (c, w) => c.get(`${p(w)}/buckets`),
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'add a bucket (holding a key)',
    run: async (c, w) => {
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      return c.post(`${p(w)}/buckets`, { site: 'thailand-1', name: unique('b') });
    },
    expect: { ...NO, member: 201, padmin: 201, sysadmin: 201 },
  },
  {
    action: 'see and delete a bucket at a site where one holds a key',
    run: async (c, w) => {
      const name = unique('b');
      await ownKey(w.padmin.client, w.project);
      await w.padmin.client.post(`${p(w)}/buckets`, { site: 'thailand-1', name });
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      return c.delete(`${p(w)}/buckets/thailand-1/${name}`);
    },
    expect: { ...NO, member: 204, padmin: 204, sysadmin: 204 },
  },
  {
    action: "set a bucket's CORS rules at a site where one holds a key",
    run: async (c, w) => {
      const name = unique('b');
      await ownKey(w.padmin.client, w.project);
      await w.padmin.client.post(`${p(w)}/buckets`, { site: 'thailand-1', name });
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      const rules = [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }];
      return c.call('PUT', `${p(w)}/buckets/thailand-1/${name}/cors`, { rules });
    },
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'make a bucket public and block public access (holding a key)',
    run: async (c, w) => {
      const name = unique('b');
      await ownKey(w.padmin.client, w.project);
      await w.padmin.client.post(`${p(w)}/buckets`, { site: 'thailand-1', name });
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      const acl = await c.put(`${p(w)}/buckets/thailand-1/${name}/acl`, { acl: 'public-read' });
      const block = await c.put(`${p(w)}/buckets/thailand-1/${name}/public-access-block`, { blockPublicAcls: true });
      return { status: acl.status === block.status ? acl.status : -1 };
    },
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'tag a bucket and one of its objects (holding a key)',
    run: async (c, w) => {
      const name = unique('b');
      await ownKey(w.padmin.client, w.project);
      await w.padmin.client.post(`${p(w)}/buckets`, { site: 'thailand-1', name });
      const base = `${p(w)}/buckets/thailand-1/${name}`;
      await w.padmin.client.call('PUT', `${base}/object?key=k`, 'x', { 'Content-Type': 'text/plain' });
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      const tags = [{ key: 'team', value: 'ops' }];
      const bucket = await c.put(`${base}/tags`, { tags });
      const object = await c.put(`${base}/object/tags?key=k`, { tags });
      return { status: bucket.status === object.status ? bucket.status : -1 };
    },
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'forbid public access for the whole project',
    run: (c, w) => c.put(`${p(w)}/public-access`, { blockPublicAccess: true }),
    expect: { ...NO, member: 403, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'rename the project',
    run: (c, w) => c.patch(p(w), { name: unique('renamed') }),
    expect: { ...NO, member: 403, padmin: 200, sysadmin: 200 },
  },
  {
    action: 'delete the project (no buckets)',
    run: (c, w) => c.delete(p(w)),
    expect: { ...NO, member: 403, padmin: 204, sysadmin: 204 },
  },
  {
    action: 'share an object and make it public (holding a key)',
    run: async (c, w) => {
      const name = unique('b');
      await ownKey(w.padmin.client, w.project);
      await w.padmin.client.post(`${p(w)}/buckets`, { site: 'thailand-1', name });
      const base = `${p(w)}/buckets/thailand-1/${name}`;
      await w.padmin.client.call('PUT', `${base}/object?key=k`, 'x', { 'Content-Type': 'text/plain' });
      await c.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' });
      const share = await c.post(`${base}/object/share?key=k`, { expiresIn: 60 });
      const acl = await c.put(`${base}/object/acl?key=k`, { acl: 'public-read' });
      return { status: share.status === 201 && acl.status === 200 ? 200 : Math.max(share.status, acl.status) };
    },
    expect: { ...NO, member: 200, padmin: 200, sysadmin: 200 },
  },
];

describe('authorization matrix', () => {
  for (const cell of matrix) {
    describe(cell.action, () => {
      for (const actor of actors) {
        it(`${actor} → ${cell.expect[actor]}`, async () => {
          const w = await world();
          const res = await cell.run(await clientFor(actor, w), w);
          expect(res.status).toBe(cell.expect[actor]);
        });
      }
    });
  }

  it('a removed member loses every access at once', async () => {
    const w = await world();
    await ownKey(w.member.client, w.project);
    await w.padmin.client.delete(`${p(w)}/members/${w.member.userId}`);
    for (const path of ['', '/members', '/apps', '/keys', '/buckets']) {
      expect((await w.member.client.get(`${p(w)}${path}`)).status, path).toBe(404);
    }
    expect((await w.member.client.post(`${p(w)}/keys`, { site: 'thailand-1', name: 'k' })).status).toBe(404);
  });

  it("another project's admin cannot touch this project's keys even by id", async () => {
    const w = await world();
    const other = await world();
    const { key } = await ownKey(w.member.client, w.project);
    expect((await other.padmin.client.delete(`/projects/${other.project}/keys/${key.accessKeyId}`)).status).toBe(404);
    expect((await w.member.client.get(`${p(w)}/keys`)).body.myKeys).toHaveLength(1);
  });
});
