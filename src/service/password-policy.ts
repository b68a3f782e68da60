import { invalidInput } from './errors';

/**
 * The password policy (docs/api.md, "Password policy"), applied wherever a password is chosen: user creation, the
 * first admin, an admin's reset and a user's own change.
 *
 * - At least 12 characters. Length is what makes a password hard to guess; NIST SP 800-63B asks for 8 at the
 *   least and for no composition rules (which push people to "Password1!"), and 12 is what current guidance
 *   (OWASP, NCSC's "three random words") puts within everyone's reach. At most 1024, so hashing stays cheap.
 * - Not a common password: not in the short list below, compared without case; and not one of the common words
 *   dressed up with digits and symbols ("Password-2024!", "qwerty123456"): the letters alone must not be one.
 * - Not the user's email address, nor its name part.
 * The words explaining it to people are in PASSWORD_RULE: the console's forms and the CLI's help show them.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
export const PASSWORD_RULE =
  'At least 12 characters; not a common password (such as "password1234") and not your email address. A few unrelated words make a good one.';

/** Whole passwords from the lists of the most used ones, those long enough to pass the length rule. */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '123456123456',
  '111111111111',
  '000000000000',
  '123123123123',
  '121212121212',
  '098765432109',
  '987654321098',
  '147258369147',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  '1q2w3e4r5t6y7u',
  'q1w2e3r4t5y6',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiopasdf',
  'asdfghjkl123',
  'zxcvbnm12345',
  'qazwsxedcrfv',
  'abcdefghijkl',
  'abcdefgh1234',
  'abcd12345678',
  'abc123abc123',
  'a1b2c3d4e5f6',
  'aaaaaaaaaaaa',
  'correcthorsebatterystaple',
  'correct horse battery staple',
]);

/** Words whose decorations ("Password-2024!", "Qwerty123456", "letmein!!!!!") do not make a password. */
const COMMON_WORDS = new Set([
  'password',
  'passwort',
  'passw',
  'pass',
  'passwd',
  'qwerty',
  'qwertz',
  'azerty',
  'qwertyuiop',
  'asdfgh',
  'asdfghjkl',
  'zxcvbnm',
  'abc',
  'abcdef',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'login',
  'iloveyou',
  'monkey',
  'dragon',
  'master',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'batman',
  'trustno',
  'starwars',
  'secret',
  'changeme',
  'default',
  'test',
  'guest',
  'user',
  'ros',
  'rosadmin',
  'ridge',
  'storage',
  'qazwsx',
  'shadow',
  'michael',
  'freedom',
  'whatever',
  'hello',
  'helloworld',
  'computer',
  'internet',
  'summer',
  'winter',
  'spring',
  'autumn',
]);

/** Why a password is refused, or null when it passes. Pure, for the service and its unit test. */
export function passwordProblem(password: string, email: string | null): string | null {
  if (password.length < PASSWORD_MIN) return `The password must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `The password must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  const letters = lower.replace(/[^a-z]/g, '');
  if (COMMON.has(lower) || COMMON_WORDS.has(letters) || /^(.)\1*$/.test(lower) || (letters === '' && isRun(lower))) {
    return 'This password is too common: choose another (a few unrelated words make a good one)';
  }
  if (email) {
    const address = email.trim().toLowerCase();
    const local = address.split('@')[0];
    const localLetters = local.replace(/[^a-z]/g, '');
    if (lower === address || lower === local || (localLetters.length >= 3 && letters === localLetters)) {
      return 'The password must not be your email address';
    }
  }
  return null;
}

/** Digits counting up or down ("234567890123"): a walk along the keyboard's number row. */
function isRun(s: string): boolean {
  const digits = [...s].filter((c) => c >= '0' && c <= '9').map(Number);
  if (digits.length < s.length) return false;
  const step = (digits[1] - digits[0] + 10) % 10;
  return (step === 1 || step === 9) && digits.every((d, i) => i === 0 || (d - digits[i - 1] + 10) % 10 === step);
}

/** Throws invalid_input with the reason when a password breaks the policy. */
export function checkPassword(password: string, email: string | null): void {
  const problem = passwordProblem(password, email);
  if (problem) throw invalidInput(problem);
}
