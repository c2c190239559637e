/* advocacy_support.h — what the advocacy unit tests share: reading values
 * out of report documents (failing the test when one is missing or of
 * another type) and adding customers. */
#ifndef RECIP_TEST_ADVOCACY_SUPPORT_H
#define RECIP_TEST_ADVOCACY_SUPPORT_H

#include "support.h"

static inline json_t *jfield(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		fail_msg("no '%s' in the document", key);
	return v;
}

static inline json_int_t ji(json_t *obj, const char *key)
{
	json_t *v = jfield(obj, key);
	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	return json_integer_value(v);
}

static inline double jn(json_t *obj, const char *key)
{
	json_t *v = jfield(obj, key);
	if (!json_is_number(v))
		fail_msg("'%s' is not a number", key);
	return json_number_value(v);
}

static inline const char *js(json_t *obj, const char *key)
{
	json_t *v = jfield(obj, key);
	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	return json_string_value(v);
}

/* A person with the given role. */
static inline int64_t add_person(recip_ctx *ctx, const char *name, const char *role)
{
	return test_add(ctx, "party", "kind", "person", "name", name, "+role", role, NULL);
}

/* How many records of a kind there are (archived parties included). */
static inline int64_t record_total(recip_ctx *ctx, const char *entity)
{
	json_t *doc;
	recip_list_query q = {0};
	q.include_archived = true;
	if (recip_record_list(ctx, &doc, entity, &q) != RECIP_OK)
		fail_msg("listing %s: %s", entity, recip_errmsg(ctx));
	int64_t n = json_integer_value(json_object_get(doc, "total"));
	json_decref(doc);
	return n;
}

#endif
