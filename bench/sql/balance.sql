-- balance.sql — `recip balance` by hand: every party's decayed balance as of
-- $as_of, straight from the exchanges (weight = value × 1.5 if personal ×
-- 1.5 if unexpected, halved every 180 days, by whole days), strongest first.
-- The defaults of balance.* are written in; bench/run uses them.
WITH b AS (
  SELECT party_id AS id,
         sum((CASE WHEN direction = 'gave' THEN 1.0 ELSE -1.0 END) * value
             * (CASE WHEN personal <> 0 THEN 1.5 ELSE 1.0 END) * (CASE WHEN unexpected <> 0 THEN 1.5 ELSE 1.0 END)
             * pow(2.0, -(($as_of / 86400) - (at / 86400)) / 180.0)) AS balance,
         sum(direction = 'gave') AS gave_count, sum(direction = 'received') AS received_count,
         sum(CASE WHEN direction = 'gave' THEN value ELSE 0 END) AS gave_value,
         sum(CASE WHEN direction = 'received' THEN value ELSE 0 END) AS received_value,
         max(at) AS last_exchange_at
  FROM exchange WHERE at <= $as_of GROUP BY party_id)
SELECT b.id, p.name, b.balance, b.gave_count, b.received_count, b.gave_value, b.received_value,
       datetime(b.last_exchange_at, 'unixepoch')
FROM b JOIN party p ON p.id = b.id WHERE p.archived = 0
ORDER BY b.balance DESC, b.id;
