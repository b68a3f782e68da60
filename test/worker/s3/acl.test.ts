import { describe, expect, it } from 'vitest';
import { s3World, xmlAll, xmlText } from './s3-fixtures';

// The read-only answers tools ask for before they act: ACLs (the project owns everything, FULL_CONTROL) and
// versioning (never enabled). Setting either stays 501 (see auth.test.ts).
describe('GetBucketAcl, GetObjectAcl, GetBucketVersioning', () => {
  it('answer as a bucket-owner-enforced S3 bucket does', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x' });
    for (const path of [`/${b}?acl`, `/${b}/k?acl`]) {
      const res = await w.s3.fetch(path);
      const xml = await res.text();
      expect(res.status, xml).toBe(200);
      expect(xml).toContain('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner>');
      expect(xml).toContain('<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">');
      expect(xml).toContain('</Grantee>');
      expect(xmlAll(xml, 'ID')).toEqual([w.project, w.project]);
      expect(xmlText(xml, 'Permission')).toBe('FULL_CONTROL');
    }
    const missing = await w.s3.fetch(`/${b}/nope?acl`);
    expect([missing.status, xmlText(await missing.text(), 'Code')]).toEqual([404, 'NoSuchKey']);

    const versioning = await w.s3.fetch(`/${b}?versioning`);
    expect([versioning.status, await versioning.text()]).toEqual([
      200,
      '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>',
    ]);
  });

  it('are authorized like every bucket operation', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    for (const path of [`/${b}?acl`, `/${b}?versioning`]) {
      const res = await other.s3.fetch(path);
      expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([403, 'AccessDenied']);
    }
  });
});
