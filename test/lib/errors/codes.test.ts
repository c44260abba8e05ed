import { describe, expect, it } from 'vitest';

import { isExpiredChangeTokenCode, normaliseErrorCode } from '../../../src/lib/errors';

describe('normaliseErrorCode', () => {
  it.each([
    ['0x80072322', '0x80072322'],
    ['0X80072322', '0x80072322'],
    ['-2147015902', '0x80072322'],
    ['-2147015903', '0x80072321'],
    ['-2147015898', '0x80072326'],
    ['-2147204270', '0x80044352'],
    ['0x80044352', '0x80044352'],
    ['AADSTS700016', 'AADSTS700016'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseErrorCode(input)).toBe(expected);
  });
});

describe('isExpiredChangeTokenCode', () => {
  it.each(['0x80044352', '0X80044352', '-2147204270', '2147763026'])('recognises %s', (code) => {
    expect(isExpiredChangeTokenCode(code)).toBe(true);
  });

  it.each([undefined, '0x80072322', 'ExpiredVersionStamp', ''])('rejects %s', (code) => {
    expect(isExpiredChangeTokenCode(code)).toBe(false);
  });
});
