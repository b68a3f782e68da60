import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, unique, xmlAll, xmlText } from './s3-fixtures';

describe('S3 bucket operations', () => {
  it('CreateBucket → ListBuckets → HeadBucket → GetBucketLocation → DeleteBucket', async () => {
    const w = await s3World();
    const name = unique('bkt');
    const created = await w.s3.fetch(`/${name}`, { method: 'PUT' });
    expect(created.status).toBe(200);
    expect(created.headers.get('Location')).toBe(`/${name}`);
    expect(created.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);

    const list = await (await w.s3.fetch('/')).text();
    expect(list).toContain('<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect(xmlAll(list, 'Name')).toEqual([name]);
    expect(xmlText(list, 'CreationDate')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(xmlText(list, 'ID')).toBe(w.project);

    const head = await w.s3.fetch(`/${name}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-amz-bucket-region')).toBe('auto');

    const location = await (await w.s3.fetch(`/${name}?location`)).text();
    expect(location).toContain(
      '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">auto</LocationConstraint>',
    );

    expect((await w.s3.fetch(`/${name}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await w.s3.fetch(`/${name}`, { method: 'HEAD' });
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(''); // HEAD errors have no body
  });

  it('is the same bucket in the console', async () => {
    const w = await s3World();
    const name = await w.newBucket();
    const viaConsole = await w.admin.get(`/projects/${w.project}/buckets/thailand-1/${name}`);
    expect(viaConsole.status).toBe(200);
    const made = await w.admin.post(`/projects/${w.project}/buckets`, { site: 'thailand-1', name: unique('console') });
    const list = await (await w.s3.fetch('/')).text();
    expect(xmlAll(list, 'Name')).toContain(made.body.bucket.name);
  });

  it('accepts a CreateBucketConfiguration with any LocationConstraint, refuses malformed XML', async () => {
    const w = await s3World();
    const body =
      '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>';
    expect((await w.s3.fetch(`/${unique('cfg')}`, { method: 'PUT', body })).status).toBe(200);
    const bad = await w.s3.fetch(`/${unique('bad')}`, { method: 'PUT', body: '<CreateBucketConfiguration><oops>' });
    expect(bad.status).toBe(400);
    expect(xmlText(await bad.text(), 'Code')).toBe('MalformedXML');
  });

  it('answers InvalidBucketName, 200 for a bucket the project owns, and BucketAlreadyExists', async () => {
    const w = await s3World();
    const other = await s3World();
    const bad = await w.s3.fetch('/Bad_Name', { method: 'PUT' });
    expect(bad.status).toBe(400);
    const badXml = await bad.text();
    expect(xmlText(badXml, 'Code')).toBe('InvalidBucketName');
    expect(xmlText(badXml, 'BucketName')).toBe('Bad_Name');
    expect(xmlText(badXml, 'Resource')).toBe('/Bad_Name');
    expect(xmlText(badXml, 'RequestId')).toMatch(/^[0-9A-F]{16}$/);

    const name = await w.newBucket();
    // Created again by its own project: 200, as AWS us-east-1 answers (tools create buckets idempotently), and the
    // objects stay.
    await env.R2_THAILAND_1.put(`${name}/kept`, 'x');
    const mine = await w.s3.fetch(`/${name}`, { method: 'PUT' });
    expect([mine.status, mine.headers.get('Location'), await mine.text()]).toEqual([200, `/${name}`, '']);
    expect(await env.R2_THAILAND_1.head(`${name}/kept`)).not.toBeNull();
    const theirs = await other.s3.fetch(`/${name}`, { method: 'PUT' });
    expect([theirs.status, xmlText(await theirs.text(), 'Code')]).toEqual([409, 'BucketAlreadyExists']);
    // The same name is free at another site.
    const finland = await w.newKey('finland-1');
    expect((await finland.fetch(`/${name}`, { method: 'PUT' })).status).toBe(200);
  });

  it('creating an owned bucket again changes nothing, its ACL included (the issue; us-east-1 would reset it)', async () => {
    const w = await s3World();
    const name = await w.newBucket();
    const acl = async () =>
      (await env.DB.prepare('SELECT acl FROM buckets WHERE name = ?').bind(name).first('acl')) ?? 'private';
    expect((await w.s3.fetch(`/${name}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read' } })).status).toBe(
      200,
    );
    expect((await w.s3.fetch(`/${name}`, { method: 'PUT' })).status).toBe(200);
    expect(await acl()).toBe('public-read');
    expect((await w.s3.fetch(`/${name}`, { method: 'PUT', headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expect(await acl()).toBe('public-read');
  });

  it('refuses to delete a bucket that holds objects, and keeps it', async () => {
    const w = await s3World();
    const name = await w.newBucket();
    await env.R2_THAILAND_1.put(`${name}/x`, 'x');
    const res = await w.s3.fetch(`/${name}`, { method: 'DELETE' });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([409, 'BucketNotEmpty']);
    expect((await w.s3.fetch(`/${name}`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    const w = await s3World();
    for (const [method, path] of [
      ['GET', '/nope-nope'],
      ['DELETE', '/nope-nope'],
      ['PUT', '/nope-nope/key'],
      ['GET', '/nope-nope/key'],
    ]) {
      const res = await w.s3.fetch(path, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });
      const xml = await res.text();
      expect([res.status, xmlText(xml, 'Code')], `${method} ${path}`).toEqual([404, 'NoSuchBucket']);
      expect(xmlText(xml, 'BucketName')).toBe('nope-nope');
    }
  });
});
