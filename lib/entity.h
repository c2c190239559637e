/*
 * entity.h — records described as data. Each kind of record (party, fact,
 * exchange, touch, visit, ask, promise, referral, review, nps, project) is
 * one table of field descriptors; from it come the parsing and validation of
 * what a person typed, the SQL (column names only ever come from these
 * tables; values are always bound), the JSON documents, the audit trail, and
 * the columns of CSV import and export.
 */
#ifndef RECIP_ENTITY_H
#define RECIP_ENTITY_H

#include "internal.h"

typedef enum field_type {
	FT_TEXT,    /* one line of text, trimmed */
	FT_NOTE,    /* text that may span lines */
	FT_CHOICE,  /* one of the words in `choices` */
	FT_WORD,    /* a free lower-case word or short phrase (channel, platform, what was asked) */
	FT_KIND,    /* an exchange kind known to the settings */
	FT_PARTY,   /* a party, named as recip_party_resolve accepts */
	FT_REF,     /* the id of a record of the entity named in `choices` */
	FT_TIME,    /* a date or date-time */
	FT_NUMBER,  /* a decimal number within [min, max] */
	FT_INT,     /* a whole number within [min, max] */
	FT_BOOL,    /* yes/no, true/false, 1/0, on/off */
	FT_DAYS,    /* a duration, stored in days */
	FT_ANNUAL,  /* a birthday or anniversary: YYYY-MM-DD or --MM-DD */
	FT_EMAIL,   /* an e-mail address */
	FT_PHONE    /* a telephone number */
} field_type;

enum field_flags {
	F_REQUIRED = 1 << 0,    /* must be given when the record is created */
	F_MULTI = 1 << 1,       /* several values (party_value table) */
	F_READONLY = 1 << 2,    /* set by recip, never by the caller */
	F_DEFAULT_NOW = 1 << 3, /* a time that defaults to the context's "now" */
	F_END_OF_DAY = 1 << 4,  /* a date alone means the end of that day (due dates) */
	F_FIXED = 1 << 5,       /* may be given on create only */
	F_HIDDEN = 1 << 6,      /* kept but not shown in documents (import keys) */
	F_CREATE_ORG = 1 << 7   /* an unknown name creates an organisation */
};

typedef struct field_desc {
	const char *name;     /* as the API, the command line and CSV headers call it */
	const char *column;   /* the SQL column; NULL for multi-valued fields */
	field_type type;
	unsigned flags;
	const char *choices;  /* FT_CHOICE: "a|b|c"; FT_REF: the entity referred to */
	const char *dflt;     /* default text when not given on create */
	double min, max;      /* numbers; for texts, max is the length in characters */
	const char *help;
} field_desc;

#define ENTITY_MAX_FIELDS 32

typedef struct record record;

typedef struct entity_desc {
	const char *name;       /* "exchange" */
	const char *plural;     /* "exchanges" */
	const char *table;      /* SQL table */
	const char *noun;       /* for messages: "exchange", "party" */
	const field_desc *fields;
	size_t n_fields;
	const char *order;      /* ORDER BY of lists (columns of the table, prefixed t.) */
	/* Cross-field checks and derived defaults, before a write; old is NULL on create. */
	int (*check)(recip_ctx *ctx, record *rec, const record *old);
	/* Keeps roll-ups in step after a write; old is NULL on create, rec NULL on delete. */
	int (*after_write)(recip_ctx *ctx, const record *old, const record *rec);
} entity_desc;

typedef struct field_value {
	bool set;         /* holds a value (else SQL NULL) */
	int64_t i;        /* INT, BOOL, TIME, PARTY, REF, DAYS */
	double d;         /* NUMBER */
	char *s;          /* texts, choices, words, kinds, dates */
	char **items;     /* MULTI values */
	char **labels;    /* MULTI labels (may hold NULLs) */
	size_t n_items;
} field_value;

struct record {
	const entity_desc *e;
	int64_t id;
	field_value v[ENTITY_MAX_FIELDS];
	bool given[ENTITY_MAX_FIELDS];     /* set by this call */
	bool cleared[ENTITY_MAX_FIELDS];   /* a MULTI field was replaced in this call */
};

const entity_desc *entity_find(const char *name);
/* All entities, in the order of dependencies (parties first); NULL-terminated. */
extern const entity_desc *const entity_all[];
int field_index(const entity_desc *e, const char *name);

void record_init(record *rec, const entity_desc *e);
void record_release(record *rec);
/* Loads a record by id: RECIP_ENOTFOUND names the entity and id. */
int record_load(recip_ctx *ctx, record *rec, const entity_desc *e, int64_t id);
/* Parses and applies changes to a record (new or loaded). */
int record_apply(recip_ctx *ctx, record *rec, const recip_field *fields, size_t n, bool creating);
/* The record as a JSON object (names of referred parties included). */
int record_to_json(recip_ctx *ctx, const record *rec, json_t **out);

/* A lower-case word or short phrase (roles, tags, offers …), trimmed,
 * checked and folded to lower case; names `what` in its error. */
int parse_word(recip_ctx *ctx, const char *what, const char *text, size_t max, char **out);

/* Accessors by field name (the field must exist; asserted). */
const field_value *record_get(const record *rec, const char *field);
int64_t record_int(const record *rec, const char *field);
double record_num(const record *rec, const char *field);
const char *record_str(const record *rec, const char *field);
bool record_has(const record *rec, const char *field);
/* Sets a field directly, bypassing parsing (for derived values). */
void record_set_int(record *rec, const char *field, int64_t v);
void record_set_num(record *rec, const char *field, double v);
int record_set_str(record *rec, const char *field, const char *s);

/* Binds a field's value as parameter idx of a statement (bulk inserts). */
struct db_stmt;
int record_bind_field(struct db_stmt *st, int idx, const field_desc *f, const field_value *v);

/* The inner steps of recip_record_add/update/delete, inside a transaction. */
int record_insert(recip_ctx *ctx, record *rec, int64_t *out_id);
int record_store(recip_ctx *ctx, record *rec, const record *old);
int record_remove(recip_ctx *ctx, const record *rec);

/* The audit trail (audit.c): before and after are documents or NULL. */
int audit_write(recip_ctx *ctx, const char *action, const char *entity, int64_t id, int64_t party, json_t *before,
                json_t *after);
int audit_record(recip_ctx *ctx, const char *action, const record *old, const record *rec);

/* Party helpers (party.c). */
int party_name(recip_ctx *ctx, int64_t id, char **out);
int party_exists(recip_ctx *ctx, int64_t id);
int party_resolve_or_create_org(recip_ctx *ctx, int64_t *out_id, const char *reference);
int party_store_values(recip_ctx *ctx, const record *rec);
int party_load_values(recip_ctx *ctx, record *rec);

#endif
