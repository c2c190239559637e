-- advocates.sql — `recip advocates` by hand: points for referrals made (5
-- converted, 2 open, 1 lost), reviews written (rating - 2) and promoter NPS
-- answers (2), ranked; then the detractors whose latest answer was never
-- followed up. `recip advocates` shows the first 20 of the ranking (--all
-- for every one), so the SQL ranks everyone and returns the first 20 too.
WITH x(party_id, converted, leads, lost, reviews, rating, promoters) AS (
  SELECT referrer_id, status = 'converted' AND resolved_at <= $as_of,
         status = 'lead' OR resolved_at > $as_of, status = 'lost' AND resolved_at <= $as_of, 0, 0, 0
  FROM referral WHERE at <= $as_of
  UNION ALL SELECT party_id, 0, 0, 0, 1, rating, 0 FROM review WHERE at <= $as_of
  UNION ALL SELECT party_id, 0, 0, 0, 0, 0, 1 FROM nps WHERE score >= 9 AND at <= $as_of),
s AS (
  SELECT x.party_id, p.name, sum(converted) AS converted, sum(leads) AS leads, sum(lost) AS lost,
         sum(reviews) AS reviews, sum(rating) AS rating, sum(promoters) AS promoters,
         5 * sum(converted) + 2 * sum(leads) + sum(lost) + sum(rating) - 2 * sum(reviews) + 2 * sum(promoters) AS score
  FROM x JOIN party p ON p.id = x.party_id WHERE p.archived = 0 GROUP BY x.party_id, p.name)
SELECT row_number() OVER (ORDER BY score DESC, converted DESC, party_id), party_id, name, score,
       converted, leads, lost, reviews, promoters
FROM s WHERE score > 0 ORDER BY score DESC, converted DESC, party_id LIMIT 20;
SELECT n.id, n.party_id, p.name, n.score, datetime(n.at, 'unixepoch'), n.comment
FROM nps n JOIN party p ON p.id = n.party_id
WHERE n.score <= 6 AND n.at <= $as_of AND (n.followed_up_at IS NULL OR n.followed_up_at > $as_of) AND p.archived = 0
  AND NOT EXISTS (SELECT 1 FROM nps m WHERE m.party_id = n.party_id AND m.at <= $as_of
                  AND (m.at > n.at OR (m.at = n.at AND m.id > n.id)))
ORDER BY n.at, n.id;
