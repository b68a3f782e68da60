import type { UserRow } from '../db/users';
import type { Services } from './context';
import { ServiceError } from './errors';
import { EMAIL, text, type Body } from './input';
import { loginFailed, loginSucceeded, loginWait } from './login-throttle';
import { checkCredentials } from './users';

/** The outcome of a sign-in: the user, or how long this client must wait before trying again. */
export type SignIn = { user: UserRow; email: string } | { retryAfterMs: number; email: string };

/**
 * Checks a sign-in under the throttling rules (src/service/login-throttle.ts): a blocked attempt is answered
 * before the password is even hashed; a wrong password is counted, then refused as invalid_credentials.
 * `address` is the client's (CF-Connecting-IP), null where none is known (local development).
 */
export async function signIn(s: Services, body: Body, address: string | null): Promise<SignIn> {
  const email = text(body, 'email', EMAIL).trim().toLowerCase();
  const attempt = { email, address: address ?? 'unknown' };
  const wait = await loginWait(s, attempt);
  if (wait > 0) return { retryAfterMs: wait, email };
  try {
    const user = await checkCredentials(s, body);
    await loginSucceeded(s, attempt);
    return { user, email };
  } catch (err) {
    if (err instanceof ServiceError && err.problem === 'invalid_credentials') await loginFailed(s, attempt);
    throw err;
  }
}
