import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes tailers of config_events (the relay, the all-in-one PgTailEventLog) when events commit, so they
 * need not poll tightly. Statement-level, so a write of many events sends one notification, and NOTIFY is
 * only delivered at commit (and folded to one per transaction for the same payload), so listeners never
 * wake for rows they cannot see yet. Writers need no change.
 */
export class ConfigEventsNotify1763700001000 implements MigrationInterface {
  name = 'ConfigEventsNotify1763700001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION config_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('config_events', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER config_events_notify AFTER INSERT ON config_events
        FOR EACH STATEMENT EXECUTE FUNCTION config_events_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TRIGGER config_events_notify ON config_events; DROP FUNCTION config_events_notify();`,
    );
  }
}
