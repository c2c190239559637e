/*
 * ical.c — the agenda ahead as iCalendar (RFC 5545), built with libical:
 * birthdays and anniversaries as all-day events that recur every year,
 * promises as to-dos with their due dates, and parties due for contact as
 * to-dos. recip's times are the business's wall-clock time, which is what
 * iCalendar calls floating time: they are written without a zone.
 *
 * Every entry's UID is derived from what it is about (the party or promise,
 * its id and when it was recorded), never from the export, so a calendar
 * that imports the file again updates its entries instead of doubling them.
 *
 * Each kind of entry comes from one source in the table at the end: a new
 * kind is one function that adds components and one line in that table.
 */
#include "import.h"
#include "entity.h"
#include "db.h"
#include "report.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct agenda {
	recip_ctx *ctx;
	icalcomponent *cal;
	recip_time as_of;
	int days;
	struct icaltimetype stamp;   /* DTSTAMP of every entry */
} agenda;

/* ---- times and UIDs ------------------------------------------------------------------ */

static struct icaltimetype ical_date(int year, int month, int day)
{
	struct icaltimetype t = icaltime_null_date();
	t.year = year;
	t.month = month;
	t.day = day;
	return t;
}

static struct icaltimetype ical_day_of(recip_time when)
{
	int y, m, d;
	recip_time_to_civil(when, &y, &m, &d, NULL, NULL, NULL, NULL);
	return ical_date(y, m, d);
}

/* A wall-clock time: floating (no zone). */
static struct icaltimetype ical_floating(recip_time when)
{
	struct icaltimetype t = icaltime_null_time();
	recip_time_to_civil(when, &t.year, &t.month, &t.day, &t.hour, &t.minute, &t.second, NULL);
	return t;
}

/* "recip-birthday-<digest>@recip": the same for the same thing, always. */
static void entry_uid(const char *what, int64_t id, recip_time created, char out[80])
{
	char seed[96], hex[33];
	snprintf(seed, sizeof(seed), "%s:%lld:%lld", what, (long long)id, (long long)created);
	content_digest(seed, strlen(seed), hex);
	snprintf(out, 80, "recip-%s-%s@recip", what, hex);
}

static int add_common(agenda *a, icalcomponent *c, const char *uid, const char *summary, const char *description)
{
	icalcomponent_add_property(c, icalproperty_new_uid(uid));
	icalcomponent_add_property(c, icalproperty_new_dtstamp(a->stamp));
	icalcomponent_add_property(c, icalproperty_new_summary(summary));
	if (description && *description)
		icalcomponent_add_property(c, icalproperty_new_description(description));
	icalcomponent_add_component(a->cal, c);
	return RECIP_OK;
}

/* A few facts about the party, for the entry's description. */
static int facts_text(agenda *a, int64_t party, buf *out)
{
	json_t *facts;
	int rc = report_facts(a->ctx, party, 3, &facts);
	if (rc)
		return rc;
	size_t i;
	json_t *f;
	json_array_foreach(facts, i, f) buf_printf(out, "%s%s: %s", out->len ? "\n" : "",
	                                           json_string_value(json_object_get(f, "key")),
	                                           json_string_value(json_object_get(f, "value")));
	json_decref(facts);
	return out->failed ? recip_oom(a->ctx) : RECIP_OK;
}

/* ---- birthdays and anniversaries ------------------------------------------------------------ */

static int add_yearly(agenda *a, int64_t party, recip_time created, const char *name, const char *annual,
                      const char *what)
{
	int year = 2000, month, day; /* no year known: from 2000, a leap year, so 29 February exists */
	if (annual[0] == '-') {
		if (sscanf(annual, "--%2d-%2d", &month, &day) != 2)
			return RECIP_OK;
	} else if (sscanf(annual, "%4d-%2d-%2d", &year, &month, &day) != 3) {
		return RECIP_OK;
	}
	icalcomponent *event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	if (!event)
		return recip_oom(a->ctx);
	struct icaltimetype start = ical_date(year, month, day);
	icalcomponent_add_property(event, icalproperty_new_dtstart(start));
	icalcomponent_add_property(event, icalproperty_new_dtend(icaltime_add(start, icaldurationtype_from_int(86400))));
	struct icalrecurrencetype rule;
	icalrecurrencetype_clear(&rule);
	rule.freq = ICAL_YEARLY_RECURRENCE;
	if (month == 2 && day == 29) { /* kept on the last day of February in other years */
		rule.by_month[0] = 2;
		rule.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
		rule.by_month_day[0] = -1;
		rule.by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
	icalcomponent_add_property(event, icalproperty_new_rrule(rule));
	icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	icalcomponent_add_property(event, icalproperty_new_categories(!strcmp(what, "birthday") ? "Birthday" : "Anniversary"));
	char uid[80];
	entry_uid(what, party, created, uid);
	buf summary = BUF_INIT, description = BUF_INIT;
	buf_printf(&summary, "%s: %s", !strcmp(what, "birthday") ? "Birthday" : "Anniversary", name);
	int rc = facts_text(a, party, &description);
	if (!rc && summary.failed)
		rc = recip_oom(a->ctx);
	if (!rc)
		rc = add_common(a, event, uid, summary.data, description.data);
	else
		icalcomponent_free(event);
	buf_release(&summary);
	buf_release(&description);
	return rc;
}

static int add_birthdays(agenda *a)
{
	db_stmt *st;
	int rc = db_query(a->ctx, &st,
	                  "SELECT id, created_at, name, birthday, anniversary FROM party WHERE archived = 0 "
	                  "AND (birthday IS NOT NULL OR anniversary IS NOT NULL) ORDER BY id",
	                  "");
	if (rc)
		return rc;
	while (!rc && (rc = db_step(a->ctx, st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		recip_time created = db_col_int(st, 1);
		const char *name = db_col_text(st, 2), *birthday = db_col_text(st, 3), *anniversary = db_col_text(st, 4);
		rc = RECIP_OK;
		if (birthday)
			rc = add_yearly(a, id, created, name, birthday, "birthday");
		if (!rc && anniversary)
			rc = add_yearly(a, id, created, name, anniversary, "anniversary");
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

/* ---- promises ----------------------------------------------------------------------------- */

/* Open promises made by as_of, and those kept or broken in the 30 days
 * before it (so a calendar sees them done). */
static int add_promises(agenda *a)
{
	db_stmt *st;
	int rc = db_query(a->ctx, &st,
	                  "SELECT pr.id, pr.created_at, pr.what, pr.due_at, pr.status, pr.note, p.name, pr.resolved_at "
	                  "FROM promise pr JOIN party p ON p.id = pr.party_id WHERE pr.at <= ? AND "
	                  "(pr.status = 'open' OR pr.resolved_at >= ?) ORDER BY pr.due_at, pr.id",
	                  "ii", a->as_of, a->as_of - 30 * RECIP_DAY);
	if (rc)
		return rc;
	while (!rc && (rc = db_step(a->ctx, st)) == DB_ROW) {
		rc = RECIP_OK;
		icalcomponent *todo = icalcomponent_new(ICAL_VTODO_COMPONENT);
		if (!todo) {
			rc = recip_oom(a->ctx);
			break;
		}
		const char *status = db_col_text(st, 4);
		bool resolved = strcmp(status, "open") && !db_col_null(st, 7) && db_col_int(st, 7) <= a->as_of;
		icalcomponent_add_property(todo, icalproperty_new_due(ical_floating(db_col_int(st, 3))));
		if (!resolved)
			icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
		else if (!strcmp(status, "kept"))
			icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_COMPLETED));
		else
			icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_CANCELLED));
		if (resolved && !strcmp(status, "kept"))
			icalcomponent_add_property(todo, icalproperty_new_percentcomplete(100));
		icalcomponent_add_property(todo, icalproperty_new_categories("Promise"));
		char uid[80];
		entry_uid("promise", db_col_int(st, 0), db_col_int(st, 1), uid);
		buf summary = BUF_INIT;
		buf_printf(&summary, "Promise to %s: %s", db_col_text(st, 6), db_col_text(st, 2));
		rc = summary.failed ? recip_oom(a->ctx) : add_common(a, todo, uid, summary.data, db_col_text(st, 5));
		if (rc)
			icalcomponent_free(todo);
		buf_release(&summary);
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

/* ---- contacts due ---------------------------------------------------------------------------- */

static int add_due(agenda *a)
{
	json_t *doc;
	int rc = recip_due_report(a->ctx, &doc, a->as_of, a->days);
	if (rc)
		return rc;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(doc, "items"), i, item) {
		int64_t party = json_integer_value(json_object_get(item, "party"));
		recip_time created;
		if ((rc = db_int(a->ctx, &created, 0, "SELECT created_at FROM party WHERE id = ?", "i", party)))
			break;
		icalcomponent *todo = icalcomponent_new(ICAL_VTODO_COMPONENT);
		if (!todo) {
			rc = recip_oom(a->ctx);
			break;
		}
		/* due on its day, or today when never in touch */
		const char *due_on = json_string_value(json_object_get(item, "due_on"));
		int y, m, d;
		struct icaltimetype due = due_on && sscanf(due_on, "%4d-%2d-%2d", &y, &m, &d) == 3 ? ical_date(y, m, d)
		                                                                                 : ical_day_of(a->as_of);
		icalcomponent_add_property(todo, icalproperty_new_due(due));
		icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
		icalcomponent_add_property(todo, icalproperty_new_categories("Keep in touch"));
		buf summary = BUF_INIT, description = BUF_INIT;
		buf_printf(&summary, "Get in touch with %s", json_string_value(json_object_get(item, "name")));
		buf_printf(&description, "keep in touch every %lld days",
		           (long long)json_integer_value(json_object_get(item, "cadence_days")));
		json_t *last = json_object_get(item, "last_contact");
		if (json_is_object(last))
			buf_printf(&description, "; last contact %.10s: %s", json_string_value(json_object_get(last, "at")),
			           json_string_value(json_object_get(last, "summary")));
		else
			buf_adds(&description, "; never in touch yet");
		rc = facts_text(a, party, &description);
		char uid[80];
		entry_uid("due", party, created, uid);
		if (!rc && (summary.failed || description.failed))
			rc = recip_oom(a->ctx);
		if (!rc)
			rc = add_common(a, todo, uid, summary.data, description.data);
		else
			icalcomponent_free(todo);
		buf_release(&summary);
		buf_release(&description);
		if (rc)
			break;
	}
	json_decref(doc);
	return rc;
}

/* ---- moments ------------------------------------------------------------------------------------ */

/* The engine's moments as of the export (recip moments) as to-dos: each is
 * something to do for a person now, due today or, for one ahead (a
 * birthday), on its day. Moments of promises are left out: the promises
 * are to-dos of their own. A moment's key names its party and the event
 * behind it, so its UID stays the same while it waits to be acted on. */
static int add_moments(agenda *a)
{
	json_t *doc;
	int rc = recip_moments_report(a->ctx, &doc, a->as_of);
	if (rc)
		return rc;
	char today[16];
	recip_date_format(today, sizeof(today), a->as_of);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "items"), i, m) {
		const char *key = json_string_value(json_object_get(m, "key"));
		const char *trigger = json_string_value(json_object_get(m, "trigger"));
		const char *at = json_string_value(json_object_get(m, "at"));
		if (!key || !trigger || !strcmp(trigger, "promise"))
			continue;
		icalcomponent *todo = icalcomponent_new(ICAL_VTODO_COMPONENT);
		if (!todo) {
			rc = recip_oom(a->ctx);
			break;
		}
		int y, mo, d;
		const char *day = at && strncmp(at, today, 10) > 0 ? at : today;
		if (sscanf(day, "%4d-%2d-%2d", &y, &mo, &d) != 3)
			sscanf(today, "%4d-%2d-%2d", &y, &mo, &d);
		icalcomponent_add_property(todo, icalproperty_new_due(ical_date(y, mo, d)));
		icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
		icalcomponent_add_property(todo, icalproperty_new_categories("Moment"));
		char seed[160], hex[33], uid[80];
		snprintf(seed, sizeof(seed), "moment:%s", key);
		content_digest(seed, strlen(seed), hex);
		snprintf(uid, sizeof(uid), "recip-moment-%s@recip", hex);
		buf summary = BUF_INIT, description = BUF_INIT;
		/* "Isla MacLeod: first visit" */
		buf_printf(&summary, "%s: ", json_string_value(json_object_get(m, "name")));
		for (const char *t = trigger; *t; t++)
			buf_addc(&summary, *t == '-' ? ' ' : *t);
		buf_adds(&description, json_string_value(json_object_get(m, "suggestion")));
		rc = summary.failed || description.failed ? recip_oom(a->ctx) : add_common(a, todo, uid, summary.data,
		                                                                            description.data);
		if (rc)
			icalcomponent_free(todo);
		buf_release(&summary);
		buf_release(&description);
		if (rc)
			break;
	}
	json_decref(doc);
	return rc;
}

/* ---- the calendar ------------------------------------------------------------------------------ */

/* Where the agenda's entries come from. To add one, write a function that
 * adds components to a->cal and list it here. */
static const struct {
	const char *name;
	int (*add)(agenda *a);
} sources[] = {
	{"birthdays and anniversaries", add_birthdays},
	{"promises", add_promises},
	{"contacts due", add_due},
	{"moments", add_moments},
};

int recip_export_ical(recip_ctx *ctx, recip_time as_of, int days, recip_time now, const recip_sink *out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (days < 0)
		return recip_fail(ctx, RECIP_EINVAL, "the window must not be negative");
	agenda a = {ctx, icalcomponent_new(ICAL_VCALENDAR_COMPONENT), as_of, days, icaltime_null_time()};
	if (!a.cal)
		return recip_oom(ctx);
	a.stamp = ical_floating(now);
	a.stamp.zone = icaltimezone_get_utc_timezone();
	char prodid[64];
	snprintf(prodid, sizeof(prodid), "-//recip//recip %s//EN", recip_version());
	icalcomponent_add_property(a.cal, icalproperty_new_prodid(prodid));
	icalcomponent_add_property(a.cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(a.cal, icalproperty_new_calscale("GREGORIAN"));
	icalproperty *name = icalproperty_new_x("recip");
	icalproperty_set_x_name(name, "X-WR-CALNAME");
	icalcomponent_add_property(a.cal, name);
	/* one snapshot: the entries agree with each other while others write */
	bool own;
	int rc = db_read_begin(ctx, &own);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && !rc; i++)
		rc = sources[i].add(&a);
	db_read_end(ctx, own);
	if (!rc) {
		char *text = icalcomponent_as_ical_string_r(a.cal);
		rc = text ? sink_write(ctx, out, text, strlen(text)) : recip_oom(ctx);
		icalmemory_free_buffer(text);
	}
	icalcomponent_free(a.cal);
	return rc;
}
