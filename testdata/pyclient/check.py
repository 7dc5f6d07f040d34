# psycopg2 (Debian's python3-psycopg2) against ipoint serve. Usage: python3 pyclient.py PORT PASSWORD
import json, sys, datetime, decimal
import psycopg2

conn = psycopg2.connect(host="127.0.0.1", port=int(sys.argv[1]), user="anna", password=sys.argv[2],
                        dbname="warehouse", sslmode="require")
cur = conn.cursor()
cur.execute("SELECT kreis, sum(zugaenge) AS zugaenge FROM mart_woche_kreis WHERE kreis = %s GROUP BY kreis", ("05966",))
rows = cur.fetchall()
cur.execute("SELECT DATE '2026-11-24' AS d, 12.50::DECIMAL(10,2) AS n, NULL::INTEGER AS z")
d, n, z = cur.fetchone()
refused = ""
try:
    cur.execute("SELECT * FROM read_text('/etc/hostname')")
except psycopg2.Error as e:
    refused = e.pgerror or str(e)
conn.rollback()
conn.close()
print(json.dumps({"rows": len(rows), "kreis": rows[0][0], "date": isinstance(d, datetime.date),
                  "decimal": isinstance(n, decimal.Decimal) and str(n) == "12.50", "null": z is None, "refused": refused}))
