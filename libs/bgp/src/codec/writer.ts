/**
 * A growable big-endian byte sink. Encoders write straight into it and patch lengths afterwards, so a
 * message is built with one buffer and a handful of copies regardless of how many NLRI it carries.
 */
export class ByteWriter {
  private buf: Buffer;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos] = (v >>> 16) & 0xff;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = v & 0xff;
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array, start = 0, end = b.length): this {
    const n = end - start;
    this.ensure(n);
    this.buf.set(b.subarray(start, end), this.pos);
    this.pos += n;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Room for `n` bytes written later by the caller through `target()`. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** The live buffer, for in-place writes at positions returned by `reserve`. Invalidated by growth. */
  target(): Buffer {
    return this.buf;
  }

  patchU8(at: number, v: number): void {
    this.buf[at] = v;
  }

  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }

  /** Drop `n` bytes at `at`, shifting the tail left (used to shrink a 2-octet attribute length to 1). */
  cut(at: number, n: number): void {
    this.buf.copyWithin(at, at + n, this.pos);
    this.pos -= n;
  }

  truncate(pos: number): void {
    this.pos = pos;
  }

  /** A view of what was written; the writer must not be reused afterwards. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
