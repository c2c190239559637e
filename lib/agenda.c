/*
 * agenda.c — the day in one view, recip's main job: the moments to act on,
 * promises due, favours we owe, our asks to follow up, whom to get back in
 * touch with, and the regulars expected today. Each section comes from the
 * engine's index range queries; only the items shown are described (their
 * names, facts and suggestions), so the cost follows what is on the page,
 * not the size of the ledger.
 */
#include "db.h"
#include "expected.h"
#include "moments.h"
#include "report.h"
#include "suggest.h"
#include "engine_rollup.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *section;
	const char *title;
} sections[] = {
	{"moments", "Moments"},
	{"promises", "Promises due"},
	{"owed", "Owed favours"},
	{"asks", "Asks to follow up"},
	{"due", "Get back in touch"},
	{"expected", "Expected today"},
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* total: how many there are; more: that there are more than total (the
 * moments stop being counted past the page's limit). */
static int section_json(recip_ctx *ctx, size_t s, size_t total, bool more, json_t *items, json_t **out)
{
	*out = json_pack("{s:s, s:s, s:I, s:b, s:o}", "section", sections[s].section, "title", sections[s].title,
	                 "total", (json_int_t)total, "more", more, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* Which moments of a section to show when there are more than `limit`:
 * the first of each trigger, then the second of each … so that every kind
 * of moment makes the page; they are shown in the list's order. */
static int pick_moments(recip_ctx *ctx, const moment_list *list, const char *section, size_t limit, bool **out,
                        size_t *total)
{
	*total = 0;
	bool *shown = calloc(list->n ? list->n : 1, sizeof(*shown));
	size_t *rank = calloc(list->n ? list->n : 1, sizeof(*rank));
	if (!shown || !rank) {
		free(shown);
		free(rank);
		return recip_oom(ctx);
	}
	size_t deepest = 0;
	for (size_t i = 0; i < list->n; i++) {
		if (strcmp(moment_section(&list->items[i]), section))
			continue;
		(*total)++;
		/* the list is sorted by trigger, so a trigger's moments are adjacent */
		bool same = i > 0 && list->items[i - 1].trigger == list->items[i].trigger;
		rank[i] = same ? rank[i - 1] + 1 : 0;
		if (rank[i] > deepest)
			deepest = rank[i];
	}
	size_t picked = 0;
	for (size_t level = 0; level <= deepest; level++)
		for (size_t i = 0; i < list->n && (!limit || picked < limit); i++)
			if (!strcmp(moment_section(&list->items[i]), section) && rank[i] == level) {
				shown[i] = true;
				picked++;
			}
	free(rank);
	*out = shown;
	return RECIP_OK;
}

static int moment_section_json(recip_ctx *ctx, recip_time as_of, const moment_list *list, size_t s, size_t limit,
                               json_t **out)
{
	bool *shown = NULL;
	size_t total = 0;
	int rc = pick_moments(ctx, list, sections[s].section, limit, &shown, &total);
	if (rc)
		return rc;
	json_t *items = json_array();
	if (!items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < list->n && !rc; i++) {
		if (!shown[i])
			continue;
		json_t *item;
		rc = moment_describe(ctx, as_of, &list->items[i], &item);
		if (!rc && jappend(items, item))
			rc = recip_oom(ctx);
	}
	free(shown);
	if (rc) {
		json_decref(items);
		return rc;
	}
	bool more = false;
	for (size_t t = 0; moment_trigger_section(t); t++)
		if (list->more[t] && !strcmp(moment_trigger_section(t), sections[s].section))
			more = true;
	return section_json(ctx, s, total, more, items, out);
}

static int due_section_json(recip_ctx *ctx, recip_time as_of, size_t s, size_t limit, json_t **out)
{
	due_row *rows;
	size_t n, total;
	int rc = due_collect(ctx, as_of, 0, limit, &rows, &n, &total);
	if (rc)
		return rc;
	json_t *items = NULL;
	rc = due_items(ctx, rows, n, as_of, &items);
	free(rows);
	return rc ? rc : section_json(ctx, s, total, false, items, out);
}

static int expected_section_json(recip_ctx *ctx, recip_time as_of, size_t s, size_t limit, json_t **out)
{
	json_t *doc;
	int rc = expected_report(ctx, &doc, as_of, as_of, limit);
	if (rc)
		return rc;
	json_t *items = json_incref(json_object_get(doc, "items"));
	size_t total = (size_t)json_integer_value(json_object_get(doc, "total"));
	json_decref(doc);
	return section_json(ctx, s, total, false, items, out);
}

static int agenda_build(recip_ctx *ctx, json_t **out, recip_time as_of, int limit)
{
	size_t shown = (size_t)(limit < 0 ? ctx->cfg.agenda_limit : limit);
	moment_list list;
	int rc = moments_collect(ctx, as_of, false, shown, &list);
	if (rc)
		return rc;
	json_t *array = json_array();
	if (!array)
		rc = recip_oom(ctx);
	for (size_t s = 0; s < N_SECTIONS && !rc; s++) {
		json_t *section = NULL;
		if (!strcmp(sections[s].section, "due"))
			rc = due_section_json(ctx, as_of, s, shown, &section);
		else if (!strcmp(sections[s].section, "expected"))
			rc = expected_section_json(ctx, as_of, s, shown, &section);
		else
			rc = moment_section_json(ctx, as_of, &list, s, shown, &section);
		if (!rc && jappend(array, section))
			rc = recip_oom(ctx);
	}
	moment_list_release(&list);
	if (rc) {
		json_decref(array);
		return rc;
	}
	char date[16];
	recip_date_format(date, sizeof(date), as_of);
	*out = json_pack("{s:o, s:s, s:s, s:I, s:o}", "as_of", jtime(as_of), "date", date, "weekday",
	                 weekday_name(weekday_of_day(day_of(as_of))), "limit", (json_int_t)shown, "sections", array);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* The sections' hundreds of small queries share one read transaction: one
 * snapshot, so the sections agree with each other while others write, and
 * one lock and one check of the file instead of one per query (a tenth of
 * the time at S in the server, bench/run). */
int recip_agenda_report(recip_ctx *ctx, json_t **out, recip_time as_of, int limit)
{
	bool own;
	int rc = db_read_begin(ctx, &own);
	if (rc)
		return rc;
	rc = agenda_build(ctx, out, as_of, limit);
	db_read_end(ctx, own);
	return rc;
}
