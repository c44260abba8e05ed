import { describe, expect, it } from 'vitest';

import {
  baseAccountId,
  generateBaseAccount,
  positionOfBaseId,
} from '../../src/dataverse/accountGenerator';
import { AccountStore } from '../../src/dataverse/accountStore';

describe('seeded account generator', () => {
  it('derives the same row from (seed, position) and finds the position from the id', () => {
    for (const position of [0, 1, 999_999, 123_456]) {
      const id = baseAccountId(42, position);
      expect(generateBaseAccount(42, position)).toEqual(generateBaseAccount(42, position));
      expect(positionOfBaseId(42, 1_000_000, id)).toBe(position);
      expect(positionOfBaseId(43, 1_000_000, id)).toBeUndefined();
    }
    expect(generateBaseAccount(42, 9).versionnumber).toBe(10);
    expect(baseAccountId(42, 1)).not.toBe(baseAccountId(42, 2));
  });
});

describe('AccountStore', () => {
  it('holds a million seeded rows without materialising them', () => {
    const store = new AccountStore(() => Date.UTC(2025, 0, 1));
    store.seed(1_000_000, 7);
    expect(store.liveCount).toBe(1_000_000);
    const id = baseAccountId(7, 765_432);
    expect(store.positionOfId(id)).toBe(765_432);
    expect(store.positionOfAccountNumber('AC0765433')).toBe(765_432);
  });

  it('rolls a failed transaction back completely', () => {
    const store = new AccountStore(() => Date.UTC(2025, 0, 1));
    store.seed(3, 1);
    const version = store.currentVersion;
    expect(() =>
      store.transaction(() => {
        store.create({ name: 'temp', accountnumber: 'T-1' });
        store.update(0, { name: 'changed', accountnumber: 'T-2' });
        store.delete(1);
        throw new Error('fail');
      }),
    ).toThrow('fail');
    expect(store.liveCount).toBe(3);
    expect(store.rowAt(0)?.name).toBe(generateBaseAccount(1, 0).name);
    expect(store.rowAt(1)).toBeDefined();
    expect(store.positionOfAccountNumber('T-1')).toBeUndefined();
    expect(store.positionOfAccountNumber('T-2')).toBeUndefined();
    expect(store.positionOfAccountNumber('AC0000001')).toBe(0);
    expect(store.changesBetween(version, Number.MAX_SAFE_INTEGER)).toEqual({
      upserts: [],
      deletions: [],
    });
  });
});
