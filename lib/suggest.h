/*
 * suggest.h — what the engine's suggestions are made of: a party's facts
 * looked up by the words their keys contain ("regular order", "favourite
 * table", "kids" …), first names, and dates said the way people say them.
 */
#ifndef RECIP_SUGGEST_H
#define RECIP_SUGGEST_H

#include "internal.h"

typedef struct fact_entry {
	char *key;
	char *key_norm;
	char *value;
} fact_entry;

/* A party's facts, loaded once (one indexed query) for several lookups. */
typedef struct fact_bag {
	fact_entry *items;
	size_t n;
} fact_bag;

/* Word lists for fact_find, NULL-terminated. */
extern const char *const FACT_ORDER[];      /* regular order, drink, coffee, usual */
extern const char *const FACT_PLACE[];      /* favourite table, seat */
extern const char *const FACT_FAVOURITE[];  /* favourite, loves, likes */
extern const char *const FACT_INTEREST[];   /* interest, hobby, sport, team, reads, plays … */
extern const char *const FACT_FAMILY[];     /* kids, children, partner, dog … */

int fact_bag_load(recip_ctx *ctx, int64_t party, fact_bag *out);
void fact_bag_release(fact_bag *bag);
/* The first fact (by key) whose key contains one of the words and none of
 * `unless` (may be NULL), or NULL. */
const fact_entry *fact_find(const fact_bag *bag, const char *const *words, const char *const *unless);
/* Whether a fact's key contains one of the words. */
bool fact_key_has(const fact_entry *f, const char *const *words);

/* "Ana" from "Ana Lopez", "Amira" from "Dr. Amira Hassan"; an
 * organisation's whole name. Writes into out. */
void first_name(char *out, size_t size, const char *name, bool organisation);
/* A day relative to today: "today", "tomorrow", "yesterday", "on Thursday"
 * (within a week), else "on 2026-11-02". */
void day_phrase(char *out, size_t size, int64_t day, int64_t today);
/* "today", "yesterday", "12 days ago", "tomorrow", "in 3 days". */
void ago_phrase(char *out, size_t size, int64_t day, int64_t today);
/* "1st", "2nd", "3rd", "25th" … */
void ordinal(char *out, size_t size, int64_t n);
/* "Monday" … for 0 … 6. */
const char *weekday_name(int weekday);

#endif
