import { checkFirstAs } from './validate';

describe('checkFirstAs (RFC 4271 §6.3, RFC 7606 §7.2)', () => {
  const ebgp = { ebgp: true, peerAs: 65001 };

  it('accepts a path from an external peer that starts with its AS', () => {
    expect(checkFirstAs([{ type: 'sequence', asns: [65001, 65010] }], ebgp)).toBeUndefined();
  });

  it.each([
    ['another AS first', [{ type: 'sequence' as const, asns: [65010, 65001] }]],
    ['an empty path', []],
    ['a leading AS_SET', [{ type: 'set' as const, asns: [65001] }]],
  ])('withdraws the routes of an external peer with %s (3/11)', (_, path) => {
    const e = checkFirstAs(path, ebgp);
    expect(e && `${e.code}/${e.subcode} ${e.handling}`).toBe('3/11 treat-as-withdraw');
  });

  it('does not apply to internal peers or route servers', () => {
    expect(checkFirstAs([], { ebgp: false, peerAs: 64512 })).toBeUndefined();
    expect(
      checkFirstAs([{ type: 'sequence', asns: [65010] }], { ...ebgp, routeServer: true }),
    ).toBeUndefined();
  });
});
