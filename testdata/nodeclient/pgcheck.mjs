// node-postgres against ipoint serve: TLS, SCRAM, the extended protocol with bound
// parameters. Prints one JSON line for the Go test. Usage: node pgcheck.mjs PORT PASSWORD
import pg from "pg";

const [port, password] = process.argv.slice(2);
const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user: "anna", password,
  database: "warehouse", ssl: { rejectUnauthorized: false } });
await client.connect();
const r = await client.query("SELECT kreis, sum(zugaenge)::BIGINT AS zugaenge FROM mart_woche_kreis WHERE kreis = $1 GROUP BY kreis", ["05966"]);
const t = await client.query("SELECT $1::INTEGER + 1 AS n, DATE '2026-11-24' AS d, NULL::VARCHAR AS z", [41]);
let refused = "";
try { await client.query("CREATE TABLE x AS SELECT 1"); } catch (e) { refused = e.message; }
await client.end();
console.log(JSON.stringify({ rows: r.rows, n: t.rows[0].n, d: t.rows[0].d instanceof Date, z: t.rows[0].z, refused }));
