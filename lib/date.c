/*
 * date.c — dates, times and durations as people type them, and the civil
 * calendar arithmetic behind them (proleptic Gregorian, no time zones: a
 * recip_time is the business's wall-clock time; see docs/decisions.md).
 */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t yy = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

recip_time recip_time_from_civil(int year, int month, int day, int hour, int minute, int second)
{
	return days_from_civil(year, (unsigned)month, (unsigned)day) * RECIP_DAY + hour * 3600 + minute * 60 +
	       second;
}

void recip_time_to_civil(recip_time t, int *year, int *month, int *day, int *hour, int *minute, int *second,
                         int *weekday)
{
	int64_t days = day_of(t);
	int64_t secs = t - days * RECIP_DAY;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (year) *year = y;
	if (month) *month = m;
	if (day) *day = d;
	if (hour) *hour = (int)(secs / 3600);
	if (minute) *minute = (int)(secs / 60 % 60);
	if (second) *second = (int)(secs % 60);
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	if (weekday) *weekday = (int)(((days % 7) + 7 + 3) % 7);
}

void recip_time_format(char *out, size_t size, recip_time t)
{
	int y, m, d, hh, mm, ss;
	recip_time_to_civil(t, &y, &m, &d, &hh, &mm, &ss, NULL);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, ss);
}

void recip_date_format(char *out, size_t size, recip_time t)
{
	int y, m, d;
	recip_time_to_civil(t, &y, &m, &d, NULL, NULL, NULL, NULL);
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Parsers may run without a context (settings are checked before one
 * exists): then only the code comes back. */
#define fail(ctx, ...) ((ctx) ? recip_fail((ctx), RECIP_EINVAL, __VA_ARGS__) : RECIP_EINVAL)

/* "+3d", "-2w", "-1m", "+1y", "3d": an offset in days (months are calendar
 * months, years calendar years, kept on the same day of the month where it
 * exists). */
static bool parse_offset(const char *text, recip_time now, recip_time *out)
{
	const char *p = text;
	int sign = 1;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return false;
	char *end;
	long n = strtol(p, &end, 10);
	if (n < 0 || n > 100000 || end[0] == '\0' || end[1] != '\0')
		return false;
	int64_t days;
	switch (tolower((unsigned char)*end)) {
	case 'd': days = n; break;
	case 'w': days = n * 7; break;
	case 'm':
	case 'y': {
		int y, m, d;
		recip_time_to_civil(now, &y, &m, &d, NULL, NULL, NULL, NULL);
		int64_t months = (int64_t)y * 12 + (m - 1) + sign * (tolower((unsigned char)*end) == 'm' ? n : n * 12);
		int ny = (int)(months >= 0 ? months / 12 : (months - 11) / 12);
		int nm = (int)(months - (int64_t)ny * 12) + 1;
		if (ny < 1900 || ny > 2999)
			return false;
		int nd = d > days_in_month(ny, nm) ? days_in_month(ny, nm) : d;
		*out = days_from_civil(ny, (unsigned)nm, (unsigned)nd) * RECIP_DAY + (now - day_of(now) * RECIP_DAY);
		return true;
	}
	default: return false;
	}
	/* the years a written date may name (1900–2999): what an offset reaches
	 * must be writable, exportable and readable back */
	recip_time t = now + sign * days * RECIP_DAY;
	int y;
	recip_time_to_civil(t, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	if (y < 1900 || y > 2999)
		return false;
	*out = t;
	return true;
}

int recip_time_parse(recip_ctx *ctx, recip_time *out, const char *text, recip_time now, bool end_of_day)
{
	if (!text || !*text)
		return fail(ctx, "empty date");
	int64_t today = day_of(now);
	recip_time day_start;
	if (!strcasecmp(text, "now")) {
		*out = now;
		return RECIP_OK;
	}
	if (!strcasecmp(text, "today"))
		day_start = today * RECIP_DAY;
	else if (!strcasecmp(text, "yesterday"))
		day_start = (today - 1) * RECIP_DAY;
	else if (!strcasecmp(text, "tomorrow"))
		day_start = (today + 1) * RECIP_DAY;
	else if (text[0] == '+' || text[0] == '-') {
		if (!parse_offset(text, now, out))
			return fail(ctx, "bad date '%s' (try 2026-11-23, today, -3d or +2w)", text);
		return RECIP_OK;
	} else {
		const char *p = text;
		int y, m, d, hh = 0, mm = 0, ss = 0;
		bool has_time = false;
		if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &m) || *p++ != '-' || !digits(&p, 2, &d))
			return fail(ctx, "bad date '%s' (try 2026-11-23, today, -3d or +2w)", text);
		if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
			return fail(ctx, "no such date '%s'", text);
		if (*p == 'T' || *p == 't' || *p == ' ') {
			p++;
			has_time = true;
			if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mm))
				return fail(ctx, "bad time in '%s' (try 2026-11-23T08:15)", text);
			if (*p == ':') {
				p++;
				if (!digits(&p, 2, &ss))
					return fail(ctx, "bad time in '%s' (try 2026-11-23T08:15:30)", text);
			}
			/* fractions of a second are accepted and dropped */
			if (*p == '.' || *p == ',') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
			}
			if (hh > 23 || mm > 59 || ss > 59)
				return fail(ctx, "no such time in '%s'", text);
		}
		if (*p)
			return fail(ctx, "bad date '%s' (time zones are not supported: recip keeps local time)", text);
		recip_time t = recip_time_from_civil(y, m, d, hh, mm, ss);
		if (!has_time && end_of_day)
			t += RECIP_DAY - 1;
		*out = t;
		return RECIP_OK;
	}
	*out = end_of_day ? day_start + RECIP_DAY - 1 : day_start;
	return RECIP_OK;
}

int recip_duration_parse(recip_ctx *ctx, int *out_days, const char *text)
{
	if (!text || !*text)
		return fail(ctx, "empty duration");
	const char *p = text;
	if (!isdigit((unsigned char)*p))
		return fail(ctx, "bad duration '%s' (try 30d, 2w, 3m or 1y)", text);
	char *end;
	long n = strtol(p, &end, 10);
	if (n < 0 || n > 36500)
		return fail(ctx, "duration '%s' is out of range", text);
	long days;
	if (*end == '\0')
		days = n;
	else if (end[1] != '\0')
		return fail(ctx, "bad duration '%s' (try 30d, 2w, 3m or 1y)", text);
	else {
		switch (tolower((unsigned char)*end)) {
		case 'd': days = n; break;
		case 'w': days = n * 7; break;
		case 'm': days = n * 30; break;
		case 'y': days = n * 365; break;
		default: return fail(ctx, "bad duration '%s' (try 30d, 2w, 3m or 1y)", text);
		}
	}
	if (days > 36500)
		return fail(ctx, "duration '%s' is out of range", text);
	*out_days = (int)days;
	return RECIP_OK;
}

int annual_date_parse(recip_ctx *ctx, char *out, size_t size, const char *what, const char *text)
{
	const char *p = text;
	int y = 0, m, d;
	bool year = true;
	if (p[0] == '-' && p[1] == '-') {
		p += 2;
		year = false;
	} else if (!digits(&p, 4, &y) || *p++ != '-') {
		return recip_fail(ctx, RECIP_EINVAL, "bad %s '%s' (try 1984-05-17, or --05-17 without the year)", what,
		                  text);
	}
	if (!digits(&p, 2, &m) || *p++ != '-' || !digits(&p, 2, &d) || *p)
		return recip_fail(ctx, RECIP_EINVAL, "bad %s '%s' (try 1984-05-17, or --05-17 without the year)", what,
		                  text);
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(year ? y : 2000, m) || (year && (y < 1800 || y > 2999)))
		return recip_fail(ctx, RECIP_EINVAL, "no such %s '%s'", what, text);
	if (year)
		snprintf(out, size, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(out, size, "--%02d-%02d", m, d);
	return RECIP_OK;
}

int annual_date_days_until(const char *annual, int64_t day)
{
	int m, d;
	const char *md = annual[0] == '-' ? annual + 2 : annual + 5;
	if (sscanf(md, "%2d-%2d", &m, &d) != 2)
		return -1;
	int y, this_month, this_day;
	civil_from_days(day, &y, &this_month, &this_day);
	for (int k = 0; k < 2; k++) {
		int yy = y + k;
		/* 29 February is kept on 28 February in other years */
		int dd = (m == 2 && d == 29 && !leap(yy)) ? 28 : d;
		int64_t target = days_from_civil(yy, (unsigned)m, (unsigned)dd);
		if (target >= day)
			return (int)(target - day);
	}
	return -1;
}
