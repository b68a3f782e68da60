// The password policy as people read it in the forms (the server's rule: src/service/password-policy.ts).

export const PASSWORD_MIN = 12;
export const PASSWORD_RULE =
  'At least 12 characters; not a common password (such as "password1234") and not the email address. A few unrelated words make a good one.';

/**
 * What the form can tell before asking the server (which also refuses common passwords), or '' when nothing.
 * @param {string} password @param {string} email
 */
export function passwordHint(password, email) {
  if (password.length < PASSWORD_MIN) return `The password must be at least ${PASSWORD_MIN} characters.`;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'The password must not be the email address.';
  }
  return '';
}
