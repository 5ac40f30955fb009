import { unknownAttributesToPropagate } from './reflect';

describe('unknownAttributesToPropagate (RFC 4271 §5)', () => {
  it('drops unknown non-transitive attributes and marks transitive ones Partial', () => {
    const out = unknownAttributesToPropagate({
      origin: 0,
      unknown: [
        { flags: 0x80, type: 99, value: Buffer.from('01', 'hex') },
        { flags: 0xc0, type: 100, value: Buffer.from('02', 'hex') },
      ],
    });
    expect(out).toEqual({
      origin: 0,
      unknown: [{ flags: 0xe0, type: 100, value: Buffer.from('02', 'hex') }],
    });
  });

  it('leaves no empty list behind', () => {
    expect(
      unknownAttributesToPropagate({
        origin: 0,
        unknown: [{ flags: 0x80, type: 99, value: Buffer.alloc(0) }],
      }),
    ).toEqual({ origin: 0 });
  });
});
