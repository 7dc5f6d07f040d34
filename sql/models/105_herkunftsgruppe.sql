-- herkunftsgruppe: Makro herkunftsgruppe(staatsangehoerigkeit): die Herkunftsgruppe zu einer
-- Staatsangehörigkeit (ISO-Code): 8 Asylherkunftsländer (AFG, ERI, IRN, IRQ, NGA, PAK, SOM, SYR),
-- Ukraine, Sonstige. Eine Definition für alle Modelle (in Go: pipeline.OriginGroup).
CREATE MACRO herkunftsgruppe(staatsangehoerigkeit) AS
    CASE WHEN staatsangehoerigkeit = 'UKR' THEN 'Ukraine'
         WHEN staatsangehoerigkeit IN ('AFG', 'ERI', 'IRN', 'IRQ', 'NGA', 'PAK', 'SOM', 'SYR') THEN '8 Asylherkunftsländer'
         ELSE 'Sonstige' END;
