import Database from 'better-sqlite3';
import type pg from 'pg';
import { PulseboardError } from '@pulseboard/model';
import { PostgresStorage } from './postgres-storage.js';

/** Rows per INSERT statement while copying. */
const COPY_BATCH_ROWS = 500;
/** Tables a fresh PostgreSQL schema already fills (the database's own id): replaced by the source's rows. */
const REPLACED_TABLES = new Set(['meta']);

/** Rows copied per table. */
export type CopyReport = Array<{ table: string; rows: number }>;

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * Copies a SQLite database into an empty PostgreSQL database, table by table, in one
 * PostgreSQL transaction: documents, logs (same offsets and epochs, so clients resume by
 * offset after the switch), stream values, tokens, client mutation ids and results. The two
 * schemas hold the same tables and columns (docs/storage.md); every column both have is
 * copied. Refuses a target that already holds data. Run it with the server stopped.
 */
export async function copySqliteToPostgres(sqliteFile: string, databaseUrl: string): Promise<CopyReport> {
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const target = await PostgresStorage.open({ connectionString: databaseUrl, poolSize: 1 }).catch((error: unknown) => {
    source.close();
    throw error;
  });
  const client = await target.pool.connect();
  try {
    const tables = source
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((row) => row.name);
    const targetColumns = await columnsOf(client);
    for (const table of tables) {
      if (!targetColumns.has(table) || REPLACED_TABLES.has(table)) continue;
      const { rows } = await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
      if (rows.length > 0) throw new PulseboardError('target_not_empty', `the PostgreSQL table "${table}" already holds data; migrate into an empty database`, { status: 409 });
    }
    const report: CopyReport = [];
    await client.query('BEGIN');
    for (const table of tables) {
      const wanted = targetColumns.get(table);
      if (!wanted) continue;
      const columns = source
        .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
        .all(table)
        .map((c) => c.name)
        .filter((name) => wanted.has(name));
      // The source's instance id too: streams never pushed keep the epoch clients were told.
      if (REPLACED_TABLES.has(table)) await client.query(`DELETE FROM ${quote(table)}`);
      let batch: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${values}`, batch.flat());
        copied += batch.length;
        batch = [];
      };
      for (const row of source.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`).raw().iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= COPY_BATCH_ROWS) await flush();
      }
      await flush();
      report.push({ table, rows: copied });
    }
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
    await target.close();
    source.close();
  }
}

/** Table → column names of the current schema (migration bookkeeping left out). */
async function columnsOf(client: pg.PoolClient): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'pulseboard_migrations'`,
  );
  const tables = new Map<string, Set<string>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Set<string>();
    columns.add(row.column_name);
    tables.set(row.table_name, columns);
  }
  return tables;
}
