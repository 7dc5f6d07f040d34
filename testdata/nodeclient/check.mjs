// Opens the ipoint warehouse read-only with DuckDB's Node client and reads the lake with
// read_parquet; prints what it read as JSON for the Go test to compare.
import { DuckDBInstance } from '@duckdb/node-api';

const [warehouse, lake] = process.argv.slice(2);
const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
const con = await instance.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0][0];
const out = {
  version: await one('SELECT version()'),
  caseload: Number(await one('SELECT sum(bestand)::BIGINT FROM mart_woche_kreis')),
  lakeStarts: Number(await one(
    `SELECT count(*)::BIGINT FROM read_parquet('${lake}/export=arbeitsaufnahmen/*/*.parquet', hive_partitioning = true)`)),
};
let writeRefused = false;
try { await con.run('CREATE TABLE x AS SELECT 1'); } catch { writeRefused = true; }
out.writeRefused = writeRefused;
console.log(JSON.stringify(out));
