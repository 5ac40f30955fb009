import { SingleBar } from 'cli-progress';
import { Db, formatRebuildReport, rebuildStore, RebuildError } from '@skein/store';
import { API_MIGRATIONS } from '@skein/api';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

/**
 * `skein store rebuild`: replays config_events into fresh tables and compares them with the live ones.
 * Exit codes: 0 identical, 1 different, 2 the check could not run.
 */
export async function runRebuild(o: {
  databaseUrl?: string;
  dataDir: string;
  keep?: boolean;
  json?: boolean;
}): Promise<number> {
  let embedded: EmbeddedPostgres | undefined;
  let db: Db | undefined;
  const bar = new SingleBar({
    format: 'replaying {bar} {value}/{total} events',
    hideCursor: true,
    stream: process.stderr,
  });
  try {
    // On PGlite this locks the data dir: a rebuild next to a live all-in-one is refused (issue 7 item 5).
    if (!o.databaseUrl) embedded = await startEmbeddedPostgres(o.dataDir);
    db = await Db.open({
      url: o.databaseUrl ?? embedded!.url,
      poolSize: 1,
      migrations: API_MIGRATIONS,
      ...embedded?.dbOptions,
    });
    const report = await rebuildStore(db, {
      keep: o.keep,
      onProgress: (done, total) => (done === 0 ? bar.start(total, 0) : bar.update(done)),
    });
    bar.stop();
    process.stdout.write(`${o.json ? JSON.stringify(report) : formatRebuildReport(report)}\n`);
    return report.identical ? 0 : 1;
  } catch (e: any) {
    bar.stop();
    process.stderr.write(
      `skein: ${e instanceof RebuildError ? `rebuild refused: ${e.message}` : (e?.message ?? e)}\n`,
    );
    return 2;
  } finally {
    await db?.close();
    await embedded?.close();
  }
}
