/*
 * calendar.c — the calendar feed's content until the interop export
 * (issue 5) lands: one all-day event per party due for contact in the next
 * two weeks, from the library's due report, written with libical. The
 * route and its feed token (routes.c) stay when this is swapped out: set
 * calendar_export to the interop function of the same signature.
 */
#include <libical/ical.h>
#include <recip/recip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define CALENDAR_DAYS 14

const calendar_export_fn calendar_export = calendar_due_export;

static struct icaltimetype ical_date(recip_time t)
{
	int y, m, d, hh, mm, ss, wd;
	recip_time_to_civil(t, &y, &m, &d, &hh, &mm, &ss, &wd);
	struct icaltimetype day = icaltime_null_date();
	day.year = y;
	day.month = m;
	day.day = d;
	return day;
}

int calendar_due_export(recip_ctx *ctx, recip_time as_of, char **out)
{
	json_t *due;
	int rc = recip_due_report(ctx, &due, as_of, CALENDAR_DAYS);
	if (rc)
		return rc;
	icalcomponent *cal = icalcomponent_vanew(
		ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
		icalproperty_new_prodid("-//recip//recip " RECIP_VERSION "//EN"), icalproperty_new_calscale("GREGORIAN"),
		icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
	/* DTSTAMP is an instant in UTC: the server's clock, not the ledger's time */
	struct icaltimetype stamp = icaltime_from_timet_with_zone(time(NULL), 0, icaltimezone_get_utc_timezone());
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(due, "items"), i, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));
		const char *due_on = json_string_value(json_object_get(item, "due_on"));
		recip_time day = as_of;
		if (due_on && recip_time_parse(ctx, &day, due_on, as_of, false) != RECIP_OK)
			day = as_of;
		if (day < as_of) /* overdue: it is on today's list */
			day = as_of;
		char uid[96], date[16];
		recip_date_format(date, sizeof(date), day);
		snprintf(uid, sizeof(uid), "due-%lld-%s@recip", (long long)json_integer_value(json_object_get(item, "party")),
		         date);
		buf summary = BUF_INIT, description = BUF_INIT;
		buf_printf(&summary, "Get in touch with %s", name ? name : "?");
		json_t *last = json_object_get(item, "last_contact");
		if (json_is_object(last))
			buf_printf(&description, "Last contact: %s (%.10s).", json_string_value(json_object_get(last, "summary")),
			           json_string_value(json_object_get(last, "at")));
		else
			buf_adds(&description, "Never contacted yet.");
		size_t k;
		json_t *fact;
		json_array_foreach(json_object_get(item, "facts"), k, fact)
			buf_printf(&description, "\n%s: %s", json_string_value(json_object_get(fact, "key")),
			           json_string_value(json_object_get(fact, "value")));
		struct icaltimetype start = ical_date(day), end = ical_date(day + RECIP_DAY);
		icalcomponent *ev = icalcomponent_vanew(
			ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid), icalproperty_new_dtstamp(stamp),
			icalproperty_new_dtstart(start), icalproperty_new_dtend(end),
			icalproperty_new_summary(summary.data), icalproperty_new_description(description.data),
			icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT), (void *)0);
		buf_release(&summary);
		buf_release(&description);
		icalcomponent_add_component(cal, ev);
	}
	json_decref(due);
	char *text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!text)
		return RECIP_ENOMEM;
	*out = text;
	return RECIP_OK;
}
