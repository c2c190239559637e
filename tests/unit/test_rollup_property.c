/* test_rollup_property.c — thousands of random inserts, back-dated inserts,
 * edits and deletes of exchanges, touches and visits; after each, every
 * roll-up must equal a full recomputation from the ledger, and every
 * balance must equal the DESIGN.md formula computed here independently. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTIES 6
#define OPERATIONS 3000
#define MAX_ENTRIES 4000

typedef struct entry {
	int64_t id;
	int party;          /* index into parties[] */
	bool gave;
	double value;
	bool personal, unexpected;
	int64_t day;        /* days since 1970 */
	bool live;
} entry;

static uint64_t rng = 88172645463325252u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

static double model_balance(const entry *entries, size_t n, int party, int64_t as_of_day)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		const entry *e = &entries[i];
		if (!e->live || e->party != party || e->day > as_of_day)
			continue;
		double w = e->value * (e->personal ? 1.5 : 1) * (e->unexpected ? 1.5 : 1);
		sum += (e->gave ? w : -w) * exp2(-(double)(as_of_day - e->day) / 180.0);
	}
	return sum;
}

static double recip_balance(recip_ctx *ctx, int64_t party, recip_time as_of)
{
	json_t *doc;
	if (recip_balance_report(ctx, &doc, party, as_of) != RECIP_OK)
		fail_msg("balance: %s", recip_errmsg(ctx));
	double b = json_number_value(json_object_get(json_array_get(json_object_get(doc, "items"), 0), "balance"));
	json_decref(doc);
	return b;
}

static void time_text(char *out, size_t size, int64_t day, int minute)
{
	recip_time_format(out, size, day * RECIP_DAY + minute * 60);
}

static void random_history_keeps_rollups_exact(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t parties[PARTIES];
	char ids[PARTIES][16];
	for (int i = 0; i < PARTIES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Party %d", i);
		parties[i] = test_add(ctx, "party", "name", name, "+role", i % 2 ? "client" : "customer", NULL);
		snprintf(ids[i], sizeof(ids[i]), "%lld", (long long)parties[i]);
	}
	static entry entries[MAX_ENTRIES];
	size_t n = 0;
	int64_t base = T(2025, 1, 1, 0, 0) / RECIP_DAY;
	int64_t others[MAX_ENTRIES]; /* touches and visits, for last contact */
	const char *other_kind[MAX_ENTRIES];
	size_t n_others = 0;
	int inserts = 0, backdated = 0, edits = 0, deletes = 0;
	for (int op = 0; op < OPERATIONS; op++) {
		int what = pick(100);
		char at[32], value[32];
		if (what < 45 || n == 0) {
			/* an insert, most of them in order, a third back-dated */
			entry e = {0};
			e.party = pick(PARTIES);
			e.gave = pick(3) != 0;
			e.value = (double)(1 + pick(40)) / 4.0;
			e.personal = pick(3) == 0;
			e.unexpected = pick(4) == 0;
			bool back = pick(3) == 0;
			e.day = base + (back ? pick(300) : 300 + op / 4 + pick(5));
			backdated += back;
			e.live = true;
			time_text(at, sizeof(at), e.day, pick(24 * 60));
			snprintf(value, sizeof(value), "%g", e.value);
			e.id = test_add(ctx, "exchange", "party", ids[e.party], "direction", e.gave ? "gave" : "received", "kind",
			                "favour", "value", value, "personal", e.personal ? "yes" : "no", "unexpected",
			                e.unexpected ? "yes" : "no", "at", at, NULL);
			assert_true(n < MAX_ENTRIES);
			entries[n++] = e;
			inserts++;
		} else if (what < 70) {
			/* an edit of a live entry: value, day, direction, flags or party */
			entry *e = &entries[pick((int)n)];
			if (!e->live)
				continue;
			recip_field f;
			switch (pick(5)) {
			case 0:
				e->value = (double)(1 + pick(40)) / 4.0;
				snprintf(value, sizeof(value), "%g", e->value);
				f = (recip_field){"value", value, RECIP_SET, NULL};
				break;
			case 1:
				e->day = base + pick(300 + op / 4 + 5);
				time_text(at, sizeof(at), e->day, pick(24 * 60));
				f = (recip_field){"at", at, RECIP_SET, NULL};
				break;
			case 2:
				e->gave = !e->gave;
				f = (recip_field){"direction", e->gave ? "gave" : "received", RECIP_SET, NULL};
				break;
			case 3:
				e->personal = !e->personal;
				f = (recip_field){"personal", e->personal ? "yes" : "no", RECIP_SET, NULL};
				break;
			default:
				e->party = pick(PARTIES);
				f = (recip_field){"party", ids[e->party], RECIP_SET, NULL};
			}
			if (recip_record_update(ctx, "exchange", e->id, &f, 1) != RECIP_OK)
				fail_msg("edit: %s", recip_errmsg(ctx));
			edits++;
		} else if (what < 85) {
			entry *e = &entries[pick((int)n)];
			if (!e->live)
				continue;
			if (recip_record_delete(ctx, "exchange", e->id) != RECIP_OK)
				fail_msg("delete: %s", recip_errmsg(ctx));
			e->live = false;
			deletes++;
		} else if (what < 95) {
			/* a touch or a visit, sometimes back-dated */
			int p = pick(PARTIES);
			time_text(at, sizeof(at), base + pick(300 + op / 4 + 5), pick(24 * 60));
			bool visit = pick(2) == 0;
			int64_t id = visit ? test_add(ctx, "visit", "party", ids[p], "at", at, NULL)
			                   : test_add(ctx, "touch", "party", ids[p], "at", at, NULL);
			others[n_others] = id;
			other_kind[n_others++] = visit ? "visit" : "touch";
		} else if (n_others > 0) {
			size_t k = (size_t)pick((int)n_others);
			if (others[k] && recip_record_delete(ctx, other_kind[k], others[k]) != RECIP_OK)
				fail_msg("delete: %s", recip_errmsg(ctx));
			others[k] = 0;
		}
		/* after every operation: stored roll-ups equal a recomputation */
		json_t *verify;
		assert_ok(recip_rollup_verify(ctx, &verify));
		if (json_array_size(json_object_get(verify, "mismatches")) != 0) {
			char *text = json_dumps(verify, JSON_COMPACT);
			fail_msg("after operation %d: %s", op, text);
		}
		json_decref(verify);
		/* … and the balances equal the formula, at the end of the ledger
		 * and at a random earlier day */
		if (op % 10 == 0) {
			int64_t last = base + 300 + op / 4 + 10;
			int64_t earlier = base + pick(300 + op / 4);
			for (int p = 0; p < PARTIES; p++) {
				double want = model_balance(entries, n, p, last);
				double got = recip_balance(ctx, parties[p], last * RECIP_DAY + 43200);
				if (fabs(want - got) > 1e-4 /* documents round to 4 decimals */)
					fail_msg("party %d at op %d: balance %.9f, formula %.9f", p, op, got, want);
				want = model_balance(entries, n, p, earlier);
				got = recip_balance(ctx, parties[p], earlier * RECIP_DAY + 86399);
				if (fabs(want - got) > 1e-4 /* documents round to 4 decimals */)
					fail_msg("party %d at op %d as of an earlier day: %.9f, formula %.9f", p, op, got, want);
			}
		}
	}
	/* the run exercised every kind of change */
	assert_true(inserts > 1000 && backdated > 300 && edits > 500 && deletes > 300);
	print_message("%d inserts (%d back-dated), %d edits, %d deletes, all roll-ups exact\n", inserts, backdated,
	              edits, deletes);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_history_keeps_rollups_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
