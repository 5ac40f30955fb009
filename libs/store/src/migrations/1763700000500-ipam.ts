import { MigrationInterface, QueryRunner } from 'typeorm';
import { IPAM_DDL } from '@skein/ipam';

/** The allocator tables and functions, owned by @skein/ipam. */
export class Ipam1763700000500 implements MigrationInterface {
  name = 'Ipam1763700000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(IPAM_DDL);
  }

  async down(): Promise<void> {
    // The allocator state has no meaning without the objects; dropping the schema is the way back.
  }
}
