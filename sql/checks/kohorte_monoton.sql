-- kohorte_monoton: der kumulierte Anteil integrierter Kunden einer Kohorte fällt nie und liegt zwischen 0 und 1.
SELECT kohorte, gruppe, auspraegung, monat_seit_zugang, anteil_integriert
FROM (
    SELECT *, lag(anteil_integriert) OVER (PARTITION BY kohorte, gruppe, auspraegung ORDER BY monat_seit_zugang) AS vorher
    FROM mart_kohorte
)
WHERE anteil_integriert < coalesce(vorher, 0) - 1e-9 OR anteil_integriert < 0 OR anteil_integriert > 1;
