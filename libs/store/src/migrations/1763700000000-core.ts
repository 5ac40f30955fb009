import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event-sourced core: an append-only event log plus current-state tables changed in the same
 * transaction. fq_key is a digest of the fq_name (computed by the API) because an fq_name of 1024-character
 * elements does not fit a btree entry.
 */
export class Core1763700000000 implements MigrationInterface {
  name = 'Core1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE config_events_seq AS bigint;
      CREATE TABLE config_events (
        seq      bigint PRIMARY KEY,
        tx_id    xid8 NOT NULL DEFAULT pg_current_xact_id(),
        ts       timestamptz NOT NULL DEFAULT now(),
        oper     text NOT NULL,
        type     text NOT NULL,
        uuid     uuid NOT NULL,
        envelope jsonb NOT NULL
      );
      CREATE TABLE objects (
        uuid        uuid PRIMARY KEY,
        type        text NOT NULL,
        fq_name     jsonb NOT NULL,
        fq_key      text NOT NULL,
        parent_uuid uuid REFERENCES objects(uuid),
        parent_type text NOT NULL,
        props       jsonb NOT NULL,
        id_perms    jsonb NOT NULL,
        perms2      jsonb NOT NULL,
        version     bigint NOT NULL,
        CONSTRAINT objects_fq_unique UNIQUE (type, fq_key)
      );
      CREATE INDEX objects_type_uuid ON objects (type, uuid);
      CREATE INDEX objects_parent ON objects (parent_uuid, type);
      CREATE TABLE refs (
        from_uuid uuid NOT NULL REFERENCES objects(uuid),
        to_uuid   uuid NOT NULL REFERENCES objects(uuid),
        from_type text NOT NULL,
        to_type   text NOT NULL,
        attr      jsonb,
        relaxed   boolean NOT NULL DEFAULT false,
        position  integer NOT NULL,
        PRIMARY KEY (from_uuid, to_uuid)
      );
      CREATE INDEX refs_to ON refs (to_uuid, from_type);
      CREATE TABLE useragent_kv (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE skein_meta (key text PRIMARY KEY, value jsonb NOT NULL);
      CREATE TABLE consumer_positions (name text PRIMARY KEY, seq bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consumer_positions, skein_meta, useragent_kv, refs, objects, config_events;
                   DROP SEQUENCE config_events_seq;`);
  }
}
