import type { CommittedPosition, PositionStore } from '@skein/events';
import type { Queryable } from './event-reader';

/** Consumer positions in Postgres `consumer_positions` (name, seq, updated_at). */
export class PgPositionStore implements PositionStore {
  constructor(private readonly db: Queryable) {}

  async get(name: string): Promise<CommittedPosition | undefined> {
    const { rows } = await this.db.query(
      `SELECT name, seq, updated_at FROM consumer_positions WHERE name = $1`,
      [name],
    );
    const r = rows[0];
    return r && { name: r.name, seq: Number(r.seq), updatedAt: r.updated_at };
  }

  async commit(name: string, seq: number): Promise<void> {
    // GREATEST: an instance that lost its leadership but still commits cannot move a position back.
    await this.db.query(
      `INSERT INTO consumer_positions (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = GREATEST(consumer_positions.seq, EXCLUDED.seq), updated_at = now()`,
      [name, seq],
    );
  }

  async reset(name: string, seq: number): Promise<void> {
    await this.db.query(
      `INSERT INTO consumer_positions (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()`,
      [name, seq],
    );
  }
}
