import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../../src/service/password-policy';

describe('the password policy', () => {
  it('takes long, uncommon passwords, whatever their characters', () => {
    for (const ok of [
      'orange-kettle-river',
      'twelve-chars',
      'ros-admin-dev!', // the letters "rosadmindev" are not a listed word
      'root-password-1',
      'Ünïcödé pässwörd',
      '7391 0462 8815',
    ]) {
      expect([ok, passwordProblem(ok, 'someone@example.com')]).toEqual([ok, null]);
    }
  });

  it('refuses fewer than 12 characters and more than 1024', () => {
    expect(passwordProblem('eleven-char', null)).toBe('The password must be at least 12 characters');
    expect(passwordProblem('x-'.repeat(513), null)).toBe('The password must be at most 1024 characters');
  });

  it('refuses common passwords and common words dressed up, in any case', () => {
    for (const common of [
      '123456789012',
      'QWERTYUIOP12',
      'Password-2024!',
      'letmein!!!!!',
      'Welcome-2025!!',
      'aaaaaaaaaaaaaaaa',
      '345678901234',
      '987654321098',
      'correct horse battery staple',
    ]) {
      expect([common, passwordProblem(common, null)]).toEqual([
        common,
        'This password is too common: choose another (a few unrelated words make a good one)',
      ]);
    }
  });

  it('refuses the email address and its name part', () => {
    const email = 'Jane.Doe@example.com';
    for (const p of ['jane.doe@example.com', 'JANE.DOE@EXAMPLE.COM', 'Jane-Doe-1234']) {
      expect([p, passwordProblem(p, email)]).toEqual([p, 'The password must not be your email address']);
    }
    expect(passwordProblem('jane.doe@example.com', 'other@example.com')).toBeNull();
  });
});
