-- stg_massnahmen_verlauf: Verlauf der Teilnahmen an Maßnahmen und Kursen, ein Zustand je Teilnahme und Zeitraum.
-- * teilnahme_id: Pseudonym der Teilnahme_ID
-- * kunde_token: Pseudonym der Kundennummer
-- * massnahmeart: IK, IK_ALPHA, IK_JUGEND, BSK, MAT, MAG, FBW, EQ, ANERK
-- * teilnahmestatus: GEPLANT, LAUFEND, BEENDET, ABGEBROCHEN (geliefert als Status)
-- * ergebnis: Sprachprüfung (IK: B1, A2, UNTER_A2, KEIN_TEST; BSK: B1, B2, C1, NICHT_BESTANDEN)
CREATE TABLE stg_massnahmen_verlauf AS
SELECT * EXCLUDE (export) RENAME (status AS teilnahmestatus)
FROM read_parquet(getvariable('glob_massnahmen'));
