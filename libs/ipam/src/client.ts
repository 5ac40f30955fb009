/**
 * The slice of a Postgres client the allocators use. pg's Client and PoolClient satisfy it; so does a thin
 * wrapper around PGlite. The client is already inside the caller's transaction: nothing here begins,
 * commits or rolls back.
 */
export interface SqlClient {
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}
