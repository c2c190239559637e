/*
 * internal.h — what the files of librecip share and nobody else sees: the
 * context structure, the settings, error reporting and small helpers.
 */
#ifndef RECIP_INTERNAL_H
#define RECIP_INTERNAL_H

#include "recip/recip.h"
#include "buf.h"
#include "banned.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct db db;

/* ---- settings (config.c) -------------------------------------------------- */

#define CONFIG_NAME_MAX 48
#define CONFIG_SOURCE_MAX 160
#define CONFIG_MAX_KINDS 64
#define CONFIG_MAX_CADENCES 32
#define CONFIG_MAX_TRIGGERS 16
#define CONFIG_MAX_SETTINGS 64

typedef struct config_kind {
	char name[CONFIG_NAME_MAX];
	double value;                   /* default value of an exchange of this kind */
	char source[CONFIG_SOURCE_MAX];
} config_kind;

typedef struct config_cadence {
	char role[CONFIG_NAME_MAX];
	int days;                       /* keep in touch at least this often; 0: never due */
	char source[CONFIG_SOURCE_MAX];
} config_cadence;

typedef struct config {
	/* balance */
	int half_life;                  /* days */
	double personal_bonus;
	double unexpected_bonus;
	/* keep in touch */
	int default_cadence;            /* days for parties whose roles set none; 0: never */
	int need_window;                /* days looked back for the need-only share */
	double need_share;              /* need-only when our need share exceeds this */
	int need_min_outreach;          /* and at least this much outreach was seen */
	/* give-first gate */
	double gate_min_balance;
	int gate_cooldown;              /* days since our last ask */
	/* genuineness */
	int genuine_window;             /* days from a give to an ask that make it transactional */
	double transactional_share;     /* warn above this share of such gives */
	int transactional_min_gives;    /* … once at least this many gives were seen */
	/* advocacy */
	int nps_window;                 /* days of answers the NPS looks at */
	int growth_period;              /* days the growth report looks back */
	/* moments */
	int moment_nth_visit;           /* every n-th visit is a moment (0: off) */
	int moment_birthday_days;       /* birthdays and anniversaries within N days */
	double moment_lapsed_factor;    /* a regular is lapsed after factor × usual gap */
	int moment_lapsed_min_visits;   /* … with at least this many visits */
	int moment_lapsed_min_days;     /* … and never before this many days away */
	double moment_owe_threshold;    /* we owe them when the balance is below this */
	int moment_first_visit_days;    /* a first visit stays a moment for N days */
	int moment_referral_days;       /* a referral to thank stays for N days at most */
	int moment_promise_days;        /* promises due within N days */
	int moment_milestone_days;      /* an n-th visit stays a moment for N days */
	int moment_lapsed_days;         /* a lapse stays a moment for N days at most */
	int moment_detractor_days;      /* an NPS detractor to follow up stays for N days at most */
	int moment_follow_up_days;      /* follow up our open ask after N days without contact */
	bool trigger_off[CONFIG_MAX_TRIGGERS];          /* by index in the trigger table (moments.c) */
	char trigger_sources[CONFIG_MAX_TRIGGERS][CONFIG_SOURCE_MAX];
	/* expected regulars */
	int expected_window;            /* a regular not seen for this long is not expected */
	int expected_min_visits;        /* visits needed to be a regular */
	double expected_min_likelihood; /* list only above this */
	int expected_half_life;         /* days: how fast old weekday habits fade */
	/* agenda */
	int agenda_limit;               /* items per section (0: all) */
	/* where each scalar came from, by setting name (see config.c) */
	char sources[CONFIG_MAX_SETTINGS][CONFIG_SOURCE_MAX];
	config_kind kinds[CONFIG_MAX_KINDS];
	size_t n_kinds;
	config_cadence cadences[CONFIG_MAX_CADENCES];
	size_t n_cadences;
} config;

void config_defaults(config *cfg);
const config_kind *config_find_kind(const config *cfg, const char *name);
/* Cadence in days for a set of roles (the shortest one set), or the default. */
int config_cadence_for_roles(const config *cfg, const char *const *roles, size_t n_roles);

/* The moment triggers by index (moments.c): their names, NULL past the end. */
const char *moment_trigger_name(size_t index);

/* ---- the context ---------------------------------------------------------- */

struct recip_ctx {
	db *db;
	config cfg;
	char *actor;
	recip_time now;
	int errcode;
	char errmsg[512];
	char notice[512];           /* upgrade notice after open */
	int tx_depth;               /* nesting of recip_begin */
};

/* Records an error and returns its code: `return recip_fail(ctx, RECIP_EINVAL,
 * "unknown kind '%s'", kind);`. Messages are one line, lower-case. */
int recip_fail(recip_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int recip_oom(recip_ctx *ctx);

/* Runs a write as its own transaction unless one is open: every public call
 * that writes brackets its work with these. */
int tx_begin(recip_ctx *ctx);
/* Commits when rc is RECIP_OK, else rolls back; returns rc (or the commit's error). */
int tx_end(recip_ctx *ctx, int rc);

/* ---- small helpers (text.c) ----------------------------------------------- */

/* True when s is valid UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t len);
/* Number of code points. */
size_t utf8_length(const char *s);
/* Folds case for lookups: ASCII and Latin-1/Latin Extended-A letters to lower
 * case; the result is malloc'ed. */
char *text_fold(const char *s);
/* Copy of s without leading and trailing white space (malloc'ed). */
char *text_trim(const char *s);
/* Phone number reduced to its digits (and a leading '+'), for matching. */
char *phone_key(const char *s);
/* malloc'ed copy or NULL (also for NULL). */
char *xstrdup(const char *s);
/* The article before a noun: "a ", "an ", or "" for advice, help … */
const char *article(const char *noun);
/* Validates a text value: UTF-8, length in code points, no control
 * characters other than newline and tab when multiline. */
int text_check(recip_ctx *ctx, const char *what, const char *s, size_t max_chars, bool multiline);

/* ---- time (date.c) -------------------------------------------------------- */

static inline int64_t day_of(recip_time t)
{
	/* floor division: days before 1970 stay correct */
	return t >= 0 ? t / RECIP_DAY : -((-t + RECIP_DAY - 1) / RECIP_DAY);
}

/* "YYYY-MM-DD" or "--MM-DD" (no year): checks and normalises an annual date
 * into out (at least 11 bytes). */
int annual_date_parse(recip_ctx *ctx, char *out, size_t size, const char *what, const char *text);
/* Days from `day` to the next occurrence (0 = today) of an annual date. */
int annual_date_days_until(const char *annual, int64_t day);

/* "No time" in roll-ups and optional time fields. */
#define TIME_NONE INT64_MIN

/* ---- JSON helpers --------------------------------------------------------- */

/* Each returns 0 or -1 (no memory); the value is always consumed. */
int jset(json_t *obj, const char *key, json_t *value);
int jappend(json_t *arr, json_t *value);
json_t *jtime(recip_time t);        /* "YYYY-MM-DDTHH:MM:SS", or null for TIME_NONE */
json_t *jdate(recip_time t);        /* "YYYY-MM-DD", or null for TIME_NONE */
json_t *jstr_or_null(const char *s);
json_t *jreal(double v);            /* rounded to 4 decimals, so outputs are stable */

#endif
