// An object's tags as the console reads and sets them (its current version; the bucket opened by ./objects.ts).
import type { Services } from './context';
import type { Body } from './input';
import { getObject, type OpenBucket } from './objects';
import { objectTags, setObjectTags, tagsFromBody, type Tag } from './tagging';

/** The console: one object's tags (its current version). */
export async function getObjectTagsOf(s: Services, ob: OpenBucket, key: string): Promise<Tag[]> {
  return objectTags(s, ob.site, await getObject(ob, key, false));
}

/** The console: replaces one object's tags (an empty list removes them). */
export async function setObjectTagsOf(s: Services, ob: OpenBucket, key: string, body: Body): Promise<Tag[]> {
  const tags = tagsFromBody(body, 'object');
  const object = await getObject(ob, key, false);
  await setObjectTags(s, ob.site, ob.bucket.name, object, tags);
  return tags;
}
