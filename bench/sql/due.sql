-- due.sql — `recip due` by hand: a party's last contact is its latest
-- exchange, touch, visit or ask up to $as_of (an organisation's includes its
-- people's); it is due when that is at least its cadence (in days) ago, or
-- when there was never one. The cadence is a setting per role or party, not
-- ledger data, so it is read from party_rollup.cadence_days.
WITH contact(party_id, at) AS (
  SELECT party_id, at FROM exchange WHERE at <= $as_of
  UNION ALL SELECT party_id, at FROM touch WHERE at <= $as_of
  UNION ALL SELECT party_id, at FROM visit WHERE at <= $as_of
  UNION ALL SELECT party_id, at FROM ask WHERE at <= $as_of),
own AS (SELECT party_id, max(at) AS at FROM contact GROUP BY party_id),
last AS (
  SELECT party_id, max(at) AS at FROM (
    SELECT party_id, at FROM own
    UNION ALL SELECT p.org_id, o.at FROM own o JOIN party p ON p.id = o.party_id WHERE p.org_id IS NOT NULL)
  GROUP BY party_id)
SELECT p.id, p.name, r.cadence_days, datetime(l.at, 'unixepoch') AS last_contact,
       CASE WHEN l.at IS NULL THEN NULL ELSE ($as_of / 86400) - (l.at / 86400 + r.cadence_days) END AS days_overdue
FROM party p JOIN party_rollup r ON r.party_id = p.id LEFT JOIN last l ON l.party_id = p.id
WHERE p.archived = 0 AND r.cadence_days > 0
  AND (l.at IS NULL OR l.at / 86400 + r.cadence_days <= $as_of / 86400)
ORDER BY CASE WHEN l.at IS NULL THEN -1e18 ELSE l.at / 86400 + r.cadence_days END, p.id;
