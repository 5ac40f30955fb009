import { MigrationInterface, QueryRunner } from 'typeorm';
import { IPAM_DDL } from '@skein/ipam';

/**
 * Re-applies the allocator DDL (every statement is idempotent) for stores made before ipam_fill moved
 * parked recycled values instead of dropping them (an address could be lost when a free raced a fill).
 */
export class IpamUnpark1765100000000 implements MigrationInterface {
  name = 'IpamUnpark1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(IPAM_DDL);
  }

  async down(): Promise<void> {
    // Nothing to undo: the older function bodies had the leak.
  }
}
