-- agenda.sql — `recip agenda` by hand, section by section from the ledger,
-- first 10 of each. Simpler rules than recip's (recip also writes a
-- suggestion per item from what it knows, dismisses moments, and uses the
-- expected-visit model), so this is a floor for what the page costs, not
-- the same page. as_of is the day's noon.
-- Moments: n-th visits (10, 25, 50, 100, 250, 500) in the last 7 days.
WITH v AS (
  SELECT party_id, at, row_number() OVER (PARTITION BY party_id ORDER BY at, id) AS n
  FROM visit WHERE at <= $as_of)
SELECT 'moment', v.party_id, p.name, v.n, datetime(v.at, 'unixepoch')
FROM v JOIN party p ON p.id = v.party_id
WHERE v.n IN (10, 25, 50, 100, 250, 500) AND v.at > $as_of - 7 * 86400 AND p.archived = 0
ORDER BY v.at DESC LIMIT 10;
-- Moments: first visits in the last 7 days.
SELECT 'first-visit', v.party_id, p.name, datetime(min(v.at), 'unixepoch')
FROM visit v JOIN party p ON p.id = v.party_id WHERE v.at <= $as_of AND p.archived = 0
GROUP BY v.party_id, p.name HAVING min(v.at) > $as_of - 7 * 86400 ORDER BY min(v.at) DESC LIMIT 10;
-- Moments: birthdays in the next 7 days.
SELECT 'birthday', id, name, birthday FROM party
WHERE archived = 0 AND birthday IS NOT NULL
  AND (CAST(strftime('%j', strftime('%Y', $as_of, 'unixepoch') || substr(birthday, -6)) AS INTEGER)
       - CAST(strftime('%j', $as_of, 'unixepoch') AS INTEGER)) BETWEEN 0 AND 7
ORDER BY substr(birthday, -5), id LIMIT 10;
-- Promises due by the end of the day.
SELECT 'promise', p.id, p.party_id, x.name, p.what, datetime(p.due_at, 'unixepoch')
FROM promise p JOIN party x ON x.id = p.party_id
WHERE p.status = 'open' AND p.due_at < ($as_of / 86400 + 1) * 86400 ORDER BY p.due_at, p.id LIMIT 10;
-- Owed favours: a negative balance, and their open asks.
WITH b AS (
  SELECT party_id, sum((CASE WHEN direction = 'gave' THEN 1.0 ELSE -1.0 END) * value
             * (CASE WHEN personal <> 0 THEN 1.5 ELSE 1.0 END) * (CASE WHEN unexpected <> 0 THEN 1.5 ELSE 1.0 END)
             * pow(2.0, -(($as_of / 86400) - (at / 86400)) / 180.0)) AS balance
  FROM exchange WHERE at <= $as_of GROUP BY party_id)
SELECT 'owed', b.party_id, p.name, b.balance FROM b JOIN party p ON p.id = b.party_id
WHERE b.balance < 0 AND p.archived = 0 ORDER BY b.balance, b.party_id LIMIT 10;
SELECT 'their-ask', a.id, a.party_id, p.name, a.what FROM ask a JOIN party p ON p.id = a.party_id
WHERE a.status = 'open' AND a.direction = 'theirs' AND a.at <= $as_of ORDER BY a.at, a.id LIMIT 10;
-- Our asks to follow up: open for a week or more.
SELECT 'our-ask', a.id, a.party_id, p.name, a.what FROM ask a JOIN party p ON p.id = a.party_id
WHERE a.status = 'open' AND a.direction = 'ours' AND a.at <= $as_of - 7 * 86400 ORDER BY a.at, a.id LIMIT 10;
-- Get back in touch: as due.sql, the first 10.
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
SELECT 'due', p.id, p.name, r.cadence_days, datetime(l.at, 'unixepoch')
FROM party p JOIN party_rollup r ON r.party_id = p.id LEFT JOIN last l ON l.party_id = p.id
WHERE p.archived = 0 AND r.cadence_days > 0
  AND (l.at IS NULL OR l.at / 86400 + r.cadence_days <= $as_of / 86400)
ORDER BY CASE WHEN l.at IS NULL THEN -1e18 ELSE l.at / 86400 + r.cadence_days END, p.id LIMIT 10;
-- Expected today: came on this weekday at least 4 of the last 8 weeks, with
-- their usual time.
SELECT 'expected', v.party_id, p.name, count(DISTINCT v.at / 86400) AS days,
       time(avg(v.at % 86400), 'unixepoch') AS usual
FROM visit v JOIN party p ON p.id = v.party_id
WHERE v.at > $as_of - 56 * 86400 AND v.at <= $as_of AND p.archived = 0
  AND strftime('%w', v.at, 'unixepoch') = strftime('%w', $as_of, 'unixepoch')
GROUP BY v.party_id, p.name HAVING count(DISTINCT v.at / 86400) >= 4 ORDER BY days DESC, v.party_id LIMIT 10;
