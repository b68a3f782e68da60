import { openSecret, sealSecret } from '../crypto/master-key';
import { newAccessKeyId, newSecretAccessKey } from '../crypto/random';
import {
  deleteKey as deleteKeyRow,
  findKeyInProject,
  insertKey,
  listAppKeys,
  listOtherUsersKeys,
  listUserKeys,
  setKeyStatus as setKeyStatusRow,
  type KeyListRow,
  type KeyRow,
} from '../db/keys';
import { requireApp } from './apps';
import { requireSite, type Services } from './context';
import { forbidden, invalidInput, notFound } from './errors';
import { LIMIT_FIELDS, limitsToCreate } from './key-limits';
import { DISPLAY_NAME, oneOf, optionalText, text, type Body } from './input';
import { allowed, permit, type ProjectScope } from './policy';

export const KEY_NAME = { ...DISPLAY_NAME, max: 128 };

/** My Keys and App Keys for everyone; project admins also see the other members' keys, to revoke them. */
export async function listKeys(s: Services, scope: ProjectScope) {
  const [myKeys, appKeys, memberKeys] = await Promise.all([
    listUserKeys(s.db, scope.project.id, scope.user.id),
    listAppKeys(s.db, scope.project.id),
    allowed(scope, 'key:manage') ? listOtherUsersKeys(s.db, scope.project.id, scope.user.id) : null,
  ]);
  return { myKeys, appKeys, memberKeys };
}

/**
 * Creates an own key, or with `app` an app's key (admins), with the limits its body asks for (./key-limits.ts).
 * The secret is returned this once: only its ciphertext is stored.
 */
export async function createKey(s: Services, scope: ProjectScope, body: Body) {
  const site = requireSite(s, text(body, 'site', { max: 64 }));
  const name = text(body, 'name', KEY_NAME).trim();
  const appRef = optionalText(body, 'app', { max: 64 });
  let owner: Pick<KeyRow, 'owner_user_id' | 'owner_app_id'>;
  if (appRef) {
    permit(scope, 'key:manage');
    owner = { owner_user_id: null, owner_app_id: (await requireApp(s, scope, appRef)).id };
  } else {
    if (!scope.memberRole) throw forbidden('Only members of the project hold keys in it');
    owner = { owner_user_id: scope.user.id, owner_app_id: null };
  }
  const now = s.now();
  const limits = await limitsToCreate(s.db, site.id, scope.project.id, body, now);
  const id = newAccessKeyId();
  const secret = newSecretAccessKey();
  await insertKey(s.db, {
    id,
    project_id: scope.project.id,
    site_id: site.id,
    ...owner,
    name,
    secret_ciphertext: await sealSecret(s.masterKey, id, secret),
    status: 'active',
    created_at: now,
    last_used_at: null,
    ...limits,
  });
  return { key: (await findKeyInProject(s.db, scope.project.id, id))!, secretAccessKey: secret };
}

/** One's own keys are one's own to manage; app keys and other members' keys are the admins'. */
async function requireManageableKey(s: Services, scope: ProjectScope, id: string): Promise<KeyListRow> {
  const key = await findKeyInProject(s.db, scope.project.id, id);
  if (!key) throw notFound('Access key');
  permit(scope, key.owner_user_id === scope.user.id ? 'key:own' : 'key:manage');
  return key;
}

/** Disables or enables a key. Only its status changes: a key's limits are fixed at creation. */
export async function setKeyStatus(s: Services, scope: ProjectScope, id: string, body: Body) {
  await requireManageableKey(s, scope, id);
  const limit = LIMIT_FIELDS.find((field) => body[field] !== undefined);
  if (limit) {
    throw invalidInput(`"${limit}" cannot be changed: a key's limits are set when it is created; create a new key`);
  }
  await setKeyStatusRow(s.db, scope.project.id, id, oneOf(body, 'status', ['active', 'inactive'] as const));
  return (await findKeyInProject(s.db, scope.project.id, id))!;
}

export async function deleteKey(s: Services, scope: ProjectScope, id: string): Promise<void> {
  await requireManageableKey(s, scope, id);
  await deleteKeyRow(s.db, scope.project.id, id);
}

/** The plaintext secret of a stored key, for verifying S3 signatures. */
export const keySecret = (s: Services, key: Pick<KeyRow, 'id' | 'secret_ciphertext'>) =>
  openSecret(s.masterKey, key.id, key.secret_ciphertext);
