/*
 * config.c — the settings of the engine: built-in defaults, the INI file
 * (read with inih) and single overrides, with where each value came from.
 * Every setting is one row of the table below, with its help text: `recip
 * config`, the man page and docs/config.md are made from it.
 */
#include "internal.h"
#include "rollup.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum setting_type {
	SET_NUMBER,   /* a decimal number */
	SET_DAYS,     /* a duration in days: "30d", "2w", "180" */
	SET_COUNT,    /* a whole number */
	SET_SHARE     /* a share, 0..1 (or a percentage "60%") */
} setting_type;

typedef struct setting {
	const char *name;
	setting_type type;
	size_t offset;
	const char *builtin;
	double min, max;
	const char *help;
} setting;

#define OFF(field) offsetof(config, field)

static const setting settings[] = {
	{"balance.half_life", SET_DAYS, OFF(half_life), "180d", 1, 36500,
	 "a give or receive counts half as much after this long"},
	{"balance.personal_bonus", SET_NUMBER, OFF(personal_bonus), "1.5", 1, 10,
	 "weight multiplier of a personal exchange"},
	{"balance.unexpected_bonus", SET_NUMBER, OFF(unexpected_bonus), "1.5", 1, 10,
	 "weight multiplier of an unexpected exchange"},
	{"touch.default_cadence", SET_DAYS, OFF(default_cadence), "0", 0, 3650,
	 "keep-in-touch cadence of a party whose roles set none (0: never due)"},
	{"touch.need_window", SET_DAYS, OFF(need_window), "180d", 1, 3650,
	 "how far back the need-only share looks"},
	{"touch.need_share", SET_SHARE, OFF(need_share), "0.5", 0, 1,
	 "a relationship is need-only when more than this share of our outreach was a need or an ask"},
	{"touch.need_min_outreach", SET_COUNT, OFF(need_min_outreach), "2", 1, 1000,
	 "… and at least this much outreach was seen"},
	{"gate.min_balance", SET_NUMBER, OFF(gate_min_balance), "1", -1000, 1000,
	 "the balance must be at least this before we ask"},
	{"gate.cooldown", SET_DAYS, OFF(gate_cooldown), "30d", 0, 3650,
	 "time to leave after our last ask before the next"},
	{"genuine.window", SET_DAYS, OFF(genuine_window), "7d", 1, 365,
	 "a give followed by our ask within this long looks transactional"},
	{"genuine.share", SET_SHARE, OFF(transactional_share), "0.5", 0, 1,
	 "warn when more than this share of our gives to a party were followed by an ask"},
	{"genuine.min_gives", SET_COUNT, OFF(transactional_min_gives), "2", 1, 1000,
	 "… once at least this many gives were seen"},
	{"advocacy.nps_window", SET_DAYS, OFF(nps_window), "90d", 1, 3650,
	 "the NPS counts each party's latest answer within this long"},
	{"advocacy.growth_period", SET_DAYS, OFF(growth_period), "90d", 1, 3650,
	 "the period of the growth report (referrals, K-factor) unless --period says otherwise"},
	{"moments.nth_visit", SET_COUNT, OFF(moment_nth_visit), "25", 0, 10000,
	 "every n-th visit is a moment to celebrate (0: off)"},
	{"moments.birthday_within", SET_DAYS, OFF(moment_birthday_days), "7d", 0, 60,
	 "birthdays and anniversaries this close are moments"},
	{"moments.lapsed_factor", SET_NUMBER, OFF(moment_lapsed_factor), "2", 1, 100,
	 "a regular is lapsed after this many times their usual gap between visits"},
	{"moments.lapsed_min_visits", SET_COUNT, OFF(moment_lapsed_min_visits), "4", 2, 10000,
	 "visits needed before a customer can lapse"},
	{"moments.lapsed_min_gap", SET_DAYS, OFF(moment_lapsed_min_days), "7d", 1, 3650,
	 "a regular is never lapsed before this long away (a weekday regular is not lapsed on Monday)"},
	{"moments.owe_below", SET_NUMBER, OFF(moment_owe_threshold), "-3", -1000, 0,
	 "we owe them when the balance is below this"},
	{"moments.first_visit_within", SET_DAYS, OFF(moment_first_visit_days), "7d", 0, 365,
	 "a first visit stays a moment this long"},
	{"moments.promise_within", SET_DAYS, OFF(moment_promise_days), "3d", 0, 365,
	 "promises due this soon are on the agenda"},
	{"moments.milestone_within", SET_DAYS, OFF(moment_milestone_days), "7d", 0, 365,
	 "an n-th visit stays a moment this long"},
	{"moments.lapsed_within", SET_DAYS, OFF(moment_lapsed_days), "60d", 1, 3650,
	 "a lapsed regular stays a moment this long after the lapse"},
	{"moments.referral_within", SET_DAYS, OFF(moment_referral_days), "30d", 1, 3650,
	 "a referral stays a moment to thank its referrer this long at most"},
	{"moments.detractor_within", SET_DAYS, OFF(moment_detractor_days), "30d", 1, 3650,
	 "an NPS detractor (0-6) not followed up stays a moment this long"},
	{"moments.follow_up_after", SET_DAYS, OFF(moment_follow_up_days), "7d", 1, 365,
	 "follow up an open ask of ours after this long without contact"},
	{"expected.window", SET_DAYS, OFF(expected_window), "90d", 7, 3650,
	 "a regular not seen for this long is not expected"},
	{"expected.min_visits", SET_COUNT, OFF(expected_min_visits), "3", 1, 10000,
	 "visits that make a regular (and weeks of history a likelihood is judged on at least)"},
	{"expected.min_likelihood", SET_SHARE, OFF(expected_min_likelihood), "0.3", 0.01, 1,
	 "expect a regular when the likelihood of a visit that day is at least this"},
	{"expected.half_life", SET_DAYS, OFF(expected_half_life), "8w", 7, 3650,
	 "a visit on a weekday counts half as much towards that weekday's habit after this long"},
	{"agenda.limit", SET_COUNT, OFF(agenda_limit), "10", 0, 10000,
	 "items shown per section of the agenda (0: all)"},
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))
static_assert(N_SETTINGS <= sizeof(((config *)0)->sources) / sizeof(((config *)0)->sources[0]),
              "config.sources is too small for the settings table");

static const struct {
	const char *name;
	const char *value;
} builtin_kinds[] = {
	{"favour", "3"}, {"gift", "2"}, {"introduction", "4"}, {"referral", "5"}, {"review", "3"},
	{"advice", "2"}, {"hospitality", "2"}, {"discount", "1"}, {"treat", "1"}, {"help", "2"},
	{"vote", "1"}, {"other", "1"},
};

static const struct {
	const char *role;
	const char *days;
} builtin_cadences[] = {
	{"client", "30d"}, {"partner", "45d"}, {"prospect", "14d"}, {"supplier", "90d"}, {"customer", "0"},
};

/* ---- parsing values -------------------------------------------------------- */

static bool parse_number(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || errno || !isfinite(v))
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return false;
	*out = v;
	return true;
}

static bool parse_share(const char *text, double *out)
{
	size_t len = strlen(text);
	if (len > 1 && text[len - 1] == '%') {
		char tmp[32];
		if (len >= sizeof(tmp))
			return false;
		memcpy(tmp, text, len - 1);
		tmp[len - 1] = '\0';
		double v;
		if (!parse_number(tmp, &v))
			return false;
		*out = v / 100.0;
		return true;
	}
	return parse_number(text, out);
}

static const char *type_hint(setting_type type)
{
	switch (type) {
	case SET_DAYS: return "a duration such as 30d, 2w or 180";
	case SET_COUNT: return "a whole number";
	case SET_SHARE: return "a share such as 0.5 or 50%";
	default: return "a number";
	}
}

/* Parses and range-checks a value for a setting; on failure writes why. */
static bool setting_parse(const setting *s, const char *text, double *out, char *why, size_t why_size)
{
	double v;
	bool ok;
	if (s->type == SET_DAYS) {
		int days;
		ok = recip_duration_parse(NULL, &days, text) == RECIP_OK;
		v = days;
	} else if (s->type == SET_SHARE) {
		ok = parse_share(text, &v);
	} else {
		ok = parse_number(text, &v);
		if (ok && s->type == SET_COUNT && v != floor(v))
			ok = false;
	}
	if (!ok) {
		snprintf(why, why_size, "expected %s", type_hint(s->type));
		return false;
	}
	if (v < s->min || v > s->max) {
		snprintf(why, why_size, "must be between %g and %g", s->min, s->max);
		return false;
	}
	*out = v;
	return true;
}

static void setting_store(config *cfg, const setting *s, double v)
{
	char *field = (char *)cfg + s->offset;
	if (s->type == SET_NUMBER || s->type == SET_SHARE)
		*(double *)field = v;
	else
		*(int *)field = (int)v;
}

static double setting_value(const config *cfg, const setting *s)
{
	const char *field = (const char *)cfg + s->offset;
	if (s->type == SET_NUMBER || s->type == SET_SHARE)
		return *(const double *)field;
	return *(const int *)field;
}

static const setting *setting_find(const char *name)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (!strcasecmp(settings[i].name, name))
			return &settings[i];
	return NULL;
}

/* ---- families: exchange kinds and cadences by role ------------------------- */

static bool name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len >= CONFIG_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

static int set_kind(config *cfg, const char *name, const char *text, const char *source, char *why,
                    size_t why_size)
{
	double v;
	if (!name_ok(name)) {
		snprintf(why, why_size, "a kind is a lower-case word (letters, digits, - and _)");
		return -1;
	}
	if (!parse_number(text, &v) || v < 0 || v > 1000) {
		snprintf(why, why_size, "expected a value between 0 and 1000");
		return -1;
	}
	config_kind *k = NULL;
	for (size_t i = 0; i < cfg->n_kinds; i++)
		if (!strcmp(cfg->kinds[i].name, name))
			k = &cfg->kinds[i];
	if (!k) {
		if (cfg->n_kinds == CONFIG_MAX_KINDS) {
			snprintf(why, why_size, "too many exchange kinds (at most %d)", CONFIG_MAX_KINDS);
			return -1;
		}
		k = &cfg->kinds[cfg->n_kinds++];
		snprintf(k->name, sizeof(k->name), "%s", name);
	}
	k->value = v;
	snprintf(k->source, sizeof(k->source), "%s", source);
	return 0;
}

static int set_cadence(config *cfg, const char *role, const char *text, const char *source, char *why,
                       size_t why_size)
{
	int days;
	if (!name_ok(role)) {
		snprintf(why, why_size, "a role is a lower-case word (letters, digits, - and _)");
		return -1;
	}
	if (recip_duration_parse(NULL, &days, text) != RECIP_OK || days > 3650) {
		snprintf(why, why_size, "expected a duration such as 30d, 2w or 0 for never");
		return -1;
	}
	config_cadence *c = NULL;
	for (size_t i = 0; i < cfg->n_cadences; i++)
		if (!strcmp(cfg->cadences[i].role, role))
			c = &cfg->cadences[i];
	if (!c) {
		if (cfg->n_cadences == CONFIG_MAX_CADENCES) {
			snprintf(why, why_size, "too many roles with a cadence (at most %d)", CONFIG_MAX_CADENCES);
			return -1;
		}
		c = &cfg->cadences[cfg->n_cadences++];
		snprintf(c->role, sizeof(c->role), "%s", role);
	}
	c->days = days;
	snprintf(c->source, sizeof(c->source), "%s", source);
	return 0;
}

/* [triggers] NAME = on|off: a moment trigger of the table in moments.c. */
static int set_trigger(config *cfg, const char *name, const char *text, const char *source, char *why,
                       size_t why_size)
{
	size_t index = 0;
	const char *known;
	while ((known = moment_trigger_name(index)) && strcasecmp(known, name))
		index++;
	if (!known) {
		buf names = BUF_INIT;
		for (size_t i = 0; moment_trigger_name(i); i++)
			buf_printf(&names, "%s%s", i ? ", " : "", moment_trigger_name(i));
		snprintf(why, why_size, "unknown trigger (known: %s)", names.data);
		buf_release(&names);
		return -1;
	}
	bool on;
	if (!strcasecmp(text, "on") || !strcasecmp(text, "yes") || !strcasecmp(text, "true") || !strcmp(text, "1"))
		on = true;
	else if (!strcasecmp(text, "off") || !strcasecmp(text, "no") || !strcasecmp(text, "false") || !strcmp(text, "0"))
		on = false;
	else {
		snprintf(why, why_size, "expected on or off");
		return -1;
	}
	assert(index < CONFIG_MAX_TRIGGERS);
	cfg->trigger_off[index] = !on;
	snprintf(cfg->trigger_sources[index], CONFIG_SOURCE_MAX, "%s", source);
	return 0;
}

/* Sets "section.key" = text; 0, or -1 with why filled in. */
static int config_apply(config *cfg, const char *name, const char *text, const char *source, char *why,
                        size_t why_size)
{
	if (!strncasecmp(name, "kinds.", 6))
		return set_kind(cfg, name + 6, text, source, why, why_size);
	if (!strncasecmp(name, "cadence.", 8))
		return set_cadence(cfg, name + 8, text, source, why, why_size);
	if (!strncasecmp(name, "triggers.", 9))
		return set_trigger(cfg, name + 9, text, source, why, why_size);
	const setting *s = setting_find(name);
	if (!s) {
		snprintf(why, why_size, "unknown setting");
		return -1;
	}
	double v;
	if (!setting_parse(s, text, &v, why, why_size))
		return -1;
	setting_store(cfg, s, v);
	snprintf(cfg->sources[s - settings], CONFIG_SOURCE_MAX, "%s", source);
	return 0;
}

void config_defaults(config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	char why[128];
	for (size_t i = 0; i < N_SETTINGS; i++) {
		int rc = config_apply(cfg, settings[i].name, settings[i].builtin, "built-in", why, sizeof(why));
		assert(rc == 0);
		(void)rc;
	}
	for (size_t i = 0; i < sizeof(builtin_kinds) / sizeof(builtin_kinds[0]); i++)
		set_kind(cfg, builtin_kinds[i].name, builtin_kinds[i].value, "built-in", why, sizeof(why));
	for (size_t i = 0; i < sizeof(builtin_cadences) / sizeof(builtin_cadences[0]); i++)
		set_cadence(cfg, builtin_cadences[i].role, builtin_cadences[i].days, "built-in", why, sizeof(why));
	for (size_t i = 0; moment_trigger_name(i); i++)
		set_trigger(cfg, moment_trigger_name(i), "on", "built-in", why, sizeof(why));
}

const config_kind *config_find_kind(const config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_kinds; i++)
		if (!strcasecmp(cfg->kinds[i].name, name))
			return &cfg->kinds[i];
	return NULL;
}

int config_cadence_for_roles(const config *cfg, const char *const *roles, size_t n_roles)
{
	int best = 0;
	bool any = false;
	for (size_t r = 0; r < n_roles; r++) {
		for (size_t i = 0; i < cfg->n_cadences; i++) {
			if (strcasecmp(cfg->cadences[i].role, roles[r]))
				continue;
			any = true;
			int d = cfg->cadences[i].days;
			if (d > 0 && (best == 0 || d < best))
				best = d;
		}
	}
	return any ? best : cfg->default_cadence;
}

/* ---- the INI file ------------------------------------------------------------ */

typedef struct ini_state {
	recip_ctx *ctx;
	config *cfg;
	const char *path;
	FILE *file;
	int line;
	int error_line;
	char error[400];
} ini_state;

/* inih reads through this so that we know the line of every setting. */
static char *read_config_line(char *str, int num, void *stream)
{
	ini_state *st = stream;
	char *got = fgets(str, num, st->file);
	if (got)
		st->line++;
	return got;
}

static int on_config_setting(void *user, const char *section, const char *name, const char *value)
{
	ini_state *st = user;
	if (st->error_line)
		return 1;
	char full[160], source[CONFIG_SOURCE_MAX], why[200];
	snprintf(full, sizeof(full), "%s.%s", section, name);
	snprintf(source, sizeof(source), "%s:%d", st->path, st->line);
	if (!*section) {
		snprintf(st->error, sizeof(st->error), "%s:%d: '%s' is outside any [section]", st->path, st->line,
		         name);
		st->error_line = st->line;
		return 0;
	}
	if (!utf8_valid(value, strlen(value))) {
		snprintf(st->error, sizeof(st->error), "%s:%d: the value of '%s' is not valid UTF-8", st->path,
		         st->line, full);
		st->error_line = st->line;
		return 0;
	}
	if (config_apply(st->cfg, full, value, source, why, sizeof(why)) < 0) {
		snprintf(st->error, sizeof(st->error), "%s:%d: bad value '%.60s' for '%s': %s", st->path, st->line,
		         value, full, why);
		st->error_line = st->line;
		return 0;
	}
	return 1;
}

int recip_config_load(recip_ctx *ctx, const char *path, bool optional)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (optional && errno == ENOENT)
			return RECIP_OK;
		return recip_fail(ctx, RECIP_ECONFIG, "cannot read configuration '%s': %s", path, strerror(errno));
	}
	/* Work on a copy: a file with an error changes nothing. */
	config *copy = malloc(sizeof(*copy));
	if (!copy) {
		fclose(f);
		return recip_oom(ctx);
	}
	*copy = ctx->cfg;
	ini_state st = {.ctx = ctx, .cfg = copy, .path = path, .file = f};
	int rc = ini_parse_stream(read_config_line, &st, on_config_setting, &st);
	fclose(f);
	int result = RECIP_OK;
	if (st.error_line)
		result = recip_fail(ctx, RECIP_ECONFIG, "%s", st.error);
	else if (rc > 0)
		result = recip_fail(ctx, RECIP_ECONFIG, "%s:%d: not a 'key = value' line nor a [section]", path, rc);
	else if (rc < 0)
		result = recip_fail(ctx, RECIP_ECONFIG, "cannot read configuration '%s'", path);
	if (result == RECIP_OK) {
		ctx->cfg = *copy;
		if (ctx->db)
			result = rollup_sync_params(ctx);
	}
	free(copy);
	return result;
}

int recip_config_set(recip_ctx *ctx, const char *name, const char *value, const char *source)
{
	char why[200];
	if (!name || !value)
		return recip_fail(ctx, RECIP_EINVAL, "a setting needs a name and a value");
	if (config_apply(&ctx->cfg, name, value, source ? source : "set", why, sizeof(why)) < 0)
		return recip_fail(ctx, RECIP_ECONFIG, "bad value '%.60s' for '%s': %s", value, name, why);
	if (ctx->db)
		return rollup_sync_params(ctx);
	return RECIP_OK;
}

int recip_config_report(recip_ctx *ctx, json_t **out)
{
	json_t *doc = json_object();
	json_t *items = json_array();
	json_t *kinds = json_array();
	json_t *cadences = json_array();
	json_t *triggers = json_array();
	if (!doc || !items || !kinds || !cadences || !triggers)
		goto oom;
	const config *cfg = &ctx->cfg;
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const setting *s = &settings[i];
		json_t *item = json_pack("{s:s, s:o, s:s, s:s}", "name", s->name, "value",
		                         jreal(setting_value(cfg, s)), "source", cfg->sources[i], "help", s->help);
		if (!item || jappend(items, item))
			goto oom;
		if (s->type == SET_DAYS && jset(item, "unit", json_string("days")))
			goto oom;
	}
	for (size_t i = 0; i < cfg->n_kinds; i++) {
		json_t *item = json_pack("{s:s, s:o, s:s}", "kind", cfg->kinds[i].name, "value",
		                         jreal(cfg->kinds[i].value), "source", cfg->kinds[i].source);
		if (!item || jappend(kinds, item))
			goto oom;
	}
	for (size_t i = 0; i < cfg->n_cadences; i++) {
		json_t *item = json_pack("{s:s, s:i, s:s}", "role", cfg->cadences[i].role, "days",
		                         (json_int_t)cfg->cadences[i].days, "source", cfg->cadences[i].source);
		if (!item || jappend(cadences, item))
			goto oom;
	}
	for (size_t i = 0; moment_trigger_name(i); i++) {
		json_t *item = json_pack("{s:s, s:b, s:s}", "trigger", moment_trigger_name(i), "on", !cfg->trigger_off[i],
		                         "source", cfg->trigger_sources[i]);
		if (!item || jappend(triggers, item))
			goto oom;
	}
	json_decref(doc);
	/* "o" hands the arrays to the document, even when packing fails */
	doc = json_pack("{s:o, s:o, s:o, s:o}", "settings", items, "kinds", kinds, "cadences", cadences, "triggers",
	                triggers);
	if (!doc)
		return recip_oom(ctx);
	*out = doc;
	return RECIP_OK;
oom:
	json_decref(items);
	json_decref(kinds);
	json_decref(cadences);
	json_decref(triggers);
	json_decref(doc);
	return recip_oom(ctx);
}
