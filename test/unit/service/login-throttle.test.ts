import { describe, expect, it } from 'vitest';
import { addressUnit, blockMs, RULES } from '../../../src/service/login-throttle';

describe('addressUnit', () => {
  it('keeps IPv4 addresses and counts IPv6 addresses by their /64', () => {
    expect(addressUnit('203.0.113.5')).toBe('203.0.113.5');
    expect(addressUnit('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressUnit('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressUnit('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressUnit('::1')).toBe('0:0:0:0::/64');
    expect(addressUnit('unknown')).toBe('unknown');
  });
});

describe('blockMs', () => {
  it('is free below the threshold, then doubles from one second up to the cap', () => {
    expect([4, 5, 6, 7].map((n) => blockMs(RULES.pair, n))).toEqual([0, 1000, 2000, 4000]);
    expect(blockMs(RULES.pair, 40)).toBe(15 * 60 * 1000);
    expect(blockMs(RULES.account, 49)).toBe(0);
    expect(blockMs(RULES.account, 1000)).toBe(5 * 60 * 1000);
  });
});
