/*
 * suggest.c — the pieces the engine's suggestions are made of (see
 * suggest.h): facts by the words of their keys, first names, days and
 * ordinals as people say them.
 */
#include "suggest.h"
#include "db.h"
#include "engine_rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const FACT_ORDER[] = {"order", "drink", "coffee", "usual", NULL};
const char *const FACT_PLACE[] = {"table", "seat", NULL};
const char *const FACT_FAVOURITE[] = {"favourite", "favorite", "loves", "likes", NULL};
const char *const FACT_INTEREST[] = {"interest", "hobby", "hobbies", "passion", "sport", "team", "reads", "plays",
                                     "learning", "runs", "studying", "works on", NULL};
const char *const FACT_FAMILY[] = {"kids", "children", "grandchildren", "partner", "wife", "husband", "dog", "cat",
                                   "family", NULL};

int fact_bag_load(recip_ctx *ctx, int64_t party, fact_bag *out)
{
	memset(out, 0, sizeof(*out));
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT key, key_norm, value FROM fact WHERE party_id = ? ORDER BY key_norm, id", "i",
	                  party);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			fact_entry *grown = realloc(out->items, ncap * sizeof(*grown));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			out->items = grown;
			cap = ncap;
		}
		fact_entry *f = &out->items[out->n];
		f->key = xstrdup(db_col_text(st, 0));
		f->key_norm = xstrdup(db_col_text(st, 1));
		f->value = xstrdup(db_col_text(st, 2));
		out->n++;
		if (!f->key || !f->key_norm || !f->value) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (rc < 0) {
		fact_bag_release(out);
		return rc;
	}
	return RECIP_OK;
}

void fact_bag_release(fact_bag *bag)
{
	for (size_t i = 0; i < bag->n; i++) {
		free(bag->items[i].key);
		free(bag->items[i].key_norm);
		free(bag->items[i].value);
	}
	free(bag->items);
	memset(bag, 0, sizeof(*bag));
}

static bool contains_any(const char *text, const char *const *words)
{
	for (size_t i = 0; words && words[i]; i++)
		if (strstr(text, words[i]))
			return true;
	return false;
}

bool fact_key_has(const fact_entry *f, const char *const *words)
{
	return contains_any(f->key_norm, words);
}

const fact_entry *fact_find(const fact_bag *bag, const char *const *words, const char *const *unless)
{
	for (size_t i = 0; i < bag->n; i++)
		if (contains_any(bag->items[i].key_norm, words) && !contains_any(bag->items[i].key_norm, unless))
			return &bag->items[i];
	return NULL;
}

void first_name(char *out, size_t size, const char *name, bool organisation)
{
	static const char *const titles[] = {"dr.", "dr", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "prof.", "prof", NULL};
	const char *p = name;
	if (!organisation) {
		for (size_t i = 0; titles[i]; i++) {
			size_t len = strlen(titles[i]);
			if (!strncasecmp(p, titles[i], len) && p[len] == ' ') {
				p += len + 1;
				break;
			}
		}
		size_t len = strcspn(p, " ");
		if (len > 0) {
			snprintf(out, size, "%.*s", (int)len, p);
			return;
		}
	}
	snprintf(out, size, "%s", name);
}

const char *weekday_name(int weekday)
{
	static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
	return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

void day_phrase(char *out, size_t size, int64_t day, int64_t today)
{
	int64_t diff = day - today;
	if (diff >= -1 && diff <= 1)
		ago_phrase(out, size, day, today);
	else if (diff > 1 && diff < 7)
		snprintf(out, size, "on %s (in %lld days)", weekday_name(weekday_of_day(day)), (long long)diff);
	else if (diff < -1 && diff > -7)
		snprintf(out, size, "on %s (%lld days ago)", weekday_name(weekday_of_day(day)), (long long)-diff);
	else {
		char date[16];
		recip_date_format(date, sizeof(date), day * RECIP_DAY);
		if (diff > 0)
			snprintf(out, size, "on %s (in %lld days)", date, (long long)diff);
		else
			snprintf(out, size, "on %s (%lld days ago)", date, (long long)-diff);
	}
}

void ago_phrase(char *out, size_t size, int64_t day, int64_t today)
{
	int64_t diff = day - today;
	if (diff == 0)
		snprintf(out, size, "today");
	else if (diff == 1)
		snprintf(out, size, "tomorrow");
	else if (diff == -1)
		snprintf(out, size, "yesterday");
	else if (diff > 0)
		snprintf(out, size, "in %lld days", (long long)diff);
	else
		snprintf(out, size, "%lld days ago", (long long)-diff);
}

void ordinal(char *out, size_t size, int64_t n)
{
	const char *suffix = "th";
	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			suffix = "st";
		else if (n % 10 == 2)
			suffix = "nd";
		else if (n % 10 == 3)
			suffix = "rd";
	}
	snprintf(out, size, "%lld%s", (long long)n, suffix);
}
