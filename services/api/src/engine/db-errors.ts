import { badRequest, conflict, SkeinError } from '@skein/model';

/**
 * A Postgres error that a request's input or a concurrent write caused, as the 4xx a client can act on; undefined
 * for anything else (a 500 or, for lost connections, a 503 elsewhere). The database's own text is never
 * forwarded: it quotes SQL, values and constraint names. The checks before each write catch these cases; the
 * database only sees them when two requests race (a create against its parent's delete) or a check is missing.
 */
export function dbErrorToSkein(e: unknown): SkeinError | undefined {
  if (e instanceof SkeinError) return undefined;
  const pg = e as { code?: unknown; constraint?: unknown; detail?: unknown } | null;
  if (typeof pg?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code)) return undefined;
  const constraint = typeof pg.constraint === 'string' ? pg.constraint : '';
  switch (pg.code) {
    case '23503': {
      // foreign_key_violation. The detail is only read to tell an insert (its target is gone) from a delete (a
      // row still points at it); it is never sent.
      const deleting = typeof pg.detail === 'string' && pg.detail.includes('still referenced');
      const parent = constraint === 'objects_parent_uuid_fkey';
      if (deleting && parent)
        return conflict(
          'HAS_CHILDREN',
          'Delete when children still present: a child was created while this delete ran',
        );
      if (deleting)
        return conflict(
          'HAS_BACK_REFS',
          'Delete when resource still referred: a reference was added while this delete ran',
        );
      if (parent)
        return conflict(
          'CONFLICT',
          'The parent object was deleted while this request ran; nothing was written',
          { field: 'parent_uuid' },
        );
      return conflict(
        'CONFLICT',
        'A referenced object was deleted while this request ran; nothing was written',
        { field: 'refs' },
      );
    }
    case '23505': // unique_violation
      if (constraint === 'objects_fq_unique')
        return conflict('FQ_NAME_EXISTS', 'fq_name already exists (created while this request ran)', {
          field: 'fq_name',
        });
      if (constraint === 'objects_pkey')
        return conflict('UUID_EXISTS', 'uuid already exists (created while this request ran)', {
          field: 'uuid',
        });
      return conflict('CONFLICT', 'A concurrent request wrote the same thing; retry');
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return conflict('CONFLICT', 'A concurrent request changed the same objects; retry');
    case '22P05': // untranslatable_character (\u0000 in jsonb)
    case '22021': // character_not_in_repertoire
    case '22P02': // invalid_text_representation
    case '22003': // numeric_value_out_of_range
    case '22001': // string_data_right_truncation
    case '2201W': // invalid_row_count_in_limit_clause
    case '54001': // statement_too_complex
      return badRequest(
        'The request holds a value the config store cannot take (out of range, too long or not valid text)',
      );
    default:
      return undefined;
  }
}
