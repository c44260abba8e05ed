import { describe, expect, it } from 'vitest';

import { withSelect } from '../../../src/lib/sync/roundPlan';

const ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts';
/** A delta token as Dataverse writes it: `!`, and percent-escapes whose case must survive. */
const TOKEN = '919042%2108%2f22%2f2017%2008%3a10%3a44!a%2Bb%3D%3D';

describe('withSelect', () => {
  it('rewrites only the $select value and leaves the $deltatoken byte for byte', () => {
    const link = `${ROOT}?$select=accountid,name,revenue,versionnumber&$deltatoken=${TOKEN}`;
    const rewritten = withSelect(link, ['accountid', 'name', 'versionnumber']);
    expect(rewritten).toBe(`${ROOT}?$select=accountid,name,versionnumber&$deltatoken=${TOKEN}`);
    expect(rewritten.slice(rewritten.indexOf('$deltatoken='))).toBe(`$deltatoken=${TOKEN}`);
  });

  it('finds $select after the token, and an escaped %24select', () => {
    expect(withSelect(`${ROOT}?$deltatoken=${TOKEN}&$select=a,b,c`, ['a', 'c'])).toBe(
      `${ROOT}?$deltatoken=${TOKEN}&$select=a,c`,
    );
    expect(withSelect(`${ROOT}?%24select=a,b&%24deltatoken=${TOKEN}`, ['a'])).toBe(
      `${ROOT}?%24select=a&%24deltatoken=${TOKEN}`,
    );
  });

  it('leaves a link without $select and its token untouched', () => {
    const link = `${ROOT}?$deltatoken=${TOKEN}`;
    expect(withSelect(link, ['accountid'])).toBe(link);
  });

  it('does not take a parameter that merely ends in "select" for $select', () => {
    const link = `${ROOT}?$select=a,b&$deltatoken=${TOKEN}&myselect=x`;
    expect(withSelect(link, ['a'])).toBe(`${ROOT}?$select=a&$deltatoken=${TOKEN}&myselect=x`);
  });
});
